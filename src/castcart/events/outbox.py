"""The transactional outbox: events are written in the same transaction as the change that
caused them, published after commit, and republished by a relay if the process died between
commit and publish.

Delivery is at-least-once. The normal path publishes straight after commit and marks the
rows published in batches (one UPDATE a second, not one per checkout); a crash in between
means the relay republishes those rows after ``recover_after``, so subscribers that must act
once per event key on ``event.id`` (the audit log and the order mails already do).

Recovery claims a row with a conditional UPDATE before publishing it (a lease), so two app
nodes never both republish it, and a node that dies holding a lease gives the row back when
the lease runs out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base, Database
from castcart.core.failpoints import failpoint
from castcart.core.types import UTCDateTime
from castcart.events.types import DomainEvent, event_from_envelope

log = logging.getLogger(__name__)


class OutboxEvent(Base):
    __tablename__ = "event_outbox"
    __table_args__ = (Index("ix_event_outbox_pending", "published_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the event's own id
    store_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def stage(session: Session, events: Iterable[DomainEvent]) -> list[str]:
    """Write ``events`` into the caller's open transaction; returns their ids."""
    now = utcnow()
    rows = [
        OutboxEvent(
            id=event.id,
            store_id=event.store_id,
            type=event.type,
            envelope=event.envelope(),
            created_at=now,
        )
        for event in events
    ]
    session.add_all(rows)
    return [row.id for row in rows]


class OutboxRelay:
    """Marks published rows in batches and republishes what a crashed process left behind."""

    def __init__(
        self,
        db: Database,
        publish: Any,
        *,
        recover_after: timedelta = timedelta(seconds=30),
        lease: timedelta = timedelta(seconds=60),
        retention: timedelta = timedelta(days=3),
    ) -> None:
        self.db = db
        self._publish = publish  # the bus's publish(event)
        self.recover_after = recover_after
        self.lease = lease
        self.retention = retention
        self._published: list[str] = []
        self._lock = threading.Lock()
        self._pruned_at: datetime | None = None

    def published(self, ids: Iterable[str]) -> None:
        """The normal path published these after commit; mark them on the next flush."""
        with self._lock:
            self._published.extend(ids)

    def flush(self) -> int:
        with self._lock:
            ids, self._published = self._published, []
        if not ids:
            return 0
        now = utcnow()
        with self.db.write() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_(chunk), OutboxEvent.published_at.is_(None))
                    .values(published_at=now)
                )
        return len(ids)

    def recover(self, *, now: datetime | None = None, limit: int = 500) -> int:
        """Republish rows committed but never marked published; returns how many."""
        now = now or utcnow()
        with self.db.read() as session:
            candidates = session.scalars(
                select(OutboxEvent.id)
                .where(
                    OutboxEvent.published_at.is_(None),
                    OutboxEvent.created_at < now - self.recover_after,
                    (OutboxEvent.claimed_at.is_(None))
                    | (OutboxEvent.claimed_at < now - self.lease),
                )
                .order_by(OutboxEvent.created_at)
                .limit(limit)
            ).all()
        republished = 0
        for event_id in candidates:
            envelope = self._claim(event_id, now)
            if envelope is None:
                continue  # another node took it
            event = event_from_envelope(envelope)
            if event is None:
                log.warning("outbox row %s has an unknown event type; skipped", event_id)
            else:
                self._publish(event)
                republished += 1
                failpoint("outbox.after_publish")  # crash tests: sent, not marked
            with self.db.write() as session:
                session.execute(
                    update(OutboxEvent).where(OutboxEvent.id == event_id).values(published_at=now)
                )
        return republished

    def _claim(self, event_id: str, now: datetime) -> dict[str, Any] | None:
        with self.db.write() as session:
            claimed = session.execute(
                update(OutboxEvent)
                .where(
                    OutboxEvent.id == event_id,
                    OutboxEvent.published_at.is_(None),
                    (OutboxEvent.claimed_at.is_(None))
                    | (OutboxEvent.claimed_at < now - self.lease),
                )
                .values(claimed_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return session.get_one(OutboxEvent, event_id).envelope

    def prune(self, *, now: datetime | None = None) -> int:
        now = now or utcnow()
        with self.db.write() as session:
            result = session.execute(
                delete(OutboxEvent).where(
                    OutboxEvent.published_at.is_not(None),
                    OutboxEvent.published_at < now - self.retention,
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def run_once(self) -> None:
        self.flush()
        self.recover()
        now = utcnow()
        if self._pruned_at is None or now - self._pruned_at > timedelta(hours=1):
            self._pruned_at = now
            self.prune(now=now)
