"""The embedded ingest, run in the app's lifespan: one ffmpeg RTMP listener per open show,
restarted after each publisher leaves, plus the grace-period clock (in every ingest mode).

Everything blocking (database, files) runs in the thread pool; ffmpeg runs as asyncio
subprocesses whose stderr is read line by line. ffmpeg's listen mode accepts whatever stream
name a publisher sends and only logs a warning, so the supervisor kills the process on that
warning, before any media is written: that is the stream-key check (docs/video.md)."""

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
from castcart.media.ffmpeg import classify_log_line, find_ffmpeg, ingest_command
from castcart.shows.models import Show

if TYPE_CHECKING:
    from castcart.web.context import AppContext

log = logging.getLogger(__name__)

SOURCE = "embedded"
_STOP_TIMEOUT_S = 8.0
_READY_POLL_S = 0.25
_READY_TIMEOUT_S = 30.0


def audio_tap_sink(port: int) -> str:
    """Where the listener sends the show's audio: MPEG-TS over UDP on the RTMP port number
    (UDP and TCP ports are separate), so a reader needs no extra allocation."""
    return f"udp://127.0.0.1:{port}?pkt_size=1316"


def audio_tap_source(port: int) -> str:
    """The same tap as a URL ffmpeg reads (it binds the port and receives)."""
    return f"udp://127.0.0.1:{port}?overrun_nonfatal=1&fifo_size=50000"


@dataclass
class Listener:
    """One show's ffmpeg listener loop; ``session_id`` is set while a publisher is live."""

    target: service.ListenTarget
    task: asyncio.Task[None] | None = None
    process: asyncio.subprocess.Process | None = None
    session_id: str | None = None
    stopping: bool = False
    stop_reason: str = "stopped"
    rejected: int = 0
    sessions: int = 0
    crashes: int = 0
    log_tail: list[str] = field(default_factory=list)


