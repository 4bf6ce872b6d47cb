"""Tables of the multilingual domain: the store's audience languages, its glossary, and the
shared translation cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class StoreLanguages(Base):
    """Languages a store serves: chat and captions are translated into each of them, and
    language detection chooses only among them."""

    __tablename__ = "store_languages"

    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    languages: Mapped[str] = mapped_column(String(200))  # comma-separated ISO 639-1
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossaryTerm(Base):
    """A protected term (``target_lang`` empty: never translated) or a preferred translation
    of ``term`` from ``source_lang`` into ``target_lang``."""

    __tablename__ = "glossary_terms"
    __table_args__ = (
        UniqueConstraint("store_id", "term", "source_lang", "target_lang", name="uq_glossary"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(200))
    source_lang: Mapped[str] = mapped_column(String(8), default="")
    target_lang: Mapped[str] = mapped_column(String(8), default="")
    translation: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CachedTranslation(Base):
    """One engine output, keyed by ``engine:src-tgt:sha256(text)`` (see lingua.cache)."""

    __tablename__ = "translation_cache"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    translation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
