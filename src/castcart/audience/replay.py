"""The shoppable replay: what an ended show's recording offers (its HLS, length, caption
tracks), the product timeline built from the show's own events, and how long it is kept.

Chapters come from the show's audit log (``castcart.audit``: every pin, flash sale, poll
and giveaway the show displayed, with the time it happened). A wall-clock time becomes a
position in the recording through the publisher sessions (``media_stream_sessions``): the
recording is the sessions back to back (an interruption is a gap the HLS does not have),
so an event at ``t`` sits at the total streamed time before ``t``; one during a gap sits
where the next session starts."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.audience.errors import AudienceErrorCode
from castcart.audience.models import ReplayPolicy
from castcart.audit.models import ShowAuditEntry
from castcart.catalog.models import Product, Variant
from castcart.core.db import Database
from castcart.core.errors import NotFoundError
from castcart.core.settings import Settings
from castcart.media import playlists
from castcart.media import service as media
from castcart.media.models import StreamSession
from castcart.shows import service as shows
from castcart.shows.lifecycle import ShowStatus
from castcart.shows.models import Show

CHAPTER_KINDS = {
    "pin": "pin",
    "flash_sale": "flash_sale",
    "poll.opened": "poll",
    "giveaway.opened": "giveaway",
}
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime | None


def media_offset(spans: Sequence[Span], at: datetime) -> float:
    """Seconds into the recording at wall-clock ``at`` (sessions back to back)."""
    total = 0.0
    for span in spans:
        if at <= span.start:
            break
        end = span.end if span.end is not None and span.end < at else at
        total += max(0.0, (end - span.start).total_seconds())
    return total


@dataclass(frozen=True)
class Chapter:
    offset: float
    kind: str  # pin | flash_sale | poll | giveaway
    label: str
    product_id: str | None = None
    variant_id: str | None = None


@dataclass(frozen=True)
class CaptionTrack:
    lang: str
    url: str


@dataclass
class ReplayInfo:
    show: Show
    hls_url: str
    duration: float
    chapters: list[Chapter] = field(default_factory=list)
    # (offset, product id or None): what the product card shows from that point on
    product_track: list[tuple[float, str | None]] = field(default_factory=list)
    captions: list[CaptionTrack] = field(default_factory=list)
    expires_at: datetime | None = None


def retention_days(session: Session, store_id: str) -> int | None:
    policy = session.get(ReplayPolicy, store_id)
    return policy.retention_days if policy is not None else None


def set_retention(session: Session, store_id: str, days: int | None, now: datetime) -> None:
    policy = session.get(ReplayPolicy, store_id)
    if policy is None:
        session.add(ReplayPolicy(store_id=store_id, retention_days=days, updated_at=now))
    else:
        policy.retention_days = days
        policy.updated_at = now
    session.flush()


def expires_at(show: Show, days: int | None) -> datetime | None:
    if days is None or show.ended_at is None:
        return None
    return show.ended_at + timedelta(days=days)


def _available(session: Session, show: Show, days: int | None, now: datetime) -> bool:
    if show.status != ShowStatus.ENDED or media.replay_deleted(session, show.id):
        return False
    if not media.has_stream(session, show.id):
        return False
    ends = expires_at(show, days)
    return ends is None or now < ends


def list_replays(session: Session, store_id: str, now: datetime, limit: int = 50) -> list[Show]:
    """The store's replays that can be watched, newest first."""
    days = retention_days(session, store_id)
    ended = session.scalars(
        select(Show)
        .where(Show.store_id == store_id, Show.status == ShowStatus.ENDED)
        .order_by(Show.ended_at.desc())
        .limit(limit * 2)
    )
    return [show for show in ended if _available(session, show, days, now)][:limit]


def _spans(session: Session, show_id: str) -> list[Span]:
    return [
        Span(s.started_at, s.ended_at)
        for s in session.scalars(
            select(StreamSession)
            .where(StreamSession.show_id == show_id)
            .order_by(StreamSession.started_at)
        )
    ]


def _product_of_variant(session: Session, variant_id: str | None) -> str | None:
    if not variant_id:
        return None
    variant = session.get(Variant, variant_id)
    return variant.product_id if variant is not None else None


