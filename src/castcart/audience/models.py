"""Reminders a shopper booked for a show and each reminder sent; the store's replay
retention. The unique (reminder, kind) of ``audience_reminder_sends`` is the claim: a sender
inserts the row before it sends, so two workers never both send the same reminder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class ShowReminder(Base):
    """ "Remind me" for one show on one channel: an e-mail address or a browser's Web Push
    subscription. ``address_hash`` (sha256 of the address or push endpoint) keeps a second
    booking of the same address the same row."""

    __tablename__ = "audience_reminders"
    __table_args__ = (UniqueConstraint("show_id", "channel", "address_hash"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    shopper_id: Mapped[str] = mapped_column(
        ForeignKey("shoppers.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(8))  # email | push
    address_hash: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # push: the browser's PushSubscription as JSON ({endpoint, keys: {p256dh, auth}})
    push_subscription: Mapped[str | None] = mapped_column(Text, nullable=True)
    lang: Mapped[str] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ReminderSend(Base):
    """One reminder of one kind (``24h``, ``10m``, ``live``). Inserted by the sender that
    claims it (status ``sending``); ``sent``, or ``pending`` with a later ``next_attempt_at``
    after a failure (the retry), ``failed`` out of attempts, ``skipped`` (no consent any
    more, too late, the subscription is gone)."""

    __tablename__ = "audience_reminder_sends"
    __table_args__ = (
        UniqueConstraint("reminder_id", "kind"),
        Index("ix_audience_reminder_sends_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    reminder_id: Mapped[str] = mapped_column(
        ForeignKey("audience_reminders.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker: Mapped[str] = mapped_column(String(64), default="")  # who sent it (logs, tests)


class ReplayPolicy(Base):
    """How long a store keeps its replays after a show ends (None: for good)."""

    __tablename__ = "audience_replay_policies"

    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
