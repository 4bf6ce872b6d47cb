"""The real-time hub: one ``ShowHub`` per live show, kept in a ``RealtimeHub`` registry.

Pure asyncio, no web framework: the transport (``realtime/api.py``) hands each connection's
incoming text to ``ShowHub.receive`` and drains ``Connection.next_frame`` into its socket.

Fan-out rules (see ``docs/realtime.md``):

* every broadcast gets the next per-show ``seq`` and is encoded to JSON **once**; the same
  string goes into every connection's send queue and into the bounded per-show backlog;
* a connection's queue is bounded: when a live frame does not fit, the viewer is dropped
  (``4408 too slow, resync``) and the room never waits for it;
* domain events arrive from the bus on whatever thread published them and are handed to
  the event loop with ``loop.call_soon_threadsafe``.

All ``ShowHub`` / ``RealtimeHub`` methods except ``RealtimeHub.on_bus_event`` must be called
on the event loop thread that created the registry.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from castcart.core.ids import new_id
from castcart.events import (
    DomainEvent,
    EventBus,
    FlashSaleStarted,
    ProductPinned,
    ShowBroadcast,
    ShowEnded,
    ShowStarted,
)
from castcart.events.bus import ALL

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
STAFF_ROLES = frozenset({"owner", "host", "moderator"})
BUS_EVENT_TYPES = (
    ProductPinned.type,
    ShowStarted.type,
    ShowEnded.type,
    FlashSaleStarted.type,
)

CLOSE_TOO_SLOW = 4408
CLOSE_SHUTDOWN = 1001

Clock = Callable[[], float]


# Checks a line the host said or typed; returns findings as JSON-able dicts.
HostChecker = Callable[[str], list[dict[str, Any]]]
HOST_ROLES = frozenset({"host", "owner"})


@dataclass(frozen=True)
class HubLimits:
    send_queue: int = 256  # live frames waiting for one connection before it is dropped
    backlog: int = 500  # broadcast frames kept per show for ``resume``
    chat_max_chars: int = 500
    chat_burst: int = 5  # token bucket: ``chat_burst`` messages ...
    chat_per_seconds: float = 10.0  # ... refilled over this many seconds
    like_burst: int = 20  # likes beyond this rate are silently ignored
    like_per_seconds: float = 1.0
    likes_interval: float = 0.5  # at most one ``likes`` frame per interval
    viewers_interval: float = 0.5  # at most one ``viewers`` frame per interval
    max_frame_chars: int = 4096  # incoming frames larger than this are rejected
    idle_ttl: float = 300.0  # a show hub with no connections is forgotten after this


@dataclass(frozen=True)
class Viewer:
    """Who is on the other end of a connection."""

    id: str
    display_name: str
    role: str  # "shopper" or a staff role: "owner", "host", "moderator"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(frozen=True)
class Close:
    """Returned by ``Connection.next_frame`` when the connection must be closed."""

    code: int
    reason: str


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``capacity / per_seconds`` a second."""

    def __init__(self, capacity: int, per_seconds: float, clock: Clock) -> None:
        self.capacity = float(capacity)
        self.rate = capacity / per_seconds if per_seconds > 0 else float("inf")
        self._clock = clock
        self._tokens = float(capacity)
        self._at = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class Connection:
    """One viewer's bounded send queue.

    Live frames count against ``maxsize``; frames pushed with ``force=True`` (``hello``, a
    ``resume`` replay, ``resync``) do not, so a replay of the backlog can never trip the
    slow-viewer drop by itself. Memory per connection stays bounded by ``maxsize`` plus the
    backlog size.
    """

    def __init__(self, viewer: Viewer, maxsize: int, limits: HubLimits, clock: Clock) -> None:
        self.id = new_id()
        self.viewer = viewer
        self.maxsize = maxsize
        self.joined_seq = 0
        self.chat_bucket = TokenBucket(limits.chat_burst, limits.chat_per_seconds, clock)
        self.like_bucket = TokenBucket(limits.like_burst, limits.like_per_seconds, clock)
        self.last_chat_at: float | None = None
        self._frames: deque[tuple[str, bool]] = deque()
        self._live = 0
        self._wake = asyncio.Event()
        self._close: Close | None = None

    @property
    def closed(self) -> bool:
        return self._close is not None

    @property
    def pending(self) -> int:
        return len(self._frames)

    def push(self, frame: str, *, force: bool = False) -> bool:
        """Queue ``frame``; ``False`` when a live frame does not fit (the caller drops us)."""
        if self._close is not None:
            return True
        if not force:
            if self._live >= self.maxsize:
                return False
            self._live += 1
        self._frames.append((frame, force))
        self._wake.set()
        return True

    def shut(self, code: int, reason: str) -> None:
        """Discard what is queued and make ``next_frame`` return ``Close``."""
        if self._close is None:
            self._close = Close(code, reason)
            self._frames.clear()
            self._live = 0
            self._wake.set()

    async def next_frame(self) -> str | Close:
        while True:
            if self._close is not None:
                return self._close
            if self._frames:
                frame, forced = self._frames.popleft()
                if not forced:
                    self._live -= 1
                return frame
            self._wake.clear()
            await self._wake.wait()


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _clean_text(text: str) -> str:
    """Drop control characters other than newline and tab; chat is plain text."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    ).strip()


class ShowHub:
    """The room of one show: its connections, sequence, backlog and aggregated counters."""

    def __init__(
        self,
        store_id: str,
        show_id: str,
        *,
        status: str = "scheduled",
        pinned_product_id: str | None = None,
        limits: HubLimits | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        clock: Clock | None = None,
        on_idle: Callable[[ShowHub], None] | None = None,
        host_checker: HostChecker | None = None,
    ) -> None:
        self.store_id = store_id
        self.host_checker = host_checker
        self.show_id = show_id
        self.status = status
        self.pinned_product_id = pinned_product_id
        self.limits = limits or HubLimits()
        self.loop = loop or asyncio.get_running_loop()
        self.clock: Clock = clock or self.loop.time
        self.epoch = secrets.token_hex(6)  # changes when a hub is re-created: seq restarts
        self.seq = 0
        self.likes_total = 0
        self.slow_mode_seconds: float | None = None
        self.dropped = 0  # connections dropped for being too slow
        self._connections: dict[str, Connection] = {}
        self._backlog: deque[tuple[int, str]] = deque(maxlen=self.limits.backlog)
        self._on_idle = on_idle
        self._idle_handle: asyncio.TimerHandle | None = None
        self._likes_handle: asyncio.TimerHandle | None = None
        self._likes_sent_total = 0
        self._likes_flushed_at = float("-inf")
        self._viewers_handle: asyncio.TimerHandle | None = None
        self._viewers_sent: int | None = None
        self._viewers_flushed_at = float("-inf")

    # -- membership -------------------------------------------------------------------

    @property
    def viewer_count(self) -> int:
        return len(self._connections)

    @property
    def connections(self) -> list[Connection]:
        return list(self._connections.values())

    def join(
        self, viewer: Viewer, *, last_seq: int | None = None, epoch: str | None = None
    ) -> Connection:
        """Add a connection; it receives ``hello``, then (with ``last_seq``) the replay."""
        if self._idle_handle is not None:
            self._idle_handle.cancel()
            self._idle_handle = None
        conn = Connection(viewer, self.limits.send_queue, self.limits, self.clock)
        conn.joined_seq = self.seq
        self._connections[conn.id] = conn
        conn.push(self._hello(conn), force=True)
        if last_seq is not None:
            self._replay(conn, last_seq, epoch)
        self._schedule_viewers()
        return conn

    def leave(self, conn: Connection) -> None:
        if self._connections.pop(conn.id, None) is None:
            return
        self._schedule_viewers()
        if not self._connections and self._on_idle is not None:
            self._idle_handle = self.loop.call_later(self.limits.idle_ttl, self._idle)

    def drop(self, conn: Connection, code: int = CLOSE_TOO_SLOW, reason: str = "") -> None:
        conn.shut(code, reason or "too slow, resync")
        self.leave(conn)

    def close(self, code: int = CLOSE_SHUTDOWN, reason: str = "server shutting down") -> None:
        for handle in (self._idle_handle, self._likes_handle, self._viewers_handle):
            if handle is not None:
                handle.cancel()
        for conn in self.connections:
            conn.shut(code, reason)
        self._connections.clear()

    def _idle(self) -> None:
        self._idle_handle = None
        if not self._connections and self._on_idle is not None:
            self._on_idle(self)

    # -- frames -----------------------------------------------------------------------

    def _encode(self, type_: str, seq: int, payload: dict[str, Any]) -> str:
        message = {"type": type_, "v": PROTOCOL_VERSION, "seq": seq, **payload}
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False)

    def broadcast(self, type_: str, payload: dict[str, Any]) -> int:
        """Give the message the next ``seq``, keep it in the backlog, queue it for everyone."""
        self.seq += 1
        frame = self._encode(type_, self.seq, payload)
        self._backlog.append((self.seq, frame))
        slow = [conn for conn in self._connections.values() if not conn.push(frame)]
        for conn in slow:
            self.dropped += 1
            log.info("dropping slow viewer %s from show %s", conn.viewer.id, self.show_id)
            self.drop(conn)
        return self.seq

    def send(self, conn: Connection, type_: str, payload: dict[str, Any]) -> None:
        """A frame for one connection: it carries the current ``seq`` without taking one."""
        if not conn.push(self._encode(type_, self.seq, payload)):
            self.dropped += 1
            self.drop(conn)

    def error(self, conn: Connection, code: str, message: str, ref: Any = None) -> None:
        payload: dict[str, Any] = {"code": code, "message": message}
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            payload["ref"] = ref
        self.send(conn, "error", payload)

    def _hello(self, conn: Connection) -> str:
        limits = self.limits
        return self._encode(
            "hello",
            self.seq,
            {
                "epoch": self.epoch,
                "connection_id": conn.id,
                "you": {"display_name": conn.viewer.display_name, "role": conn.viewer.role},
                "show": {"id": self.show_id, "status": self.status},
                "viewers": self.viewer_count,
                "likes": self.likes_total,
                "pinned_product_id": self.pinned_product_id,
                "slow_mode_seconds": self.slow_mode_seconds,
                "limits": {
                    "chat_max_chars": limits.chat_max_chars,
                    "chat_burst": limits.chat_burst,
                    "chat_per_seconds": limits.chat_per_seconds,
                    "backlog": limits.backlog,
                },
            },
        )

    def _replay(self, conn: Connection, last_seq: int, epoch: str | None) -> None:
        """Queue the broadcasts ``last_seq < seq <= conn.joined_seq`` or a ``resync``.

        Frames after ``joined_seq`` reach the connection live, so nothing is sent twice."""
        upto = conn.joined_seq
        if last_seq >= upto and last_seq <= self.seq and epoch in (None, self.epoch):
            return
        oldest = self._backlog[0][0] if self._backlog else self.seq + 1
        if epoch not in (None, self.epoch) or last_seq > self.seq or last_seq + 1 < oldest:
            conn.push(
                self._encode(
                    "resync",
                    self.seq,
                    {
                        "reason": "backlog_exceeded" if last_seq <= self.seq else "unknown_seq",
                        "epoch": self.epoch,
                        "oldest_seq": oldest if self._backlog else None,
                    },
                ),
                force=True,
            )
            return
        for seq, frame in self._backlog:
            if last_seq < seq <= upto:
                conn.push(frame, force=True)

    # -- client messages ----------------------------------------------------------------

    def receive(self, conn: Connection, raw: str) -> None:
        """Handle one text frame from ``conn``."""
        if conn.closed or conn.id not in self._connections:
            return
        if len(raw) > self.limits.max_frame_chars:
            self.error(conn, "too_large", f"frames are limited to {self.limits.max_frame_chars}")
            return
        try:
            message = json.loads(raw)
        except ValueError:
            self.error(conn, "bad_message", "frames must be JSON objects")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            self.error(conn, "bad_message", "frames must be JSON objects with a string 'type'")
            return
        kind = message["type"]
        if kind == "chat.send":
            self._chat(conn, message)
        elif kind == "like":
            self._like(conn)
        elif kind == "resume":
            self._resume(conn, message)
        elif kind == "ping":
            self.send(conn, "pong", {})
        else:
            self.error(conn, "unknown_type", f"unknown message type {kind[:40]!r}")

    def _chat(self, conn: Connection, message: dict[str, Any]) -> None:
        ref = message.get("ref")
        text = message.get("text")
        if not isinstance(text, str):
            self.error(conn, "invalid_text", "chat text must be a string", ref)
            return
        text = _clean_text(text)
        if not text:
            self.error(conn, "invalid_text", "chat text must not be empty", ref)
            return
        if len(text) > self.limits.chat_max_chars:
            self.error(
                conn,
                "text_too_long",
                f"chat text is limited to {self.limits.chat_max_chars} characters",
                ref,
            )
            return
        now = self.clock()
        if (
            self.slow_mode_seconds
            and not conn.viewer.is_staff
            and conn.last_chat_at is not None
            and now - conn.last_chat_at < self.slow_mode_seconds
        ):
            self.error(conn, "slow_mode", f"slow mode: one message per {self.slow_mode_seconds}s")
            return
        if not conn.chat_bucket.take():
            self.error(conn, "rate_limited", "too many messages, wait a moment", ref)
            return
        conn.last_chat_at = now
        message_id = new_id()
        self.broadcast(
            "chat.message",
            {
                "id": message_id,
                "author": conn.viewer.display_name,
                "role": conn.viewer.role,
                "text": text,
                "at": _now_iso(),
            },
        )
        if conn.viewer.role in HOST_ROLES and self.host_checker is not None:
            self._alert_staff(message_id, text)

    def _alert_staff(self, message_id: str, text: str) -> None:
        """What the host says is checked against the show's market rules at once (the checker
        takes well under a millisecond); findings go to staff connections only."""
        findings = self.host_checker(text) if self.host_checker else []
        if not findings:
            return
        self.send_staff(
            "compliance.alert", {"message_id": message_id, "text": text, "findings": findings}
        )

    def send_staff(self, type_: str, payload: dict[str, Any]) -> None:
        for conn in self.connections:
            if conn.viewer.is_staff:
                self.send(conn, type_, payload)

    def _like(self, conn: Connection) -> None:
        if not conn.like_bucket.take():
            return  # flood: ignored silently, likes are aggregated anyway
        self.likes_total += 1
        if self._likes_handle is None:
            delay = max(0.0, self._likes_flushed_at + self.limits.likes_interval - self.clock())
            self._likes_handle = self.loop.call_later(delay, self._flush_likes)

    def _flush_likes(self) -> None:
        self._likes_handle = None
        self._likes_flushed_at = self.clock()
        if self.likes_total != self._likes_sent_total:
            delta = self.likes_total - self._likes_sent_total
            self._likes_sent_total = self.likes_total
            self.broadcast("likes", {"total": self.likes_total, "delta": delta})

    def _resume(self, conn: Connection, message: dict[str, Any]) -> None:
        last_seq = message.get("last_seq")
        epoch = message.get("epoch")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            self.error(conn, "bad_message", "resume needs a non-negative integer 'last_seq'")
            return
        self._replay(conn, last_seq, epoch if isinstance(epoch, str) else None)

    def _schedule_viewers(self) -> None:
        if self._viewers_handle is None:
            delay = max(0.0, self._viewers_flushed_at + self.limits.viewers_interval - self.clock())
            self._viewers_handle = self.loop.call_later(delay, self._flush_viewers)

    def _flush_viewers(self) -> None:
        self._viewers_handle = None
        self._viewers_flushed_at = self.clock()
        if self.viewer_count != self._viewers_sent and self._connections:
            self._viewers_sent = self.viewer_count
            self.broadcast("viewers", {"count": self.viewer_count})

    # -- staff hooks and domain events ------------------------------------------------------

    def set_slow_mode(self, seconds: float | None) -> None:
        """Hook for moderators: one chat message per ``seconds`` for shoppers (None: off)."""
        self.slow_mode_seconds = seconds if seconds and seconds > 0 else None
        self.broadcast("slow_mode", {"seconds": self.slow_mode_seconds})

    def apply_event(self, event: DomainEvent) -> None:
        if isinstance(event, ProductPinned):
            self.pinned_product_id = event.product_id
            self.broadcast("pin", {"product_id": event.product_id})
        elif isinstance(event, ShowStarted | ShowEnded):
            self.status = "live" if isinstance(event, ShowStarted) else "ended"
            self.broadcast(
                "show.state",
                {"status": self.status, "at": event.occurred_at.isoformat()},
            )
        elif isinstance(event, FlashSaleStarted):
            self.broadcast(
                "flash_sale",
                {
                    "flash_sale_id": event.flash_sale_id,
                    "variant_id": event.variant_id,
                    "price_amount": event.price_amount,
                    "quantity_cap": event.quantity_cap,
                    "starts_at": event.starts_at.isoformat(),
                    "ends_at": event.ends_at.isoformat(),
                },
            )
        elif isinstance(event, ShowBroadcast) and event.frame_type:
            if event.audience == "staff":
                self.send_staff(event.frame_type, event.frame_payload())
            else:
                self.broadcast(event.frame_type, event.frame_payload())


class RealtimeHub:
    """The registry of show hubs on one event loop, subscribed to the domain-event bus.

    The bus subscription and the event loop are bound lazily, by the first ``show()`` call,
    which must run on the loop that serves the WebSocket connections."""

    def __init__(
        self,
        bus: EventBus | None = None,
        limits: HubLimits | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.bus = bus
        self.limits = limits or HubLimits()
        self._clock = clock
        self._shows: dict[str, ShowHub] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: list[Callable[[], None]] = []

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    def _bind(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            if self.bus is not None:
                self._unsubscribe = [self.bus.subscribe(ALL, self.on_bus_event)]
        return self._loop

    def show(
        self,
        store_id: str,
        show_id: str,
        *,
        status: str = "scheduled",
        pinned_product_id: str | None = None,
        host_checker: HostChecker | None = None,
    ) -> ShowHub:
        """The hub of a show, created (seeded with the given state) on first use."""
        loop = self._bind()
        hub = self._shows.get(show_id)
        if hub is None:
            hub = ShowHub(
                store_id,
                show_id,
                status=status,
                pinned_product_id=pinned_product_id,
                limits=self.limits,
                loop=loop,
                clock=self._clock,
                on_idle=self._forget,
                host_checker=host_checker,
            )
            self._shows[show_id] = hub
        return hub

    def get(self, show_id: str) -> ShowHub | None:
        return self._shows.get(show_id)

    def _forget(self, hub: ShowHub) -> None:
        if self._shows.get(hub.show_id) is hub:
            del self._shows[hub.show_id]

    def on_bus_event(self, event: DomainEvent) -> None:
        """Bus handler: runs on the publisher's thread; never touches hub state itself."""
        if event.type not in BUS_EVENT_TYPES and not isinstance(event, ShowBroadcast):
            return  # orders, stock, ...: not for the room
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed since the check
            loop.call_soon_threadsafe(self.dispatch, event)

    def dispatch(self, event: DomainEvent) -> None:
        """On the loop: route a domain event to its show's hub, if anyone is watching."""
        show_id = getattr(event, "show_id", None)
        hub = self._shows.get(show_id) if isinstance(show_id, str) else None
        if hub is not None and hub.store_id == event.store_id:
            hub.apply_event(event)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        for hub in list(self._shows.values()):
            hub.close()
        self._shows.clear()
