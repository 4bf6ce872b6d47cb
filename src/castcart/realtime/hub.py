"""The real-time hub: one ``ShowHub`` per live show, kept in a ``RealtimeHub`` registry.

Pure asyncio, no web framework: the transport (``realtime/api.py``) hands each connection's
incoming text to ``ShowHub.receive`` and drains ``Connection.next_frame`` into its socket.

Fan-out rules (see ``docs/realtime.md``):

* every broadcast gets the next per-show ``seq`` and is encoded to JSON **once**; the same
  string goes into every connection's send queue and into the bounded per-show backlog;
* a connection's queue is bounded: when a live frame does not fit, the viewer is dropped
  (``4408 too slow, resync``) and the room never waits for it;
* domain events arrive from the bus on whatever thread published them and are handed to
  the event loop with ``loop.call_soon_threadsafe``;
* busy chat (more than ``chat_batch_after`` lines in the last second) leaves in one
  ``chat.batch`` frame per ``chat_batch_interval`` instead of one frame per line;
* with a ``Channel`` (Redis, ``realtime/cluster.py``) numbered broadcasts go through Redis,
  which assigns the ``seq``; the hub delivers what comes back (``deliver_remote``);
* blocking work (translation, moderation writes, event publishing) runs in threads.

All ``ShowHub`` / ``RealtimeHub`` methods except ``RealtimeHub.on_bus_event`` must be called
on the event loop thread that created the registry.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import unicodedata
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from castcart.accounts.roles import STAFF_ROLES
from castcart.core.ids import new_id
from castcart.events import (
    ChatPosted,
    DomainEvent,
    EventBus,
    FlashSaleStarted,
    ModerationActionTaken,
    ProductPinned,
    ShowBroadcast,
    ShowEnded,
    ShowStarted,
    StockLow,
)
from castcart.events.bus import ALL
from castcart.events.types import event_classes
from castcart.moderation.filters import EMPTY_FILTERS, WordFilterSet, fold
from castcart.moderation.flood import FloodGuard, FloodLimits
from castcart.realtime.metrics import Counters, LiveFigures, MetricsBook, figures

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
BUS_EVENT_TYPES = (
    ProductPinned.type,
    ShowStarted.type,
    ShowEnded.type,
    FlashSaleStarted.type,
    ModerationActionTaken.type,
    StockLow.type,  # store-wide: a staff alert in every open room of the store
)


def forwarded_event_types() -> frozenset[str]:
    """What the hub takes from the bus (it subscribes to ``*`` and drops the rest): the room
    events above and every ``ShowBroadcast``."""
    broadcasts = {cls.type for cls in event_classes() if issubclass(cls, ShowBroadcast)}
    return frozenset(BUS_EVENT_TYPES) | broadcasts


CLOSE_TOO_SLOW = 4408
CLOSE_BANNED = 4403
CLOSE_SHUTDOWN = 1001
CHAT_TYPES = frozenset({"chat.message", "chat.batch"})
# frames whose payload the hub mirrors into its state (also when they come from Redis)
MIRRORED = frozenset({"pin", "show.state", "slow_mode", "likes", "viewers"})
MOD_MESSAGES = frozenset({"mod.delete", "mod.mute", "mod.unmute", "mod.ban", "mod.slow_mode"})

Clock = Callable[[], float]


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
    chat_batch_after: int = 10  # more chat lines than this in the last second: batch them
    chat_batch_interval: float = 0.1  # one ``chat.batch`` per interval when busy (0: never)
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


@dataclass(frozen=True)
class Close:
    """Returned by ``Connection.next_frame`` when the connection must be closed."""

    code: int
    reason: str


class ChatTranslator(Protocol):
    """Translates one chat line; blocking (the hub calls it in a thread, once per line).

    Returns the detected source language (None: unknown) and ``{lang: text}`` for those of
    ``targets`` it could reach (never the source itself)."""

    def translate(
        self, text: str, targets: frozenset[str]
    ) -> tuple[str | None, dict[str, str]]: ...


TranslatorFor = Callable[[str], ChatTranslator | None]  # store id -> its translator


@dataclass(frozen=True)
class ModerationCommand:
    """A moderation request from a staff socket (or the flood guard: ``actor`` None)."""

    store_id: str
    show_id: str
    actor: Viewer | None
    action: str  # delete | mute | unmute | ban | slow_mode
    viewer_id: str | None = None
    message_id: str | None = None
    seconds: int | None = None
    reason: str = ""


class ModerationRefused(Exception):
    """Raised by a ``ModerationPort``: sent back to the staff socket as an ``error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ModerationPort(Protocol):
    """Persists moderation (blocking, run in a thread) and publishes ``moderation.action``
    after the commit; every node applies the event to its rooms."""

    def act(self, command: ModerationCommand) -> None: ...

    def filters(self, store_id: str) -> WordFilterSet: ...


