"""The embedded ingest, run in the app's lifespan: one RTMP listener for every show
(``castcart.media.rtmp``), the stream key of each publisher selecting its show, one ffmpeg
transcoder per accepted publisher fed the FLV through its stdin, plus the grace-period
clock (in every ingest mode).

Everything blocking (database, files) runs in the thread pool; ffmpeg runs as asyncio
subprocesses whose stderr is read line by line. A wrong key is refused by the RTMP server
before any media is read, so no transcoder starts for it (docs/video.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from castcart.core.clock import utcnow
from castcart.core.errors import DomainError
from castcart.events import DomainEvent
from castcart.events.types import ShowEnded
from castcart.media import playlists, service
from castcart.media.errors import MediaErrorCode
from castcart.media.ffmpeg import find_ffmpeg, transcode_command
from castcart.media.rtmp import Connection, PublishRefusedError, PublishRequest, RtmpServer
from castcart.shows.models import Show

if TYPE_CHECKING:
    from castcart.web.context import AppContext

log = logging.getLogger(__name__)

SOURCE = "embedded"
_STOP_TIMEOUT_S = 8.0
_READY_POLL_S = 0.25
_READY_TIMEOUT_S = 30.0
_BIND_RETRY_S = 10.0


def audio_tap_sink(port: int) -> str:
    """Where the transcoder sends the show's audio: MPEG-TS over UDP on the show's tap port
    (``CASTCART_MEDIA_TAP_PORTS``), so a reader needs nothing but the show id."""
    return f"udp://127.0.0.1:{port}?pkt_size=1316"


def audio_tap_source(port: int) -> str:
    """The same tap as a URL ffmpeg reads (it binds the port and receives)."""
    return f"udp://127.0.0.1:{port}?overrun_nonfatal=1&fifo_size=50000"


@dataclass
class Publisher:
    """An accepted publisher: its RTMP connection, its transcoder, and (once the first
    segments are on disk) its stream session. It is the sink the RTMP server writes the
    FLV to."""

    supervisor: IngestSupervisor
    target: service.ListenTarget
    connection: Connection
    process: asyncio.subprocess.Process
    session_id: str | None = None
    going_live: asyncio.Task[None] | None = None
    reading: asyncio.Task[None] | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    log_tail: list[str] = field(default_factory=list)

    async def write(self, data: bytes) -> None:
        stdin = self.process.stdin
        if stdin is None or self.process.returncode is not None:
            raise ConnectionResetError("the transcoder is gone")
        stdin.write(data)
        await stdin.drain()  # a slow transcoder slows the encoder down (TCP back-pressure)

    async def close(self, reason: str) -> None:
        await self.supervisor._publisher_left(self, reason)


class IngestSupervisor:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.embedded = self.settings.media_ingest == "embedded"
        self.publishers: dict[str, Publisher] = {}  # by show id
        self._claims: set[str] = set()  # shows whose transcoder is being started
        self.server: RtmpServer | None = None
        self.refused = 0  # publishers turned away (wrong key, ended show, ...)
        self.crashes = 0  # transcoders that exited non-zero on their own
        self._stopping = False
        self._next_bind = 0.0
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._finalise: set[str] = set()  # ended shows whose playlists get ENDLIST
        self._ffmpeg = find_ffmpeg(self.settings.media_ffmpeg) if self.embedded else ""
        # ffmpeg dies with the app even on SIGKILL (else a transcoder would outlive it)
        setpriv = shutil.which("setpriv")
        self._prefix = [setpriv, "--pdeathsig", "KILL"] if setpriv else []

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = self.ctx.bus.subscribe(ShowEnded.type, self._on_event)
        if self.embedded:
            await run_in_threadpool(self._recover)
            await self._ensure_server()
        self._task = asyncio.create_task(self._run(), name="media-supervisor")

    async def stop(self) -> None:
        """Cut every publisher off and stop its transcoder; a show that was publishing
        becomes interrupted, so an app restart within the grace period does not end it."""
        self._stopping = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.server is not None:
            await self.server.stop("app_shutdown")
        for publisher in list(self.publishers.values()):
            publisher.connection.abort("app_shutdown")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(publisher.closed.wait(), _STOP_TIMEOUT_S + 2)

    @property
    def rtmp_port(self) -> int | None:
        """The port the listener holds (the setting, or the one the OS gave for 0)."""
        return self.server.bound_port if self.server is not None else None

    def poke(self) -> None:
        """Reconcile now (thread-safe: request handlers run in the thread pool)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake.set)

    def _on_event(self, event: DomainEvent) -> None:
        """A show ended (host, grace, any node): cut its publisher off, finalise its replay."""
        show_id = getattr(event, "show_id", None)
        loop = self._loop
        if isinstance(show_id, str) and loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._ended_soon, show_id)

    def _ended_soon(self, show_id: str) -> None:
        self._finalise.add(show_id)
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.reconcile()
            except Exception:  # keep supervising; one failed pass must not stop the ingest
                log.exception("media supervisor pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.media_poll_seconds)
            self._wake.clear()

    async def _ensure_server(self) -> None:
        """Listen (again): a port that is taken is retried every few seconds, without
        taking the app down."""
        loop = asyncio.get_running_loop()
        if self.server is not None or self._stopping or loop.time() < self._next_bind:
            return
        server = RtmpServer(
            self.settings.media_rtmp_bind, self.settings.media_rtmp_port, self._on_publish
        )
        try:
            await server.start()
        except OSError as exc:
            self._next_bind = loop.time() + _BIND_RETRY_S
            log.error(
                "cannot listen for RTMP on %s:%s (%s); retrying in %.0f s",
                self.settings.media_rtmp_bind,
                self.settings.media_rtmp_port,
                exc,
                _BIND_RETRY_S,
            )
            return
        self.server = server

    # -- reconcile ---------------------------------------------------------------------------

    def _recover(self) -> None:
        """Sessions left open by a previous process that died: the stream is gone."""
        with self.ctx.db.read() as session:
            stale = service.stale_sessions(session, SOURCE)
        for show_id in stale:
            self._stopped(show_id, "app_restart")

    def _plan(self, publishing: frozenset[str]) -> list[str]:
        """One transaction per pass: the grace clock, shows due soon, tap ports of ended
        shows, and which publishing shows have ended (their encoders are cut off)."""
        now = utcnow()
        with self.ctx.unit_of_work() as (session, outbox):
            service.expire_interrupted(session, self.settings, now, outbox)
            if not self.embedded:
                return []
            for show_id in service.release_ended(session, keep=publishing):
                playlists.finalise(self.settings.effective_media_dir, show_id)
            service.auto_open(session, self.settings, now)
            return [
                sid
                for sid in publishing
                if (show := session.get(Show, sid)) is None or show.status == "ended"
            ]

    async def reconcile(self) -> None:
        ended = await run_in_threadpool(self._plan, frozenset(self.publishers))
        if self.embedded:
            await self._ensure_server()
            for show_id in ended:
                publisher = self.publishers.get(show_id)
                if publisher is not None:
                    log.info("show %s ended: its encoder is cut off", show_id)
                    publisher.connection.abort("show_ended")
        pending = self._finalise - set(self.publishers)
        self._finalise -= pending
        if pending:
            await run_in_threadpool(self._finalise_idle, pending)

    def _finalise_idle(self, show_ids: set[str]) -> None:
        """ENDLIST for ended shows nobody publishes to any more (a publisher still sending
        through nginx gets it when it leaves: ``publish_stopped``)."""
        with self.ctx.db.read() as session:
            idle = [sid for sid in show_ids if service.open_session(session, sid) is None]
        for show_id in idle:
            playlists.finalise(self.settings.effective_media_dir, show_id)

    # -- publishers --------------------------------------------------------------------------

    def _accept(self, stream_key: str) -> service.ListenTarget:
        with self.ctx.unit_of_work() as (session, _outbox):
            return service.accept_publisher(session, self.settings, stream_key)

    async def _on_publish(self, request: PublishRequest) -> Publisher:
        """The RTMP server's ``publish``: the key picks the show, or the encoder is refused
        (the log names the reason and the address, never the key)."""
        if self._stopping:
            raise PublishRefusedError("shutting_down", "the server is shutting down")
        try:
            target = await run_in_threadpool(self._accept, request.key)
            # the database knows of a publisher once it went live; until then this does
            if target.show_id in self.publishers or target.show_id in self._claims:
                raise PublishRefusedError(
                    "already_publishing", "another encoder is publishing this show"
                )
        except PublishRefusedError as refused:
            self.refused += 1
            log.warning("refused an RTMP publisher from %s: %s", request.peer, refused.code)
            raise
        self._claims.add(target.show_id)  # no await since the check: two encoders cannot pass
        try:
            return await self._spawn(request, target)
        finally:
            self._claims.discard(target.show_id)

    async def _spawn(self, request: PublishRequest, target: service.ListenTarget) -> Publisher:
        out_dir = playlists.show_dir(self.settings.effective_media_dir, target.show_id)
        await run_in_threadpool(out_dir.mkdir, parents=True, exist_ok=True)
        command = transcode_command(
            self._ffmpeg,
            out_dir=out_dir,
            audio_tap=audio_tap_sink(target.port),
            preset=self.settings.media_preset,
            segment_seconds=self.settings.media_segment_seconds,
        )
        baseline = await run_in_threadpool(self._segments, target.show_id)
        process = await asyncio.create_subprocess_exec(
            *self._prefix,
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            limit=1 << 20,
        )
        publisher = Publisher(self, target, request.connection, process)
        self.publishers[target.show_id] = publisher
        publisher.reading = asyncio.create_task(self._read_log(publisher))
        publisher.going_live = asyncio.create_task(self._go_live(publisher, baseline))
        log.info("publisher %s streams show %s", request.peer, target.show_id)
        return publisher

    async def _read_log(self, publisher: Publisher) -> None:
        stderr = publisher.process.stderr
        while stderr is not None:
            try:
                raw = await stderr.readline()
            except ValueError:  # an absurdly long line: skip it
                continue
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip()
            publisher.log_tail = [*publisher.log_tail[-19:], line]

    async def _publisher_left(self, publisher: Publisher, reason: str) -> None:
        """The connection ended (encoder stopped, network drop, show ended, shutdown): the
        transcoder gets end-of-file, writes its last segment and exits; the session stops."""
        process = publisher.process
        if process.stdin is not None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), _STOP_TIMEOUT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), _STOP_TIMEOUT_S)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        for task in (publisher.going_live, publisher.reading):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        show_id = publisher.target.show_id
        if process.returncode not in (0, None) and reason == "disconnected":
            self.crashes += 1
            reason = "ffmpeg_exit"
            log.warning(
                "transcoder of show %s exited with %s: %s",
                show_id,
                process.returncode,
                " | ".join(publisher.log_tail[-3:]),
            )
        try:
            if publisher.session_id is not None:
                publisher.session_id = None
                await run_in_threadpool(self._stopped, show_id, reason)
        finally:
            if self.publishers.get(show_id) is publisher:
                del self.publishers[show_id]
            publisher.closed.set()
        if reason == "show_ended":
            await run_in_threadpool(playlists.finalise, self.settings.effective_media_dir, show_id)
        self._wake.set()

    def _segments(self, show_id: str) -> int:
        return playlists.segment_count(self.settings.effective_media_dir, show_id)

    async def _go_live(self, publisher: Publisher, baseline: int) -> None:
        """Live once the first new segment of every rendition is on disk, so the player
        that a ``show.state`` frame sends to the HLS finds something to play."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _READY_TIMEOUT_S
        process = publisher.process
        show_id = publisher.target.show_id
        while process.returncode is None and loop.time() < deadline:
            if await run_in_threadpool(self._segments, show_id) > baseline:
                break
            await asyncio.sleep(_READY_POLL_S)
        if process.returncode is not None or publisher.closed.is_set():
            return
        try:
            publisher.session_id = await run_in_threadpool(self._started, publisher)
        except DomainError as exc:  # ended meanwhile, or somebody else is publishing
            log.warning("publisher for show %s refused: %s", show_id, exc)
            publisher.connection.abort("refused")

    def _started(self, publisher: Publisher) -> str:
        target = publisher.target
        with self.ctx.unit_of_work() as (session, outbox):
            show = session.get(Show, target.show_id)
            if show is None:
                raise DomainError("the show is gone", code=MediaErrorCode.SHOW_NOT_FOUND)
            record = service.publish_started(
                session,
                self.settings,
                show,
                source=SOURCE,
                remote_addr=publisher.connection.peer.rsplit(":", 1)[0],
                outbox=outbox,
            )
            return record.id

    def _stopped(self, show_id: str, reason: str) -> None:
        with self.ctx.unit_of_work() as (session, outbox):
            service.publish_stopped(session, self.settings, show_id, reason=reason, outbox=outbox)
