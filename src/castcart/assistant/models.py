"""The assistant's tables: the merchant's FAQ, the hand-off queue and per-store settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class FaqEntry(Base):
    """A question the merchant answers once, in as many locales as they write.

    ``topic``: "returns" (the return policy), "warranty", "shipping", "payment", "sizing",
    "general"; ``texts``: ``{locale: {"question": ..., "answer": ...}}``; ``product_id``:
    None for the whole store, else the product it is about."""

    __tablename__ = "assistant_faq"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), nullable=True
    )
    topic: Mapped[str] = mapped_column(String(20), default="general")
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class HandOff(Base):
    """A shopper question the assistant could not answer with confidence: waits in the host
    console's queue with the draft answer; ``open`` -> ``answered`` or ``dismissed``."""

    __tablename__ = "assistant_handoffs"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str | None] = mapped_column(
        ForeignKey("shows.id", ondelete="CASCADE"), nullable=True, index=True
    )
    product_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    viewer_id: Mapped[str] = mapped_column(String(64))
    viewer_name: Mapped[str] = mapped_column(String(120), default="")
    lang: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40))
    draft: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AssistantSettings(Base):
    """Per store: whether the assistant answers in chat, and whether its answers go to the
    whole room (host's choice) or only to the shopper who asked (the default)."""

    __tablename__ = "assistant_settings"

    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    answer_to_room: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