class Channel(Protocol):
    """Where a show's numbered broadcasts go when several nodes share it (Redis)."""

    def publish(self, type_: str, head: str, tail: str, count: int) -> None: ...

    def add_likes(self, delta: int) -> None: ...

    def presence(self) -> None: ...

    def close(self) -> None: ...


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
        self.skip_until = 0  # frames up to this seq were seen on another node (resume)
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


def _encode_parts(type_: str, payload: dict[str, Any]) -> tuple[str, str]:
    """A frame as ``head + str(seq) + tail``: encoded once, numbered by whoever assigns the
    seq (this hub, or a Redis script when nodes share the show)."""
    head = '{"type":' + json.dumps(type_) + ',"v":' + str(PROTOCOL_VERSION) + ',"seq":'
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return head, ("," + body[1:] if len(body) > 2 else "}")


def frame_for(event: DomainEvent) -> tuple[str, dict[str, Any]] | None:
    """The numbered frame a domain event becomes in its show's room, if any."""
    if isinstance(event, ProductPinned):
        return "pin", {"product_id": event.product_id}
    if isinstance(event, ShowStarted | ShowEnded):
        status = "live" if isinstance(event, ShowStarted) else "ended"
        return "show.state", {"status": status, "at": event.occurred_at.isoformat()}
    if isinstance(event, FlashSaleStarted):
        return "flash_sale", {
            "flash_sale_id": event.flash_sale_id,
            "variant_id": event.variant_id,
            "price_amount": event.price_amount,
            "quantity_cap": event.quantity_cap,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
        }
    if isinstance(event, ModerationActionTaken) and event.show_id:
        if event.action == "delete" and event.message_id:
            return "chat.deleted", {"message_id": event.message_id}
        if event.action == "slow_mode":
            return "slow_mode", {"seconds": event.seconds or None}
        return None
    if isinstance(event, ShowBroadcast) and event.frame_type and event.audience != "staff":
        return event.frame_type, event.frame_payload()
    return None


# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): an RLO
# in a chat line reverses the text after it ("gpj.exe" spoofing) and an unclosed one leaks
# into what the page shows next. The plain marks (LRM, RLM, ALM) stay: they only nudge
# neutral characters and Arabic and Hebrew writers use them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean_text(text: str) -> str:
    """Drop control characters other than newline and tab, and bidi embeddings, overrides
    and isolates; chat is plain text."""
    return "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in BIDI_CONTROLS)
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
        translator: ChatTranslator | None = None,
        moderation: ModerationPort | None = None,
        filters: WordFilterSet | None = None,
        publish: Callable[[DomainEvent], None] | None = None,
        book: MetricsBook | None = None,
        currency: str = "",
        executor: Executor | None = None,
        wall: Clock = time.time,
    ) -> None:
        self.store_id = store_id
        self.show_id = show_id
        self.status = status
        self.pinned_product_id = pinned_product_id
        self.limits = limits or HubLimits()
        self.loop = loop or asyncio.get_running_loop()
        self.clock: Clock = clock or self.loop.time
        self.wall = wall
        self.translator = translator
        self.moderation = moderation
        self.filters = filters or EMPTY_FILTERS
        self.publish = publish
        self.book = book
        self.currency = currency
        self.executor = executor
        self.channel: Channel | None = None  # set by the registry when nodes share shows
        self.epoch = secrets.token_hex(6)  # changes when a hub is re-created: seq restarts
        self.seq = 0
        self.likes_total = 0
        self.slow_mode_seconds: float | None = None
        self.dropped = 0  # connections dropped for being too slow
        self.untranslated = 0  # lines not translated because the translator fell behind
        self.peak_viewers = 0
        self.mutes: dict[str, float] = {}  # viewer id -> muted until (wall clock)
        self.banned: set[str] = set()
        self.cluster_viewers: int | None = None  # every node's viewers (Redis presence)
        self.cluster_countries: dict[str, int] = {}
        self.cluster_langs: dict[str, int] = {}
        self._connections: dict[str, Connection] = {}
        self._skipping: dict[str, Connection] = {}
        self._countries: Counter[str] = Counter()
        self._langs: Counter[str] = Counter()
        self._floods: dict[str, FloodGuard] = {}
        self._recent: OrderedDict[str, str] = OrderedDict()  # message id -> author id
        self._backlog: deque[tuple[int, str]] = deque(maxlen=self.limits.backlog)
        self._chat_times: deque[float] = deque(maxlen=max(1, self.limits.chat_batch_after))
        self._chat_pending: list[dict[str, Any]] = []
        self._chat_handle: asyncio.TimerHandle | None = None
        self._chat_seen: deque[tuple[float, int]] = deque()  # (time, lines) for chat_per_min
        self._chat_seen_total = 0
        self._translating = 0
        self._tasks: set[asyncio.Future[Any]] = set()
        self._on_idle = on_idle
        self._idle_handle: asyncio.TimerHandle | None = None
        self._likes_handle: asyncio.TimerHandle | None = None
        self._likes_sent_total = 0
        self._likes_unsent = 0  # likes of this node not yet handed to the channel
        self._likes_flushed_at = float("-inf")
        self._viewers_handle: asyncio.TimerHandle | None = None
        self._viewers_sent: int | None = None
        self._viewers_flushed_at = float("-inf")
        self._metrics_handle: asyncio.TimerHandle | None = None

    # -- membership -------------------------------------------------------------------

    @property
    def viewer_count(self) -> int:
        """Connections on this node."""
        return len(self._connections)

    @property
    def audience(self) -> int:
        """Connections on every node sharing the show (this node's without a channel)."""
        if self.channel is not None and self.cluster_viewers is not None:
            return self.cluster_viewers
        return self.viewer_count

    @property
    def connections(self) -> list[Connection]:
        return list(self._connections.values())

    def presence_snapshot(self) -> dict[str, Any]:
        """This node's share of the audience, for the cluster's presence sum."""
        return {
            "n": self.viewer_count,
            "cc": {k: v for k, v in self._countries.items() if v > 0},
            "lg": {k: v for k, v in self._langs.items() if v > 0},
        }

    def join(
        self,
        viewer: Viewer,
        *,
        last_seq: int | None = None,
        epoch: str | None = None,
        muted_until: float | None = None,
    ) -> Connection:
        """Add a connection; it receives ``hello``, then (with ``last_seq``) the replay."""
        if self._idle_handle is not None:
            self._idle_handle.cancel()
            self._idle_handle = None
        conn = Connection(viewer, self.limits.send_queue, self.limits, self.clock)
        if viewer.id in self.banned and not viewer.is_staff:
            conn.shut(CLOSE_BANNED, "banned")
            return conn
        if muted_until is not None:
            self.mutes[viewer.id] = max(muted_until, self.mutes.get(viewer.id, 0.0))
        conn.joined_seq = self.seq
        self._connections[conn.id] = conn
        if viewer.country:
            self._countries[viewer.country] += 1
        if viewer.lang:
            self._langs[viewer.lang] += 1
        self.peak_viewers = max(self.peak_viewers, self.audience)
        conn.push(self._hello(conn), force=True)
        if last_seq is not None:
            self._replay(conn, last_seq, epoch)
        self._schedule_viewers()
        if viewer.is_staff:
            self._schedule_metrics()
        return conn

    def leave(self, conn: Connection) -> None:
        if self._connections.pop(conn.id, None) is None:
            return
        self._skipping.pop(conn.id, None)
        if conn.viewer.country:
            self._countries[conn.viewer.country] -= 1
        if conn.viewer.lang:
            self._langs[conn.viewer.lang] -= 1
        self._schedule_viewers()
        if not self._connections and self._on_idle is not None:
            self._idle_handle = self.loop.call_later(self.limits.idle_ttl, self._idle)

    def drop(self, conn: Connection, code: int = CLOSE_TOO_SLOW, reason: str = "") -> None:
        conn.shut(code, reason or "too slow, resync")
        self.leave(conn)

    def close(self, code: int = CLOSE_SHUTDOWN, reason: str = "server shutting down") -> None:
        handles = (
            self._idle_handle,
            self._likes_handle,
            self._viewers_handle,
            self._chat_handle,
            self._metrics_handle,
        )
        for handle in handles:
            if handle is not None:
                handle.cancel()
        for task in list(self._tasks):
            task.cancel()
        for conn in self.connections:
            conn.shut(code, reason)
        self._connections.clear()
        if self.channel is not None:
            self.channel.close()

    def _idle(self) -> None:
        self._idle_handle = None
        if not self._connections and self._on_idle is not None:
            self._on_idle(self)

    def _spawn(self, awaitable: Any) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- frames -----------------------------------------------------------------------

    def _encode(self, type_: str, seq: int, payload: dict[str, Any]) -> str:
        message = {"type": type_, "v": PROTOCOL_VERSION, "seq": seq, **payload}
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False)

    def broadcast(self, type_: str, payload: dict[str, Any]) -> int | None:
        """Give the message the next ``seq``, keep it in the backlog, queue it for everyone.

        With a channel the seq comes from Redis and the frame reaches this node's viewers
        when it comes back (``deliver_remote``); the return value is then None."""
        count = len(payload.get("messages", ())) if type_ == "chat.batch" else 1
        head, tail = _encode_parts(type_, payload)
        if self.channel is not None:
            self.channel.publish(type_, head, tail, count if type_ in CHAT_TYPES else 0)
            return None
        self.seq += 1
        if type_ in MIRRORED:
            self._observe(type_, payload)
        self._deliver(self.seq, type_, head + str(self.seq) + tail, count)
        return self.seq

    def deliver_remote(self, seq: int, type_: str, frame: str, count: int) -> None:
        """A numbered frame from the shared sequence (every node gets every frame once)."""
        if seq <= self.seq:
            return  # already delivered (bootstrap overlap)
        if type_ in MIRRORED:
            with contextlib.suppress(ValueError):
                self._observe(type_, json.loads(frame))
        self.seq = seq
        self._deliver(seq, type_, frame, count)

    def bootstrap(
        self,
        epoch: str,
        seq: int,
        frames: list[tuple[int, str, str]],
        *,
        likes: int,
        viewers: int | None,
    ) -> None:
        """Seed a hub from the shared state: epoch, seq, the backlog (seq, type, frame)."""
        self.epoch, self.seq = epoch, seq
        self.likes_total = self._likes_sent_total = likes
        self.cluster_viewers = viewers
        self._backlog.clear()
        for frame_seq, type_, frame in frames:
            if type_ in MIRRORED:
                with contextlib.suppress(ValueError):
                    self._observe(type_, json.loads(frame))
            self._backlog.append((frame_seq, frame))
        self.likes_total = likes

    def set_presence(
        self, total: int, peak: int, countries: dict[str, int], langs: dict[str, int]
    ) -> None:
        self.cluster_viewers = total
        self.peak_viewers = max(self.peak_viewers, peak, total)
        self.cluster_countries = countries
        self.cluster_langs = langs

    def _observe(self, type_: str, payload: dict[str, Any]) -> None:
        """Keep the state a newcomer's ``hello`` needs in step with the frames."""
        if type_ == "pin":
            product = payload.get("product_id")
            self.pinned_product_id = product if isinstance(product, str) else None
        elif type_ == "show.state" and isinstance(payload.get("status"), str):
            self.status = payload["status"]
        elif type_ == "slow_mode":
            seconds = payload.get("seconds")
            self.slow_mode_seconds = seconds if isinstance(seconds, int | float) else None
        elif type_ == "likes" and isinstance(payload.get("total"), int):
            self.likes_total = max(self.likes_total, payload["total"])
        elif type_ == "viewers" and isinstance(payload.get("count"), int) and self.channel:
            self.cluster_viewers = payload["count"]
            self.peak_viewers = max(self.peak_viewers, payload["count"])

    def _deliver(self, seq: int, type_: str, frame: str, count: int) -> None:
        self._backlog.append((seq, frame))
        if type_ in CHAT_TYPES:
            self._chat_seen.append((self.clock(), count))
            self._chat_seen_total += count
        if self._skipping:
            skip = set()
            for conn in list(self._skipping.values()):
                if seq <= conn.skip_until:
                    skip.add(conn.id)  # the viewer has this one from another node
                if seq >= conn.skip_until:
                    del self._skipping[conn.id]
            slow = [
                conn
                for conn in self._connections.values()
                if conn.id not in skip and not conn.push(frame)
            ]
        else:
            slow = [conn for conn in self._connections.values() if not conn.push(frame)]
        for conn in slow:
            self.dropped += 1
            log.info("dropping slow viewer %s from show %s", conn.viewer.id, self.show_id)
            self.drop(conn)

    def send(self, conn: Connection, type_: str, payload: dict[str, Any]) -> None:
        """A frame for one connection: it carries the current ``seq`` without taking one."""
        if not conn.push(self._encode(type_, self.seq, payload)):
            self.dropped += 1
            self.drop(conn)

    def error(
        self,
        conn: Connection,
        code: str,
        message: str,
        ref: Any = None,
        **extra: Any,
    ) -> None:
        payload: dict[str, Any] = {"code": code, "message": message, **extra}
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
                "you": {
                    "id": conn.viewer.id,
                    "display_name": conn.viewer.display_name,
                    "role": conn.viewer.role,
                    "muted_until": self._muted_until_iso(conn.viewer.id),
                },
                "show": {"id": self.show_id, "status": self.status},
                "viewers": self.audience,
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
        if (
            self.channel is not None
            and epoch == self.epoch
            and self.seq < last_seq <= self.seq + self.limits.backlog
        ):
            # seen on another node a moment ago; this node has not read it from Redis yet
            conn.skip_until = last_seq
            self._skipping[conn.id] = conn
            return
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
        elif kind in MOD_MESSAGES:
            self._moderate(conn, kind, message)
        else:
            self.error(conn, "unknown_type", f"unknown message type {kind[:40]!r}")

    def _muted_until_iso(self, viewer_id: str) -> str | None:
        until = self.mutes.get(viewer_id)
        if until is None or until <= self.wall():
            return None
        return datetime.fromtimestamp(until, UTC).isoformat().replace("+00:00", "Z")

    def _flood(self, viewer_id: str) -> FloodGuard:
        guard = self._floods.get(viewer_id)
        if guard is None:
            if len(self._floods) > 10 * max(64, self.viewer_count):
                self._floods.clear()  # bounded: guards of departed viewers go
            guard = self._floods[viewer_id] = FloodGuard(self.limits.flood, self.clock)
        return guard

    def _refuse(self, conn: Connection, code: str, message: str, ref: Any) -> None:
        """A refused line; a shopper who keeps being refused is muted for a while."""
        self.error(conn, code, message, ref)
        viewer = conn.viewer
        if viewer.is_staff or not self._flood(viewer.id).strike():
            return
        seconds = self.limits.flood.auto_mute_s
        self.mutes[viewer.id] = self.wall() + seconds
        if self.moderation is not None:
            command = ModerationCommand(
                self.store_id,
                self.show_id,
                None,
                "mute",
                viewer_id=viewer.id,
                seconds=seconds,
                reason="flood",
            )
            self._spawn(self._run_moderation(None, command, None))

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
        viewer = conn.viewer
        if not viewer.is_staff and self.mutes:
            until = self._muted_until_iso(viewer.id)
            if until is not None:
                self.error(conn, "muted", "you are muted in this show", ref, until=until)
                return
        now = self.clock()
        if (
            self.slow_mode_seconds
            and not viewer.is_staff
            and conn.last_chat_at is not None
            and now - conn.last_chat_at < self.slow_mode_seconds
        ):
            self._refuse(
                conn, "slow_mode", f"slow mode: one message per {self.slow_mode_seconds}s", ref
            )
            return
        if not conn.chat_bucket.take():
            self._refuse(conn, "rate_limited", "too many messages, wait a moment", ref)
            return
        folded = ""
        if not viewer.is_staff:
            folded = fold(text)
            if self._flood(viewer.id).repeated(folded):
                self._refuse(conn, "repeated", "you just sent that", ref)
                return
            if len(self.filters):
                filtered, _hits = self.filters.apply(text)
                if filtered is None:
                    self._refuse(conn, "blocked_word", "this message is not allowed here", ref)
                    return
                text = filtered
            self._flood(viewer.id).accepted(folded)
        conn.last_chat_at = now
        message_id = new_id()
        self._recent[message_id] = viewer.id
        if len(self._recent) > self.limits.recent_messages:
            self._recent.popitem(last=False)
        self._emit_chat(
            {
                "id": message_id,
                "author": viewer.display_name,
                "author_id": viewer.id,
                "role": viewer.role,
                "text": text,
                "lang": viewer.lang,
                "at": _now_iso(),
            }
        )
        if viewer.is_staff and self.publish is not None:
            event = ChatPosted(
                store_id=self.store_id,
                show_id=self.show_id,
                message_id=message_id,
                author_id=viewer.id,
                role=viewer.role,
                text=text,
                lang=viewer.lang,
            )
            self._spawn(self.loop.run_in_executor(self.executor, self.publish, event))
        if self.translator is not None:
            self._translate(message_id, text)

    # -- batching -------------------------------------------------------------------------

    def _emit_chat(self, line: dict[str, Any]) -> None:
        """One frame per line while chat is calm; one ``chat.batch`` per tick when busy."""
        interval = self.limits.chat_batch_interval
        now = self.clock()
        times = self._chat_times
        times.append(now)
        busy = (
            interval > 0
            and len(times) == times.maxlen
            and self.limits.chat_batch_after > 0
            and now - times[0] < 1.0
        )
        if not busy and not self._chat_pending:
            self.broadcast("chat.message", line)
            return
        self._chat_pending.append(line)
        if self._chat_handle is None:
            self._chat_handle = self.loop.call_later(interval, self._flush_chat)

    def _flush_chat(self) -> None:
        self._chat_handle = None
        pending, self._chat_pending = self._chat_pending, []
        if len(pending) == 1:
            self.broadcast("chat.message", pending[0])
        elif pending:
            self.broadcast("chat.batch", {"messages": pending})

    def flush_chat(self) -> None:
        """Send what is waiting for the next batch now (tests, shutdown)."""
        if self._chat_handle is not None:
            self._chat_handle.cancel()
        self._flush_chat()

    # -- translation ----------------------------------------------------------------------

    def languages(self) -> frozenset[str]:
        """Languages of the show's viewers now (every node's, with a channel)."""
        langs = self.cluster_langs if self.channel is not None else self._langs
        return frozenset(k for k, v in langs.items() if v > 0)

    def _translate(self, message_id: str, text: str) -> None:
        targets = self.languages()
        if not targets:
            return
        if self._translating >= self.limits.translate_pending:
            self.untranslated += 1
            return
        self._translating += 1
        self._spawn(self._run_translation(message_id, text, targets))

    async def _run_translation(self, message_id: str, text: str, targets: frozenset[str]) -> None:
        translator = self.translator
        try:
            if translator is None:
                return
            source, translations = await self.loop.run_in_executor(
                self.executor, translator.translate, text, targets
            )
        except Exception:
            log.exception("chat translation failed in show %s", self.show_id)
            return
        finally:
            self._translating -= 1
        translations = {k: v for k, v in translations.items() if k != source and v}
        if translations:
            self.broadcast(
                "chat.translated",
                {"message_id": message_id, "lang": source, "translations": translations},
            )

    # -- moderation -----------------------------------------------------------------------

    def _moderate(self, conn: Connection, kind: str, message: dict[str, Any]) -> None:
        ref = message.get("ref")
        if not conn.viewer.is_staff:
            self.error(conn, "forbidden", "moderation is for the show's staff", ref)
            return
        if self.moderation is None:
            self.error(conn, "unavailable", "moderation is not configured here", ref)
            return
        action = kind.removeprefix("mod.")
        reason = message.get("reason", "")
        if not isinstance(reason, str) or len(reason) > 500:
            self.error(conn, "bad_message", "reason must be a string of at most 500", ref)
            return
        viewer_id = message.get("viewer_id")
        message_id = message.get("message_id")
        seconds = message.get("seconds")
        if action == "delete":
            if not isinstance(message_id, str) or not 0 < len(message_id) <= 32:
                self.error(conn, "bad_message", "mod.delete needs a 'message_id'", ref)
                return
            if not isinstance(viewer_id, str):
                viewer_id = self._recent.get(message_id)
        elif action in ("mute", "unmute", "ban") and (
            not isinstance(viewer_id, str) or not 0 < len(viewer_id) <= 32
        ):
            self.error(conn, "bad_message", f"{kind} needs a 'viewer_id'", ref)
            return
        if action in ("mute", "slow_mode"):
            lowest = 1 if action == "mute" else 0
            if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < lowest:
                self.error(conn, "bad_message", f"{kind} needs integer 'seconds' >= {lowest}", ref)
                return
        command = ModerationCommand(
            self.store_id,
            self.show_id,
            conn.viewer,
            action,
            viewer_id=viewer_id if isinstance(viewer_id, str) else None,
            message_id=message_id if action == "delete" else None,
            seconds=seconds if action in ("mute", "slow_mode") else None,
            reason=reason,
        )
        self._spawn(self._run_moderation(conn, command, ref))

    async def _run_moderation(
        self, conn: Connection | None, command: ModerationCommand, ref: Any
    ) -> None:
        port = self.moderation
        if port is None:
            return
        try:
            await self.loop.run_in_executor(self.executor, port.act, command)
        except ModerationRefused as refused:
            if conn is not None and conn.id in self._connections:
                self.error(conn, refused.code, refused.message, ref)
        except Exception:
            log.exception("moderation %s failed in show %s", command.action, self.show_id)
            if conn is not None and conn.id in self._connections:
                self.error(conn, "internal", "moderation failed, try again", ref)

    def apply_moderation(self, event: ModerationActionTaken) -> None:
        """What a moderation action changes in this room (on every node); its numbered
        frames (``chat.deleted``, ``slow_mode``) come through ``apply_event``."""
        target = event.target_viewer_id
        if event.action == "mute" and target and event.until is not None:
            self.mutes[target] = event.until.timestamp()
            self._tell(target, "muted", {"until": self._muted_until_iso(target)})
        elif event.action == "unmute" and target:
            self.mutes.pop(target, None)
            self._tell(target, "muted", {"until": None})
        elif event.action == "ban" and target:
            self.banned.add(target)
            for conn in self.connections:
                if conn.viewer.id == target and not conn.viewer.is_staff:
                    self.drop(conn, CLOSE_BANNED, "banned")
        elif event.action == "unban" and target:
            self.banned.discard(target)
        payload = event.model_dump(mode="json", exclude={"store_id"})
        self.send_staff("moderation.action", payload)

    def _tell(self, viewer_id: str, type_: str, payload: dict[str, Any]) -> None:
        for conn in self.connections:
            if conn.viewer.id == viewer_id:
                self.send(conn, type_, payload)

    def send_staff(self, type_: str, payload: dict[str, Any]) -> None:
        for conn in self.connections:
            if conn.viewer.is_staff:
                self.send(conn, type_, payload)

    # -- likes, viewers, metrics ------------------------------------------------------------

    def _like(self, conn: Connection) -> None:
        if not conn.like_bucket.take():
            return  # flood: ignored silently, likes are aggregated anyway
        if self.channel is None:
            self.likes_total += 1
        else:
            self._likes_unsent += 1
        if self._likes_handle is None:
            delay = max(0.0, self._likes_flushed_at + self.limits.likes_interval - self.clock())
            self._likes_handle = self.loop.call_later(delay, self._flush_likes)

    def _flush_likes(self) -> None:
        self._likes_handle = None
        self._likes_flushed_at = self.clock()
        if self.channel is not None:
            if self._likes_unsent:
                self.channel.add_likes(self._likes_unsent)
                self._likes_unsent = 0
            return
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
        if self.channel is not None:
            self.channel.presence()  # Redis sums every node's share and numbers the frame
            return
        self.peak_viewers = max(self.peak_viewers, self.viewer_count)
        if self.viewer_count != self._viewers_sent and self._connections:
            self._viewers_sent = self.viewer_count
            self.broadcast("viewers", {"count": self.viewer_count})

    def chat_per_min(self) -> int:
        horizon = self.clock() - 60.0
        seen = self._chat_seen
        while seen and seen[0][0] < horizon:
            self._chat_seen_total -= seen.popleft()[1]
        return self._chat_seen_total

    def live_figures(self) -> LiveFigures:
        countries = self.cluster_countries if self.channel is not None else self._countries
        return LiveFigures(
            viewers=self.audience,
            peak_viewers=max(self.peak_viewers, self.audience),
            likes=self.likes_total,
            chat_per_min=self.chat_per_min(),
            countries={k: v for k, v in countries.items() if v > 0},
        )

    def _schedule_metrics(self) -> None:
        if self._metrics_handle is None and self.limits.metrics_interval > 0:
            self._metrics_handle = self.loop.call_later(
                self.limits.metrics_interval, self._tick_metrics
            )

    def _tick_metrics(self) -> None:
        self._metrics_handle = None
        if not any(c.viewer.is_staff for c in self._connections.values()):
            return  # the next staff connection starts the ticks again
        self._spawn(self._send_metrics())
        self._metrics_handle = self.loop.call_later(
            self.limits.metrics_interval, self._tick_metrics
        )

    async def metrics(self) -> dict[str, Any]:
        """The figures of a ``metrics`` frame (counters read in a thread: maybe Redis)."""
        counters = Counters()
        if self.book is not None:
            counters = await self.loop.run_in_executor(
                self.executor, self.book.counters, self.store_id, self.show_id
            )
        return figures(self.live_figures(), counters, self.currency)

    async def _send_metrics(self) -> None:
        try:
            payload = await self.metrics()
        except Exception:
            log.exception("metrics of show %s failed", self.show_id)
            return
        self.send_staff("metrics", payload)

    # -- staff hooks and domain events ------------------------------------------------------

    def set_slow_mode(self, seconds: float | None) -> None:
        """One chat message per ``seconds`` for shoppers (None or 0: off); a broadcast."""
        value = seconds if seconds and seconds > 0 else None
        if self.channel is None:
            self.slow_mode_seconds = value
        self.broadcast("slow_mode", {"seconds": value})

    def apply_event(self, event: DomainEvent) -> None:
        """A domain event for this show: its numbered frame (without a channel) and its
        effects on the room's state."""
        if isinstance(event, ModerationActionTaken):
            self.apply_moderation(event)
        elif isinstance(event, ShowBroadcast) and event.frame_type and event.audience == "staff":
            self.send_staff(event.frame_type, event.frame_payload())
            return
        if self.channel is not None:
            return  # numbered frames come back from Redis (published by one node)
        frame = frame_for(event)
        if frame is not None:
            self.broadcast(*frame)


