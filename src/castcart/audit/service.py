"""Writing, reading, verifying and expiring the show audit log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.audit.chain import (
    GENESIS_HASH,
    VerifyResult,
    canonical_json,
    entry_hash,
    verify_chain,
)
from castcart.audit.models import ShowAuditEntry
from castcart.audit.recorder import AuditItem
from castcart.core.db import Database
from castcart.shows.models import Show

_RETRIES = 5


def _append_show(session: Session, show_id: str, items: Sequence[AuditItem]) -> int:
    known = set(
        session.scalars(
            select(ShowAuditEntry.event_id).where(
                ShowAuditEntry.event_id.in_([i.event_id for i in items])
            )
        )
    )
    fresh = [i for i in items if i.event_id not in known]
    if not fresh:
        return 0
    last = session.execute(
        select(ShowAuditEntry.seq, ShowAuditEntry.hash)
        .where(ShowAuditEntry.show_id == show_id)
        .order_by(ShowAuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS_HASH)
    for item in fresh:
        seq += 1
        payload_json = canonical_json(item.payload)
        digest = entry_hash(
            prev,
            seq=seq,
            kind=item.kind,
            actor=item.actor,
            occurred_at=item.occurred_at,
            payload_json=payload_json,
        )
        session.add(
            ShowAuditEntry(
                store_id=item.store_id,
                show_id=show_id,
                seq=seq,
                event_id=item.event_id,
                kind=item.kind,
                actor=item.actor,
                occurred_at=item.occurred_at,
                payload=payload_json,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    session.flush()
    return len(fresh)


def append_items(db: Database, items: Sequence[AuditItem]) -> int:
    """Append in arrival order, one transaction per show. Another node recording the same
    events (Redis fan-out) makes a ``seq`` or ``event_id`` collide: retry, skipping what the
    other node already wrote."""
    by_show: dict[str, list[AuditItem]] = defaultdict(list)
    for item in items:
        by_show[item.show_id].append(item)
    written = 0
    for show_id, show_items in by_show.items():
        for attempt in range(_RETRIES):
            try:
                with db.write() as session:
                    exists = session.scalar(select(Show.id).where(Show.id == show_id))
                    if exists is None:
                        break  # the show is gone (store deleted); nothing to keep
                    written += _append_show(session, show_id, show_items)
                break
            except IntegrityError:
                if attempt == _RETRIES - 1:
                    raise
    return written


def list_entries(
    session: Session, store_id: str, show_id: str, *, after_seq: int = 0, limit: int = 200
) -> Sequence[ShowAuditEntry]:
    return session.scalars(
        select(ShowAuditEntry)
        .where(
            ShowAuditEntry.store_id == store_id,
            ShowAuditEntry.show_id == show_id,
            ShowAuditEntry.seq > after_seq,
        )
        .order_by(ShowAuditEntry.seq)
        .limit(limit)
    ).all()


def verify_show(session: Session, store_id: str, show_id: str) -> VerifyResult:
    entries = session.scalars(
        select(ShowAuditEntry)
        .where(ShowAuditEntry.store_id == store_id, ShowAuditEntry.show_id == show_id)
        .order_by(ShowAuditEntry.seq)
    )
    return verify_chain(entries)


def purge_expired(session: Session, *, now: datetime, store_id: str | None = None) -> int:
    """Delete the logs of shows that ended longer ago than their store keeps them.
    A show's log goes as a whole, so every kept chain still verifies."""
    query = select(Show.id, Show.ended_at, Store.audit_retention_days).join(
        Store, Store.id == Show.store_id
    )
    query = query.where(Show.ended_at.is_not(None))
    if store_id is not None:
        query = query.where(Show.store_id == store_id)
    expired = [
        show_id
        for show_id, ended_at, days in session.execute(query)
        if ended_at is not None and ended_at < now - timedelta(days=days)
    ]
    deleted = 0
    for start in range(0, len(expired), 200):
        chunk = expired[start : start + 200]
        count = session.scalar(
            select(func.count())
            .select_from(ShowAuditEntry)
            .where(ShowAuditEntry.show_id.in_(chunk))
        )
        session.execute(delete(ShowAuditEntry).where(ShowAuditEntry.show_id.in_(chunk)))
        deleted += int(count or 0)
    session.flush()
    return deleted
