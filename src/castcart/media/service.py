"""Stream ingest bookkeeping: opening a show's ingest (a port for the embedded listener),
publisher sessions, and the show transitions they drive through the shows service."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.core.clock import utcnow
from castcart.core.errors import ConflictError
from castcart.core.settings import Settings
from castcart.events import DomainEvent
from castcart.events.types import StreamStarted
from castcart.media import playlists
from castcart.media.errors import MediaErrorCode
from castcart.media.ffmpeg import RTMP_APP, parse_ports
from castcart.media.models import MediaIngest, ReplayDeletion, StreamSession
from castcart.media.rtmp import PublishRefusedError
from castcart.media.state import StreamState, grace_expired, on_publish, on_unpublish, stream_state
from castcart.shows import service as shows
from castcart.shows.lifecycle import ShowStatus
from castcart.shows.models import Show

log = logging.getLogger(__name__)

# How long after its scheduled time a show that never started still gets a listener.
LATE_START_WINDOW = timedelta(hours=6)
# nginx calls on_update every 10 s (template); three missed beats: that nginx is gone.
NGINX_STALE_AFTER = timedelta(seconds=45)


@dataclass(frozen=True)
class StreamInfo:
    ingest_url: str | None
    stream_key: str
    state: StreamState
    hls_url: str | None
    port: int | None


@dataclass(frozen=True)
class ListenTarget:
    """A show an embedded publisher was accepted for, and its audio tap port."""

    show_id: str
    store_id: str
    port: int
    stream_key: str


def get_ingest(session: Session, show_id: str) -> MediaIngest | None:
    return session.get(MediaIngest, show_id)


def open_session(session: Session, show_id: str) -> StreamSession | None:
    return session.scalar(
        select(StreamSession)
        .where(StreamSession.show_id == show_id, StreamSession.ended_at.is_(None))
        .order_by(StreamSession.started_at.desc())
        .limit(1)
    )


def has_stream(session: Session, show_id: str) -> bool:
    """A stream has started at least once: the show has HLS (live, or kept as the replay)."""
    found = session.scalar(select(StreamSession.id).where(StreamSession.show_id == show_id))
    return found is not None


def hls_url_for(session: Session, settings: Settings, show_id: str) -> str | None:
    if not has_stream(session, show_id) or replay_deleted(session, show_id):
        return None
    return playlists.hls_url(settings.media_public_url, show_id)


def replay_deleted(session: Session, show_id: str) -> bool:
    return session.get(ReplayDeletion, show_id) is not None


def delete_replay(
    session: Session, settings: Settings, show: Show, *, reason: str, now: datetime
) -> bool:
    """Mark an ended show's recording deleted: the show has no ``hls_url`` from then on.
    After the commit, ``remove_replay_files`` deletes its folder. False when it was
    deleted before."""
    if show.status != ShowStatus.ENDED:
        raise ConflictError(
            "a show's replay can be deleted once the show has ended",
            code=MediaErrorCode.SHOW_NOT_ENDED,
        )
    if replay_deleted(session, show.id):
        return False
    session.add(
        ReplayDeletion(show_id=show.id, store_id=show.store_id, reason=reason, deleted_at=now)
    )
    session.flush()
    log.info("replay of show %s deleted (%s)", show.id, reason)
    return True


def remove_replay_files(settings: Settings, show_id: str) -> bool:
    """Delete a show's whole media folder (HLS renditions, captions). False if none."""
    folder = playlists.show_dir(settings.effective_media_dir, show_id)
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


def sessions(session: Session, show_id: str) -> Sequence[StreamSession]:
    return session.scalars(
        select(StreamSession)
        .where(StreamSession.show_id == show_id)
        .order_by(StreamSession.started_at)
    ).all()


def _ingest_ready(settings: Settings, ingest: MediaIngest | None) -> bool:
    if settings.media_ingest == "nginx":
        return True
    return (
        settings.media_ingest == "embedded"
        and ingest is not None
        and ingest.closed_at is None
        and ingest.port is not None
    )


def embedded_ingest_url(settings: Settings, port: int | None = None) -> str:
    """The embedded listener's URL for encoders: ``CASTCART_MEDIA_RTMP_PUBLIC_URL``, else
    built from the bind address (a wildcard bind becomes 127.0.0.1) and the port."""
    if settings.media_rtmp_public_url:
        return settings.media_rtmp_public_url.rstrip("/")
    host = settings.media_rtmp_bind
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - a wildcard is not a host name
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"rtmp://{host}:{port or settings.media_rtmp_port}/{RTMP_APP}"


def ingest_url(
    settings: Settings, ingest: MediaIngest | None, port: int | None = None
) -> str | None:
    """The URL a host types into OBS ("Server"); the stream key goes in its own field.
    ``port``: the embedded listener's bound port when it differs from the setting (0)."""
    if settings.media_ingest == "nginx":
        return settings.media_nginx_ingest_url
    if _ingest_ready(settings, ingest):
        return embedded_ingest_url(settings, port)
    return None


