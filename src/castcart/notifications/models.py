from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class SentNotification(Base):
    """One mail that must go out once: the unique (order, kind) makes a redelivered event
    (outbox relay, a second node) find the row instead of mailing again. ``pending`` rows
    are retried by the sweep until sent or out of attempts (``failed``)."""

    __tablename__ = "notifications_sent"
    __table_args__ = (
        UniqueConstraint("order_id", "kind"),
        Index("ix_notifications_sent_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # compose.KINDS
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|sent|failed|skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    event_id: Mapped[str] = mapped_column(String(64))  # the event that asked for it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # a sender holds the row while it talks to the SMTP server (two nodes never both send)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