class IngestSupervisor:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.embedded = self.settings.media_ingest == "embedded"
        self.listeners: dict[str, Listener] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._finalise: set[str] = set()  # ended shows whose playlists get ENDLIST
        self._ffmpeg = find_ffmpeg(self.settings.media_ffmpeg) if self.embedded else ""
        # ffmpeg dies with the app even on SIGKILL (else it would hold the port)
        setpriv = shutil.which("setpriv")
        self._prefix = [setpriv, "--pdeathsig", "KILL"] if setpriv else []

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = self.ctx.bus.subscribe(ShowEnded.type, self._on_event)
        if self.embedded:
            await run_in_threadpool(self._recover)
        self._task = asyncio.create_task(self._run(), name="media-supervisor")

    async def stop(self) -> None:
        """Kill every ffmpeg child; a show that was publishing becomes interrupted, so an
        app restart within the grace period does not end it."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.gather(
            *(self._stop_listener(sid, "app_shutdown") for sid in list(self.listeners)),
            return_exceptions=True,
        )

    def poke(self) -> None:
        """Reconcile now (thread-safe: request handlers run in the thread pool)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake.set)

    def _on_event(self, event: DomainEvent) -> None:
        """A show ended (host, grace, any node): stop its listener, finalise its replay."""
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

    # -- reconcile ---------------------------------------------------------------------------

    def _recover(self) -> None:
        """Sessions left open by a previous process that died: the stream is gone."""
        with self.ctx.db.read() as session:
            stale = service.stale_sessions(session, SOURCE)
        for show_id in stale:
            self._stopped(show_id, "app_restart")

    def _plan(self, running: frozenset[str]) -> tuple[list[service.ListenTarget], list[str]]:
        """One transaction per pass: the grace clock, shows due soon, ports of ended shows
        whose listener is gone, and what should be listening now."""
        now = utcnow()
        with self.ctx.unit_of_work() as (session, outbox):
            service.expire_interrupted(session, self.settings, now, outbox)
            if not self.embedded:
                return [], []
            for show_id in service.release_ended(session, keep=running):
                playlists.finalise(self.settings.effective_media_dir, show_id)
            service.auto_open(session, self.settings, now)
            targets = service.listen_targets(session)
            ended = [
                sid
                for sid in running
                if (show := session.get(Show, sid)) is None or show.status == "ended"
            ]
        return targets, ended

    async def reconcile(self) -> None:
        targets, ended = await run_in_threadpool(self._plan, frozenset(self.listeners))
        if self.embedded:
            await self._reconcile_listeners(targets, ended)
        pending = self._finalise - set(self.listeners)
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

    async def _reconcile_listeners(
        self, targets: list[service.ListenTarget], ended: list[str]
    ) -> None:
        wanted = {t.show_id: t for t in targets}
        for show_id, listener in list(self.listeners.items()):
            target = wanted.get(show_id)
            if target is None or target != listener.target:
                reason = "show_ended" if show_id in ended else "ingest_closed"
                if target is not None:
                    reason = "key_rotated"
                await self._stop_listener(show_id, reason)
        for show_id, target in wanted.items():
            if show_id not in self.listeners:
                self._start_listener(target)

    # -- listeners ---------------------------------------------------------------------------

    def _start_listener(self, target: service.ListenTarget) -> None:
        listener = Listener(target)
        listener.task = asyncio.create_task(self._listen(listener), name=f"ingest-{target.port}")
        self.listeners[target.show_id] = listener
        log.info("ingest for show %s listening on port %s", target.show_id, target.port)

    async def _stop_listener(self, show_id: str, reason: str) -> None:
        listener = self.listeners.get(show_id)
        if listener is None:
            return
        listener.stopping, listener.stop_reason = True, reason
        await self._terminate(listener)
        if listener.task is not None:
            try:
                await asyncio.wait_for(listener.task, _STOP_TIMEOUT_S + 2)
            except (TimeoutError, asyncio.CancelledError):
                listener.task.cancel()
        self.listeners.pop(show_id, None)
        if reason == "show_ended":
            await run_in_threadpool(playlists.finalise, self.settings.effective_media_dir, show_id)

    async def _terminate(self, listener: Listener) -> None:
        process = listener.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()  # ffmpeg closes the current segment and playlists
        try:
            await asyncio.wait_for(process.wait(), _STOP_TIMEOUT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def _listen(self, listener: Listener) -> None:
        failures = 0
        while not listener.stopping:
            try:
                outcome = await self._run_once(listener)
            except Exception:
                log.exception("ingest listener for show %s failed", listener.target.show_id)
                outcome = "error"
            if listener.stopping:
                break
            # a publisher came and went, or a wrong key was refused: listen again at once;
            # ffmpeg failing on its own (port taken, bad binary) backs off up to 10 s
            failures = 0 if outcome in ("published", "rejected") else failures + 1
            await asyncio.sleep(min(10.0, 0.25 * 2**failures) if failures else 0.05)

    async def _run_once(self, listener: Listener) -> str:
        target = listener.target
        out_dir = playlists.show_dir(self.settings.effective_media_dir, target.show_id)
        await run_in_threadpool(out_dir.mkdir, parents=True, exist_ok=True)
        command = ingest_command(
            self._ffmpeg,
            bind=self.settings.media_rtmp_bind,
            port=target.port,
            stream_key=target.stream_key,
            out_dir=out_dir,
            audio_tap=audio_tap_sink(target.port),
            preset=self.settings.media_preset,
            segment_seconds=self.settings.media_segment_seconds,
        )
        process = await asyncio.create_subprocess_exec(
            *self._prefix,
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            limit=1 << 20,
        )
        listener.process = process
        baseline = await run_in_threadpool(self._segments, target.show_id)
        outcome = "exited"
        going_live: asyncio.Task[None] | None = None
        stderr = process.stderr
        while stderr is not None:
            try:
                raw = await stderr.readline()
            except ValueError:  # an absurdly long line: skip it
                continue
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip()
            listener.log_tail = [*listener.log_tail[-19:], line]
            kind = classify_log_line(line)
            if kind == "reject" and outcome != "rejected" and listener.session_id is None:
                outcome = "rejected"
                listener.rejected += 1
                log.warning(
                    "refused a publisher on port %s (show %s): wrong stream key or app",
                    target.port,
                    target.show_id,
                )
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            elif kind == "input" and outcome == "exited":
                outcome = "published"
                going_live = asyncio.create_task(self._go_live(listener, process, baseline))
        returncode = await process.wait()
        if going_live is not None:
            going_live.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await going_live
        listener.process = None
        if outcome == "exited" and returncode != 0 and not listener.stopping:
            listener.crashes += 1
            log.warning(
                "ingest ffmpeg for show %s exited with %s: %s",
                target.show_id,
                returncode,
                " | ".join(listener.log_tail[-3:]),
            )
        if listener.session_id is not None:
            listener.session_id = None
            reason = (
                listener.stop_reason
                if listener.stopping
                else ("disconnected" if returncode == 0 else "ffmpeg_exit")
            )
            await run_in_threadpool(self._stopped, target.show_id, reason)
        return outcome

    def _segments(self, show_id: str) -> int:
        return playlists.segment_count(self.settings.effective_media_dir, show_id)

    async def _go_live(
        self, listener: Listener, process: asyncio.subprocess.Process, baseline: int
    ) -> None:
        """Live once the first new segment of every rendition is on disk, so the player
        that a ``show.state`` frame sends to the HLS finds something to play."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _READY_TIMEOUT_S
        while process.returncode is None and loop.time() < deadline:
            if await run_in_threadpool(self._segments, listener.target.show_id) > baseline:
                break
            await asyncio.sleep(_READY_POLL_S)
        if process.returncode is not None or listener.stopping:
            return
        try:
            listener.session_id = await run_in_threadpool(self._started, listener.target)
            listener.sessions += 1
        except DomainError as exc:  # ended meanwhile, or somebody else is publishing
            log.warning("publisher for show %s refused: %s", listener.target.show_id, exc)
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    def _started(self, target: service.ListenTarget) -> str:
        with self.ctx.unit_of_work() as (session, outbox):
            show = session.get(Show, target.show_id)
            if show is None:
                raise DomainError("the show is gone", code="show_not_found")
            record = service.publish_started(
                session, self.settings, show, source=SOURCE, remote_addr="", outbox=outbox
            )
            return record.id

    def _stopped(self, show_id: str, reason: str) -> None:
        with self.ctx.unit_of_work() as (session, outbox):
            service.publish_stopped(session, self.settings, show_id, reason=reason, outbox=outbox)