class RealtimeHub:
    """The registry of show hubs on one event loop, subscribed to the domain-event bus.

    The bus subscription and the event loop are bound lazily, by the first ``show()`` /
    ``open()`` call, which must run on the loop that serves the WebSocket connections.

    ``translator_for`` gives a store's chat translator (None: no translation);
    ``moderation`` persists moderation and loads word filters; ``cluster`` (see
    ``realtime/cluster.py``) shares shows between nodes through Redis; ``book`` counts the
    commerce figures of ``metrics``."""

    def __init__(
        self,
        bus: EventBus | None = None,
        limits: HubLimits | None = None,
        clock: Clock | None = None,
        *,
        translator_for: TranslatorFor | None = None,
        moderation: ModerationPort | None = None,
        cluster: Any = None,
        book: MetricsBook | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.bus = bus
        self.limits = limits or HubLimits()
        self.translator_for = translator_for
        self.moderation = moderation
        self.cluster = cluster
        self.book = book
        self.executor = executor
        self._clock = clock
        self._shows: dict[str, ShowHub] = {}
        self._ready: dict[str, asyncio.Future[None]] = {}
        self._filters: dict[str, WordFilterSet] = {}
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
                if self.cluster is not None:
                    self._unsubscribe.append(
                        self.bus.subscribe(ALL, self.on_local_event, local_only=True)
                    )
        return self._loop

    def _publish(self, event: DomainEvent) -> None:
        if self.bus is not None:
            self.bus.publish(event)

    def show(
        self,
        store_id: str,
        show_id: str,
        *,
        status: str = "scheduled",
        pinned_product_id: str | None = None,
        currency: str = "",
    ) -> ShowHub:
        """The hub of a show, created (seeded with the given state) on first use. With a
        cluster, use ``open``, which also waits for the shared state."""
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
                translator=self.translator_for(store_id) if self.translator_for else None,
                moderation=self.moderation,
                filters=self._filters.get(store_id),
                publish=self._publish if self.bus is not None else None,
                book=self.book,
                currency=currency,
                executor=self.executor,
            )
            self._shows[show_id] = hub
        return hub

    async def open(
        self,
        store_id: str,
        show_id: str,
        *,
        status: str = "scheduled",
        pinned_product_id: str | None = None,
        currency: str = "",
    ) -> ShowHub:
        """``show()``, plus the store's word filters and (with a cluster) the shared state,
        loaded before the first viewer joins."""
        loop = self._bind()
        if self.moderation is not None and store_id not in self._filters:
            self._filters[store_id] = await loop.run_in_executor(
                self.executor, self.moderation.filters, store_id
            )
        new = show_id not in self._shows
        hub = self.show(
            store_id,
            show_id,
            status=status,
            pinned_product_id=pinned_product_id,
            currency=currency,
        )
        hub.filters = self._filters.get(store_id, hub.filters)
        if new and self.cluster is not None:
            channel = self.cluster.channel(hub)
            hub.channel = channel
            self._ready[show_id] = asyncio.ensure_future(channel.start())
        ready = self._ready.get(show_id)
        if ready is not None:
            try:
                await asyncio.shield(ready)
            except Exception:
                self._forget(hub)  # Redis unreachable: the next viewer tries again
                raise
        return hub

    def get(self, show_id: str) -> ShowHub | None:
        return self._shows.get(show_id)

    def _forget(self, hub: ShowHub) -> None:
        if self._shows.get(hub.show_id) is hub:
            del self._shows[hub.show_id]
            self._ready.pop(hub.show_id, None)
            if hub.channel is not None:
                hub.channel.close()

    def on_bus_event(self, event: DomainEvent) -> None:
        """Bus handler: runs on the publisher's thread; never touches hub state itself."""
        if event.type not in BUS_EVENT_TYPES and not isinstance(event, ShowBroadcast):
            return  # orders, stock, ...: not for the room
        self._call_soon(self.dispatch, event)

    def on_local_event(self, event: DomainEvent) -> None:
        """With a cluster: events published on this node become numbered frames here (and
        only here), whether or not this node has viewers of the show."""
        if event.type not in BUS_EVENT_TYPES and not isinstance(event, ShowBroadcast):
            return
        self._call_soon(self.dispatch_local, event)

    def _call_soon(self, callback: Callable[[DomainEvent], None], event: DomainEvent) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed since the check
            loop.call_soon_threadsafe(callback, event)

    def dispatch(self, event: DomainEvent) -> None:
        """On the loop: route a domain event to its show's hub, if anyone is watching."""
        if isinstance(event, ModerationActionTaken):
            self._moderation_event(event)
            return
        if isinstance(event, StockLow):
            payload = {
                "variant_id": event.variant_id,
                "sku": event.sku,
                "available": event.available,
            }
            for room in list(self._shows.values()):
                if room.store_id == event.store_id:
                    room.send_staff("stock.low", payload)  # the host console's alert list
            return
        show_id = getattr(event, "show_id", None)
        hub = self._shows.get(show_id) if isinstance(show_id, str) else None
        if hub is not None and hub.store_id == event.store_id:
            hub.apply_event(event)

    def dispatch_local(self, event: DomainEvent) -> None:
        show_id = getattr(event, "show_id", None)
        frame = frame_for(event)
        if self.cluster is not None and frame is not None and isinstance(show_id, str):
            self.cluster.publish_to(event.store_id, show_id, *frame)

    def _moderation_event(self, event: ModerationActionTaken) -> None:
        if event.action.startswith("filter.") and self.moderation is not None:
            # the new list is in place before staff see the action
            self._filters.pop(event.store_id, None)
            loop = self._bind()
            task = loop.create_task(self._reload_filters(event))
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
            return
        self._apply_moderation(event)

    def _apply_moderation(self, event: ModerationActionTaken) -> None:
        for hub in list(self._shows.values()):
            if hub.store_id != event.store_id:
                continue
            if event.show_id is None or event.show_id == hub.show_id:
                hub.apply_event(event)

    async def _reload_filters(self, event: ModerationActionTaken) -> None:
        if self.moderation is None or self._loop is None:
            return
        store_id = event.store_id
        try:
            filters = await self._loop.run_in_executor(
                self.executor, self.moderation.filters, store_id
            )
        except Exception:
            log.exception("could not reload the word filters of store %s", store_id)
        else:
            self._filters[store_id] = filters
            for hub in self._shows.values():
                if hub.store_id == store_id:
                    hub.filters = filters
        self._apply_moderation(event)  # staff hear of it once the new list is in force

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        for hub in list(self._shows.values()):
            hub.close()
        self._shows.clear()
        if self.cluster is not None:
            self.cluster.close()
