"""One viewer's side of a room: who it is, its bounded send queue, its rate buckets.

Pure asyncio; the room (``realtime/hub.py``) pushes frames, and the transport either drains
them (``next_frame``) or attaches a ``FrameSink`` that takes them as they are pushed: framed
WebSocket bytes written straight to the socket's buffer, no task woken per frame."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from castcart.accounts.roles import STAFF_ROLES
from castcart.core.ids import new_id
from castcart.moderation.flood import FloodLimits
from castcart.realtime.frames import wire

Clock = Callable[[], float]

CLOSE_TOO_SLOW = 4408
CLOSE_BANNED = 4403
CLOSE_SHUTDOWN = 1001


@dataclass(frozen=True)
class HubLimits:
    send_queue: int = 256  # live frames waiting for one connection before it is dropped
    # with a sink (a real socket): bytes waiting in its write buffer before it is dropped
    send_buffer: int = 256 * 1024
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
    chat_batch_after: int = 10  # more chat lines than this in the last second: batch them
    chat_batch_interval: float = 0.1  # busy chat: at most one frame per tick (0: no batching)
    # the tick adapts to the fan-out's cost, between this and ``chat_batch_interval``
    chat_batch_min_interval: float = 0.02
    metrics_interval: float = 2.0  # ``metrics`` frames to staff connections
    translate_pending: int = 32  # translations queued per show; beyond, lines go untranslated
    recent_messages: int = 2000  # message id -> author, for moderators' deletions
    flood: FloodLimits = field(default_factory=FloodLimits)


@dataclass(frozen=True)
class Viewer:
    """Who is on the other end of a connection."""

    id: str
    display_name: str
    role: str  # "shopper" or a staff role: "owner", "host", "moderator"
    lang: str | None = None  # page locale's language, from ``lang=``
    country: str | None = None  # ISO 3166 alpha-2, from ``country=`` or the shopper

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class FrameSink(Protocol):
    """A socket the room writes to directly (``realtime/api.py`` over uvicorn's transport)."""

    def send_frame(self, data: bytes) -> None:
        """Write one framed WebSocket message (``frames.wire``); a no-op once closing."""

    def buffered(self) -> int:
        """Bytes written but not yet taken by the kernel."""

    def close_frame(self, code: int, reason: str) -> None:
        """Send the close frame behind what is buffered (the reader then sees the close)."""


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
    """One viewer's bounded send queue, or its socket once the transport attached one.

    Queued (no sink): live frames count against ``maxsize``; frames pushed with
    ``force=True`` (``hello``, a ``resume`` replay, ``resync``) do not, so a replay of the
    backlog can never trip the slow-viewer drop by itself. Memory per connection stays bounded
    by ``maxsize`` plus the backlog size.

    With a sink (``attach``): what was queued is written first, then every push is written
    at once (a broadcast passes its frame already framed, ``wire``, the same bytes for all);
    a live frame is refused (the caller drops the viewer) while more than ``max_buffer``
    bytes wait in the socket's buffer, and ``shut`` has the sink send the close.
    """

    def __init__(self, viewer: Viewer, maxsize: int, limits: HubLimits, clock: Clock) -> None:
        self.id = new_id()
        self.viewer = viewer
        self.maxsize = maxsize
        self.max_buffer = limits.send_buffer
        self.joined_seq = 0
        self.chat_bucket = TokenBucket(limits.chat_burst, limits.chat_per_seconds, clock)
        self.like_bucket = TokenBucket(limits.like_burst, limits.like_per_seconds, clock)
        self.last_chat_at: float | None = None
        self.skip_until = 0  # frames up to this seq were seen on another node (resume)
        self._frames: deque[tuple[str, bool]] = deque()
        self._live = 0
        self._wake: asyncio.Event | None = None  # made by the first wait in ``next_frame``
        self._close: Close | None = None
        self._sink: FrameSink | None = None

    @property
    def closed(self) -> bool:
        return self._close is not None

    @property
    def pending(self) -> int:
        return len(self._frames)

    @property
    def attached(self) -> bool:
        return self._sink is not None

    def attach(self, sink: FrameSink) -> None:
        """Write to ``sink`` from now on (what is queued first); when the room shuts the
        connection, the sink sends the close (at once if it already has)."""
        self._sink = sink
        frames, self._frames = self._frames, deque()
        self._live = 0
        if self._close is not None:
            sink.close_frame(self._close.code, self._close.reason)
            return
        for frame, _forced in frames:
            sink.send_frame(wire(frame))

    def push(self, frame: str, *, force: bool = False, framed: bytes | None = None) -> bool:
        """Queue or write ``frame`` (``framed``: the same already as ``wire(frame)``);
        ``False`` when a live frame does not fit (the caller drops us)."""
        if self._close is not None:
            return True
        sink = self._sink
        if sink is not None:
            if not force and sink.buffered() > self.max_buffer:
                return False
            sink.send_frame(framed if framed is not None else wire(frame))
            return True
        if not force:
            if self._live >= self.maxsize:
                return False
            self._live += 1
        self._frames.append((frame, force))
        if self._wake is not None:
            self._wake.set()
        return True

    def shut(self, code: int, reason: str) -> None:
        """Discard what is queued and make ``next_frame`` return ``Close`` (with a sink: send
        the close frame; what is already in the socket's buffer goes first)."""
        if self._close is None:
            self._close = Close(code, reason)
            self._frames.clear()
            self._live = 0
            if self._wake is not None:
                self._wake.set()
            if self._sink is not None:
                self._sink.close_frame(code, reason)

    async def next_frame(self) -> str | Close:
        while True:
            if self._close is not None:
                return self._close
            if self._frames:
                frame, forced = self._frames.popleft()
                if not forced:
                    self._live -= 1
                return frame
            if self._wake is None:
                self._wake = asyncio.Event()
            self._wake.clear()
            await self._wake.wait()