def timeline(
    session: Session, show: Show, duration: float, title_of: dict[str, str]
) -> tuple[list[Chapter], list[tuple[float, str | None]]]:
    """Chapters and the product track of a show, from its audit log."""
    spans = _spans(session, show.id)
    chapters: list[Chapter] = []
    track: list[tuple[float, str | None]] = []
    entries = session.scalars(
        select(ShowAuditEntry)
        .where(
            ShowAuditEntry.show_id == show.id,
            ShowAuditEntry.kind.in_((*CHAPTER_KINDS, "unpin")),
        )
        .order_by(ShowAuditEntry.seq)
    )
    for entry in entries:
        payload = json.loads(entry.payload or "{}")
        offset = media_offset(spans, entry.occurred_at)
        if duration > 0:
            offset = min(offset, max(0.0, duration - 0.5))
        offset = round(offset, 2)
        if entry.kind == "unpin":
            track.append((offset, None))
            continue
        kind = CHAPTER_KINDS[entry.kind]
        product_id: str | None = None
        variant_id: str | None = None
        if kind == "pin":
            product_id = payload.get("product_id")
            label = title_of.get(product_id or "", "")
        elif kind == "flash_sale":
            variant_id = payload.get("variant_id")
            product_id = _product_of_variant(session, variant_id)
            label = title_of.get(product_id or "", "")
        elif kind == "poll":
            label = str(payload.get("question", ""))[:200]
        else:
            label = str(payload.get("title", ""))[:200]
        chapters.append(Chapter(offset, kind, label, product_id, variant_id))
        if product_id:
            track.append((offset, product_id))
    return chapters, track


def caption_tracks(settings: Settings, show_id: str, hls_url: str) -> list[CaptionTrack]:
    folder = playlists.show_dir(settings.effective_media_dir, show_id) / "captions"
    base = hls_url.rsplit("/", 1)[0]
    if not folder.is_dir():
        return []
    return [
        CaptionTrack(path.stem, f"{base}/captions/{path.name}")
        for path in sorted(folder.glob("*.vtt"))
        if _LANG.match(path.stem) and path.stat().st_size > 0
    ]


def replay_info(
    session: Session,
    settings: Settings,
    show: Show,
    title_of: dict[str, str],
    now: datetime,
) -> ReplayInfo:
    """The replay of an ended show; 404 when there is none (not ended, never streamed,
    deleted, or past the store's retention)."""
    days = retention_days(session, show.store_id)
    hls = media.hls_url_for(session, settings, show.id)
    if not _available(session, show, days, now) or hls is None:
        raise NotFoundError("this show has no replay", code=AudienceErrorCode.REPLAY_NOT_FOUND)
    duration = playlists.duration_seconds(settings.effective_media_dir, show.id)
    chapters, track = timeline(session, show, duration, title_of)
    return ReplayInfo(
        show=show,
        hls_url=hls,
        duration=duration,
        chapters=chapters,
        product_track=track,
        captions=caption_tracks(settings, show.id, hls),
        expires_at=expires_at(show, days),
    )


def delete_replay(
    db: Database, settings: Settings, show_id: str, store_id: str, *, reason: str, now: datetime
) -> bool:
    """Delete the show's replay: recorded as deleted, then its media folder removed."""
    with db.write() as session:
        show = shows.get_show(session, store_id, show_id)
        changed = media.delete_replay(session, settings, show, reason=reason, now=now)
    removed = media.remove_replay_files(settings, show_id)
    return changed or removed


def sweep_expired(db: Database, settings: Settings, now: datetime) -> list[str]:
    """Delete the replays whose store's retention has run out; returns their show ids."""
    with db.read() as session:
        policies = session.execute(
            select(ReplayPolicy.store_id, ReplayPolicy.retention_days).where(
                ReplayPolicy.retention_days.is_not(None)
            )
        ).all()
        expired: list[tuple[str, str]] = []
        for store_id, days in policies:
            if days is None:
                continue
            cutoff = now - timedelta(days=days)
            for show in session.scalars(
                select(Show).where(
                    Show.store_id == store_id,
                    Show.status == ShowStatus.ENDED,
                    Show.ended_at <= cutoff,
                )
            ):
                if not media.replay_deleted(session, show.id) and media.has_stream(
                    session, show.id
                ):
                    expired.append((show.id, store_id))
    for show_id, store_id in expired:
        delete_replay(db, settings, show_id, store_id, reason="retention", now=now)
    return [show_id for show_id, _ in expired]


def product_titles(session: Session, show_id: str, lang: str, fallback: str) -> dict[str, str]:
    from castcart.audience.service import product_title

    titles = {
        p.id: product_title(p, lang, fallback) for p in shows.showcase_products(session, show_id)
    }
    # a pinned product that left the showcase later still has a title on the timeline
    pinned = session.scalars(
        select(ShowAuditEntry.payload).where(
            ShowAuditEntry.show_id == show_id, ShowAuditEntry.kind == "pin"
        )
    )
    for payload in pinned:
        product_id = json.loads(payload or "{}").get("product_id")
        if product_id and product_id not in titles:
            product = session.get(Product, product_id)
            if product is not None:
                titles[product_id] = product_title(product, lang, fallback)
    return titles