def stream_info(
    session: Session, settings: Settings, show: Show, *, rtmp_port: int | None = None
) -> StreamInfo:
    ingest = get_ingest(session, show.id)
    publishing = open_session(session, show.id) is not None
    return StreamInfo(
        ingest_url=ingest_url(settings, ingest, rtmp_port),
        stream_key=show.stream_key,
        state=stream_state(
            show.status, publishing=publishing, ingest_ready=_ingest_ready(settings, ingest)
        ),
        hls_url=hls_url_for(session, settings, show.id),
        port=ingest.port if ingest is not None else None,
    )


def _free_port(session: Session, settings: Settings) -> int:
    taken = set(
        session.scalars(select(MediaIngest.port).where(MediaIngest.port.is_not(None))).all()
    )
    for port in parse_ports(settings.media_tap_ports):
        if port not in taken:
            return port
    raise ConflictError(
        "every audio tap port is in use; end a show or widen CASTCART_MEDIA_TAP_PORTS",
        code=MediaErrorCode.INGEST_PORTS_EXHAUSTED,
    )


def open_ingest(session: Session, settings: Settings, show: Show) -> MediaIngest:
    """Make the show's ingest ready (idempotent). Embedded: reserve its audio tap port."""
    if show.status == ShowStatus.ENDED:
        raise ConflictError("the show has ended", code=MediaErrorCode.SHOW_ENDED)
    if settings.media_ingest == "off":
        raise ConflictError("video ingest is turned off here", code=MediaErrorCode.INGEST_OFF)
    ingest = get_ingest(session, show.id)
    if ingest is None:
        ingest = MediaIngest(show_id=show.id, store_id=show.store_id, opened_at=utcnow())
        session.add(ingest)
    ingest.closed_at = None
    if settings.media_ingest == "embedded" and ingest.port is None:
        ingest.port = _free_port(session, settings)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another process took that port in between
        raise ConflictError(
            "the ingest port was just taken; try again", code=MediaErrorCode.INGEST_PORT_BUSY
        ) from None
    return ingest


def close_ingest(session: Session, show: Show) -> MediaIngest | None:
    """Refuse this show's publishers from now on (the tap port is released). Refused while
    an encoder publishes."""
    if open_session(session, show.id) is not None:
        raise ConflictError(
            "an encoder is publishing; stop it first", code=MediaErrorCode.STREAM_PUBLISHING
        )
    ingest = get_ingest(session, show.id)
    if ingest is not None:
        ingest.closed_at = utcnow()
        ingest.port = None
        session.flush()
    return ingest


def rotate_key(session: Session, show: Show) -> Show:
    if show.status == ShowStatus.ENDED:
        raise ConflictError("the show has ended", code=MediaErrorCode.SHOW_ENDED)
    if open_session(session, show.id) is not None:
        raise ConflictError(
            "an encoder is publishing; stop it first", code=MediaErrorCode.STREAM_PUBLISHING
        )
    return shows.rotate_stream_key(session, show.store_id, show.id)


def _close_if_stale(session: Session, current: StreamSession | None, now: datetime) -> bool:
    """An nginx session whose heartbeat stopped (nginx died without ``on_publish_done``)."""
    if current is None or current.source != "nginx":
        return False
    if now - current.last_seen_at < NGINX_STALE_AFTER:
        return False
    current.ended_at, current.end_reason = current.last_seen_at, "stale"
    session.flush()
    return True


def publish_started(
    session: Session,
    settings: Settings,
    show: Show,
    *,
    source: str,
    remote_addr: str,
    outbox: list[DomainEvent],
) -> StreamSession:
    """An encoder is publishing: record the session and put the show live (first start or
    a reconnect within the grace period). Refuses an ended show and a second encoder."""
    now = utcnow()
    current = open_session(session, show.id)
    if _close_if_stale(session, current, now):
        current = None
    target = on_publish(show.status, already_publishing=current is not None)
    record = StreamSession(
        show_id=show.id,
        store_id=show.store_id,
        source=source,
        remote_addr=remote_addr[:64],
        started_at=now,
        last_seen_at=now,
    )
    session.add(record)
    session.flush()
    if target is not None:
        shows.transition(session, show.store_id, show.id, target.value, outbox)
    outbox.append(
        StreamStarted(
            store_id=show.store_id,
            show_id=show.id,
            hls_url=playlists.hls_url(settings.media_public_url, show.id),
            session_id=record.id,
        )
    )
    return record


def publish_stopped(
    session: Session,
    settings: Settings,
    show_id: str,
    *,
    reason: str,
    outbox: list[DomainEvent],
    at: datetime | None = None,
) -> bool:
    """The encoder left: close its session; a live show becomes interrupted (the grace
    period starts), an ended one gets its replay finalised. False: nothing was publishing."""
    show = session.get(Show, show_id)
    current = open_session(session, show_id)
    if show is None or current is None:
        return False
    current.ended_at = at or utcnow()
    current.end_reason = reason[:32]
    session.flush()
    target = on_unpublish(show.status)
    if target is not None:
        shows.transition(
            session,
            show.store_id,
            show.id,
            target.value,
            outbox,
            grace_seconds=settings.media_grace_seconds,
        )
    if show.status == ShowStatus.ENDED:
        playlists.finalise(settings.effective_media_dir, show.id)
    return True


