"""When each reminder of a show is due. Pure: no database, the time is passed in.

Three kinds: ``24h`` (a day before the scheduled start), ``10m`` (ten minutes before) and
``live`` (the show went live). Each has a window: it is sent once its time has come and
not after the next one is due (a ``24h`` reminder found ten minutes before the show is
pointless, a ``live`` one an hour into the show too). A kind whose time had passed when the
shopper booked is not sent (booking 3 hours ahead gets ``10m`` and ``live``, not ``24h``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class ReminderKind(StrEnum):
    DAY_BEFORE = "24h"
    TEN_MINUTES = "10m"
    LIVE = "live"


KINDS: tuple[ReminderKind, ...] = (
    ReminderKind.DAY_BEFORE,
    ReminderKind.TEN_MINUTES,
    ReminderKind.LIVE,
)
DAY_BEFORE = timedelta(hours=24)
TEN_MINUTES = timedelta(minutes=10)
LIVE_WINDOW = timedelta(minutes=30)  # a go-live reminder later than this is not sent
BOOKING_GRACE = timedelta(minutes=1)  # booked a moment after the time: still sent


@dataclass(frozen=True)
class ShowTimes:
    scheduled_at: datetime
    status: str  # scheduled | live | interrupted | ended
    started_at: datetime | None


def window(kind: ReminderKind, show: ShowTimes) -> tuple[datetime, datetime] | None:
    """``[due, stale)`` of one kind for this show, or None when it can never be sent now."""
    if kind is ReminderKind.LIVE:
        if show.started_at is None or show.status not in ("live", "interrupted"):
            return None
        return show.started_at, show.started_at + LIVE_WINDOW
    if show.status != "scheduled":
        return None  # started (or cancelled): the "before" reminders are moot
    if kind is ReminderKind.DAY_BEFORE:
        return show.scheduled_at - DAY_BEFORE, show.scheduled_at - TEN_MINUTES
    return show.scheduled_at - TEN_MINUTES, show.scheduled_at + LIVE_WINDOW


def due_kinds(show: ShowTimes, booked_at: datetime, now: datetime) -> list[ReminderKind]:
    """The kinds to send now for a reminder booked at ``booked_at`` (oldest first)."""
    found = []
    for kind in KINDS:
        span = window(kind, show)
        if span is None:
            continue
        due, stale = span
        if due <= now < stale and booked_at <= due + BOOKING_GRACE:
            found.append(kind)
    # several due at once (a worker that was down): only the latest one is worth sending
    return found[-1:]


def still_timely(kind: ReminderKind, show: ShowTimes, now: datetime) -> bool:
    """A retry of ``kind`` at ``now`` still makes sense."""
    span = window(kind, show)
    return span is not None and span[0] <= now < span[1]
