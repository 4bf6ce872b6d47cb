"""Moderation tables: per-store word filters, mutes and bans, and the action log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class ChatWordFilter(Base):
    """A term refused (``block``) or starred out (``mask``) in a store's chat."""

    __tablename__ = "chat_word_filters"
    __table_args__ = (UniqueConstraint("store_id", "folded", name="uq_chat_word_filter"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(100))
    folded: Mapped[str] = mapped_column(String(100))  # the matching form: see filters.fold
    action: Mapped[str] = mapped_column(String(8))  # block | mask
    created_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChatRestriction(Base):
    """A mute (one show, until a time) or a ban (the whole store, until lifted)."""

    __tablename__ = "chat_restrictions"
    __table_args__ = (Index("ix_chat_restrictions_viewer", "store_id", "viewer_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    show_id: Mapped[str | None] = mapped_column(
        ForeignKey("shows.id", ondelete="CASCADE"), nullable=True
    )
    viewer_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(8))  # mute | ban
    until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ModerationAction(Base):
    """Append-only: who did what to whom, when and why. Rows are never updated or deleted
    (the ORM refuses; only the store's own deletion cascades them away)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_store_time", "store_id", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    show_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    actor_id: Mapped[str | None] = mapped_column(ID, nullable=True)  # None: the system
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))
    target_viewer_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    message_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(ModerationAction, "before_update")
@event.listens_for(ModerationAction, "before_delete")
def _append_only(*_args: object) -> None:
    raise RuntimeError("moderation_actions is append-only")
