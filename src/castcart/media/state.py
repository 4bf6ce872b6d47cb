"""What a publisher arriving or leaving does to a show, and the stream state staff see.
Pure decisions (no database, no clock) so every transition is unit-tested."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from castcart.core.errors import ConflictError
from castcart.media.errors import MediaErrorCode
from castcart.shows.lifecycle import ShowStatus


class StreamState(StrEnum):
    CLOSED = "closed"  # no listener for this show (embedded ingest not opened)
    WAITING = "waiting"  # ingest ready, no publisher yet
    PUBLISHING = "publishing"  # an encoder is sending
    INTERRUPTED = "interrupted"  # the encoder left; the grace period runs
    ENDED = "ended"  # the show ended; the HLS is the replay


def stream_state(show_status: str, *, publishing: bool, ingest_ready: bool) -> StreamState:
    if show_status == ShowStatus.ENDED:
        return StreamState.ENDED
    if publishing:
        return StreamState.PUBLISHING
    if show_status == ShowStatus.INTERRUPTED:
        return StreamState.INTERRUPTED
    return StreamState.WAITING if ingest_ready else StreamState.CLOSED


def on_publish(show_status: str, *, already_publishing: bool) -> ShowStatus | None:
    """The show status a new publisher leads to (None: unchanged). Refuses an ended show
    and a second publisher."""
    status = ShowStatus(show_status)
    if status is ShowStatus.ENDED:
        raise ConflictError("the show has ended", code=MediaErrorCode.SHOW_ENDED)
    if already_publishing:
        raise ConflictError(
            "an encoder is already publishing", code=MediaErrorCode.ALREADY_PUBLISHING
        )
    if status in (ShowStatus.SCHEDULED, ShowStatus.INTERRUPTED):
        return ShowStatus.LIVE
    return None


def on_unpublish(show_status: str) -> ShowStatus | None:
    """A publisher left: a live show is interrupted; any other status stays."""
    return ShowStatus.INTERRUPTED if show_status == ShowStatus.LIVE else None


def grace_expired(
    show_status: str, stopped_at: datetime | None, now: datetime, grace_seconds: float
) -> bool:
    """An interrupted show ends once its encoder has been gone for the grace period."""
    if show_status != ShowStatus.INTERRUPTED:
        return False
    if stopped_at is None:
        return True  # interrupted without a known stop: nothing to wait for
    return now - stopped_at >= timedelta(seconds=grace_seconds)