def heartbeat(session: Session, show_id: str) -> bool:
    """nginx's ``on_update`` while an encoder publishes. False: the publisher should be
    dropped (the show ended, or castcart knows of no such session)."""
    show = session.get(Show, show_id)
    current = open_session(session, show_id)
    if show is None or current is None or show.status == ShowStatus.ENDED:
        return False
    current.last_seen_at = utcnow()
    session.flush()
    return True


def _stopped_at(session: Session, show_id: str) -> datetime | None:
    return session.scalar(
        select(func.max(StreamSession.ended_at)).where(StreamSession.show_id == show_id)
    )


def expire_interrupted(
    session: Session, settings: Settings, now: datetime, outbox: list[DomainEvent]
) -> list[str]:
    """End every interrupted show whose encoder has been gone for the grace period."""
    ended = []
    for show in session.scalars(select(Show).where(Show.status == ShowStatus.INTERRUPTED)):
        if open_session(session, show.id) is not None:
            continue
        stopped_at = _stopped_at(session, show.id)
        if grace_expired(show.status, stopped_at, now, settings.media_grace_seconds):
            shows.transition(session, show.store_id, show.id, ShowStatus.ENDED.value, outbox)
            # nobody publishes: the replay is final before viewers hear the show ended
            playlists.finalise(settings.effective_media_dir, show.id)
            ended.append(show.id)
    return ended


def auto_open(session: Session, settings: Settings, now: datetime) -> list[str]:
    """Open the ingest of shows due soon that never had one, so a host who only pastes the
    key into OBS finds a listener. An ingest a host closed stays closed."""
    if settings.media_ingest != "embedded":
        return []
    horizon = now + timedelta(minutes=settings.media_open_ahead_minutes)
    candidates = session.scalars(
        select(Show)
        .outerjoin(MediaIngest, MediaIngest.show_id == Show.id)
        .where(
            MediaIngest.show_id.is_(None),
            Show.status == ShowStatus.SCHEDULED,
            Show.scheduled_at <= horizon,
            Show.scheduled_at >= now - LATE_START_WINDOW,
        )
        .order_by(Show.scheduled_at)
    ).all()
    opened = []
    for show in candidates:
        try:
            open_ingest(session, settings, show)
        except ConflictError as exc:
            log.warning("cannot open the ingest of show %s: %s", show.id, exc.message)
            break
        opened.append(show.id)
    return opened


def accept_publisher(session: Session, settings: Settings, stream_key: str) -> ListenTarget:
    """The show an embedded publisher's stream key selects, its ingest opened if needed (a
    host who only pastes the key into OBS is let in). Refuses, with a reason that names no
    key: an unknown key, an ended show, an ingest the host closed, a second encoder."""
    show = shows.show_by_stream_key(session, stream_key) if stream_key else None
    if show is None:
        raise PublishRefusedError("unknown_stream_key", "unknown stream key")
    if show.status == ShowStatus.ENDED:
        raise PublishRefusedError("show_ended", "this show has ended")
    ingest = get_ingest(session, show.id)
    if ingest is not None and ingest.closed_at is not None:
        raise PublishRefusedError("ingest_closed", "the host closed the ingest of this show")
    current = open_session(session, show.id)
    if current is not None and not _close_if_stale(session, current, utcnow()):
        raise PublishRefusedError("already_publishing", "another encoder is publishing this show")
    try:
        ingest = open_ingest(session, settings, show)
    except ConflictError as exc:
        raise PublishRefusedError(exc.code, exc.message) from None
    assert ingest.port is not None  # noqa: S101 - open_ingest reserves it in embedded mode
    return ListenTarget(show.id, show.store_id, ingest.port, show.stream_key)


def release_ended(session: Session, keep: frozenset[str] = frozenset()) -> list[str]:
    """Free the tap ports of ended shows, except those whose publisher is still being cut
    off (``keep``)."""
    released = []
    rows = session.execute(
        select(MediaIngest)
        .join(Show, Show.id == MediaIngest.show_id)
        .where(MediaIngest.port.is_not(None), Show.status == ShowStatus.ENDED)
    ).scalars()
    for ingest in rows:
        if ingest.show_id in keep:
            continue
        ingest.port = None
        ingest.closed_at = ingest.closed_at or utcnow()
        released.append(ingest.show_id)
    session.flush()
    return released


def stale_sessions(session: Session, source: str) -> list[str]:
    """Shows with a session of ``source`` left open (the process that ran it died)."""
    return list(
        session.scalars(
            select(StreamSession.show_id).where(
                StreamSession.source == source, StreamSession.ended_at.is_(None)
            )
        ).all()
    )
