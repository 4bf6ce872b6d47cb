"""The real-time hub: one ``ShowHub`` per live show, kept in a ``RealtimeHub`` registry.

Pure asyncio, no web framework: the transport (``realtime/api.py``) hands each connection's
incoming text to ``ShowHub.receive`` and drains ``Connection.next_frame`` into its socket.

``ShowHub`` is the fan-out core (sequence, backlog, per-connection queues, resume); what a
room does with its frames lives with collaborators it owns: ``chat`` (``realtime/chat.py``:
checks, batching, translation), ``moderation`` (``realtime/room_moderation.py``: mutes,
bans, staff commands), ``presence`` (``realtime/presence.py``: viewers by node, country and
language) and ``counters`` (``realtime/counters.py``: likes, chat rate, staff metrics).
Every frame a domain event causes comes from ``frames.frame_for`` (``ShowBroadcast``).

Fan-out rules (see ``docs/realtime.md``):

* every broadcast gets the next per-show ``seq`` and is encoded to JSON **once** and framed
  as WebSocket bytes once; the same bytes are written to every socket's buffer (a
  connection the transport attached, ``Connection.attach``: no task is woken per frame) or
  the same string queued (a connection drained by ``next_frame``), and kept in the bounded
  per-show backlog;
* a connection's queue or socket buffer is bounded: when a live frame does not fit, the
  viewer is dropped (``4408 too slow, resync``) and the room never waits for it;
* domain events arrive from the bus on whatever thread published them and are handed to
  the event loop with ``loop.call_soon_threadsafe``;
* busy chat (more than ``chat_batch_after`` lines in the last second) leaves as at most
  one frame per tick (a ``chat.batch`` when several lines waited) instead of one frame per
  line; the tick follows what a chat frame costs to fan out (``fanout_cost``), between
  ``chat_batch_min_interval`` and ``chat_batch_interval``;
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
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, Protocol

from castcart.events import (
    DomainEvent,
    EventBus,
    ModerationActionTaken,
    ShowBroadcast,
    StockLow,
)
from castcart.events.bus import ALL
from castcart.events.types import event_classes
from castcart.moderation.filters import WordFilterSet
from castcart.realtime.activity import RoomActivity
from castcart.realtime.chat import ChatAssistant, ChatPipeline, ChatTranslator, TranslatorFor
from castcart.realtime.connection import (
    CLOSE_BANNED,
    CLOSE_SHUTDOWN,
    CLOSE_TOO_SLOW,
    Clock,
    Connection,
    HubLimits,
    Viewer,
)
from castcart.realtime.counters import RoomCounters
from castcart.realtime.frames import (
    CHAT_TYPES,
    MIRRORED,
    encode,
    encode_parts,
    frame_for,
    wire,
)
from castcart.realtime.metrics import LiveFigures, MetricsBook
from castcart.realtime.presence import RoomPresence
from castcart.realtime.room_moderation import MOD_MESSAGES, ModerationPort, RoomModeration

log = logging.getLogger(__name__)

# Besides every ``ShowBroadcast``, what the hub takes from the bus: moderation (changes the
# room on every node) and low stock (store-wide: a staff alert in every open room).
BUS_EVENT_TYPES = (ModerationActionTaken.type, StockLow.type)


def forwarded_event_types() -> frozenset[str]:
    """What the hub takes from the bus (it subscribes to ``*`` and drops the rest): the room
    events above and every ``ShowBroadcast``."""
    broadcasts = {cls.type for cls in event_classes() if issubclass(cls, ShowBroadcast)}
    return frozenset(BUS_EVENT_TYPES) | broadcasts


class Channel(Protocol):
    """Where a show's numbered broadcasts go when several nodes share it (Redis)."""

    def publish(self, type_: str, head: str, tail: str, count: int) -> None: ...

    def add_likes(self, delta: int) -> None: ...

    def presence(self) -> None: ...

    def close(self) -> None: ...


class ShowHub:
    """The room of one show: its connections, sequence and backlog (the fan-out core),
    with its chat, moderation, presence and counters as collaborators."""

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
        assistant: ChatAssistant | None = None,
        activity: RoomActivity | None = None,
    ) -> None:
        self.store_id = store_id
        self.show_id = show_id
        self.status = status
        self.pinned_product_id = pinned_product_id
        self.limits = limits or HubLimits()
        self.loop = loop or asyncio.get_running_loop()
        self.clock: Clock = clock or self.loop.time
        self.wall = wall
        self.executor = executor
        self.activity = activity  # told of joins, leaves, likes, chat (analytics)
        self.channel: Channel | None = None  # set by the registry when nodes share shows
        self.epoch = secrets.token_hex(6)  # changes when a hub is re-created: seq restarts
        self.seq = 0
        self.slow_mode_seconds: float | None = None
        self.dropped = 0  # connections dropped for being too slow
        self.fanout_cost = 0.0  # seconds one chat frame takes to fan out (moving average)
        self._connections: dict[str, Connection] = {}
        self._skipping: dict[str, Connection] = {}
        self._backlog: deque[tuple[int, str]] = deque(maxlen=self.limits.backlog)
        self._tasks: set[asyncio.Future[Any]] = set()
        self._on_idle = on_idle
        self._idle_handle: asyncio.TimerHandle | None = None
        self.moderation = RoomModeration(self, moderation)
        self.presence = RoomPresence(self)
        self.counters = RoomCounters(self, book, currency)
        self.chat = ChatPipeline(
            self, translator=translator, filters=filters, publish=publish, assistant=assistant
        )

    # -- what others read -----------------------------------------------------------------

    @property
    def viewer_count(self) -> int:
        """Connections on this node."""
        return len(self._connections)

    @property
    def audience(self) -> int:
        """Connections on every node sharing the show (this node's without a channel)."""
        return self.presence.audience

    @property
    def connections(self) -> list[Connection]:
        return list(self._connections.values())

    def is_member(self, conn: Connection) -> bool:
        return conn.id in self._connections

    @property
    def filters(self) -> WordFilterSet:
        """The store's word filters (replaced by the registry when a moderator edits them)."""
        return self.chat.filters

    @filters.setter
    def filters(self, filters: WordFilterSet) -> None:
        self.chat.filters = filters

    def live_figures(self) -> LiveFigures:
        return self.counters.live_figures()

    async def metrics(self) -> dict[str, Any]:
        return await self.counters.metrics()

    # -- membership -------------------------------------------------------------------

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
        if viewer.id in self.moderation.banned and not viewer.is_staff:
            conn.shut(CLOSE_BANNED, "banned")
            return conn
        if muted_until is not None:
            self.moderation.note_muted(viewer.id, muted_until)
        conn.joined_seq = self.seq
        self._connections[conn.id] = conn
        self.presence.joined(viewer)
        conn.push(self._hello(conn), force=True)
        if last_seq is not None:
            self._replay(conn, last_seq, epoch)
        if viewer.is_staff:
            self.counters.schedule_metrics()
        return conn

    def leave(self, conn: Connection) -> None:
        if self._connections.pop(conn.id, None) is None:
            return
        self._skipping.pop(conn.id, None)
        self.presence.left(conn.viewer)
        if not self._connections and self._on_idle is not None:
            self._idle_handle = self.loop.call_later(self.limits.idle_ttl, self._idle)

    def drop(self, conn: Connection, code: int = CLOSE_TOO_SLOW, reason: str = "") -> None:
        conn.shut(code, reason or "too slow, resync")
        self.leave(conn)

    def close(self, code: int = CLOSE_SHUTDOWN, reason: str = "server shutting down") -> None:
        if self._idle_handle is not None:
            self._idle_handle.cancel()
        self.chat.close()
        self.presence.close()
        self.counters.close()
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

    def spawn(self, awaitable: Any) -> None:
        """Run a coroutine or future on the loop; cancelled when the room closes."""
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- frames -----------------------------------------------------------------------

    def broadcast(self, type_: str, payload: dict[str, Any]) -> int | None:
        """Give the message the next ``seq``, keep it in the backlog, queue it for everyone.

        With a channel the seq comes from Redis and the frame reaches this node's viewers
        when it comes back (``deliver_remote``); the return value is then None."""
        count = len(payload.get("messages", ())) if type_ == "chat.batch" else 1
        head, tail = encode_parts(type_, payload)
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
        self.counters.seed_likes(likes)
        self.presence.cluster_viewers = viewers
        self._backlog.clear()
        for frame_seq, type_, frame in frames:
            if type_ in MIRRORED:
                with contextlib.suppress(ValueError):
                    self._observe(type_, json.loads(frame))
            self._backlog.append((frame_seq, frame))
        self.counters.likes_total = likes

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
            self.counters.observe_likes(payload["total"])
        elif type_ == "viewers" and isinstance(payload.get("count"), int) and self.channel:
            self.presence.observe(payload["count"])

    def _deliver(self, seq: int, type_: str, frame: str, count: int) -> None:
        self._backlog.append((seq, frame))
        chat = type_ in CHAT_TYPES
        if chat:
            self.counters.count_chat(count)
        started = time.perf_counter()
        framed = wire(frame)  # framed once: the same bytes go to every attached socket
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
                if conn.id not in skip and not conn.push(frame, framed=framed)
            ]
        else:
            slow = [
                conn for conn in self._connections.values() if not conn.push(frame, framed=framed)
            ]
        for conn in slow:
            self.dropped += 1
            log.info("dropping slow viewer %s from show %s", conn.viewer.id, self.show_id)
            self.drop(conn)
        if chat:
            # what one chat frame costs to fan out here; the chat tick adapts to it
            cost = time.perf_counter() - started
            self.fanout_cost = 0.7 * self.fanout_cost + 0.3 * cost if self.fanout_cost else cost

    def send(self, conn: Connection, type_: str, payload: dict[str, Any]) -> None:
        """A frame for one connection: it carries the current ``seq`` without taking one."""
        if not conn.push(encode(type_, self.seq, payload)):
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

    def tell(self, viewer_id: str, type_: str, payload: dict[str, Any]) -> None:
        """A frame for every connection of one viewer."""
        for conn in self.connections:
            if conn.viewer.id == viewer_id:
                self.send(conn, type_, payload)

    def send_staff(self, type_: str, payload: dict[str, Any]) -> None:
        for conn in self.connections:
            if conn.viewer.is_staff:
                self.send(conn, type_, payload)

    def _hello(self, conn: Connection) -> str:
        limits = self.limits
        return encode(
            "hello",
            self.seq,
            {
                "epoch": self.epoch,
                "connection_id": conn.id,
                "you": {
                    "id": conn.viewer.id,
                    "display_name": conn.viewer.display_name,
                    "role": conn.viewer.role,
                    "muted_until": self.moderation.muted_until_iso(conn.viewer.id),
                },
                "show": {"id": self.show_id, "status": self.status},
                "viewers": self.audience,
                "likes": self.counters.likes_total,
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
                encode(
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
            self.chat.receive(conn, message)
        elif kind == "assistant.ask":
            self.chat.ask(conn, message)
        elif kind == "like":
            self.counters.like(conn)
        elif kind == "resume":
            self._resume(conn, message)
        elif kind == "ping":
            self.send(conn, "pong", {})
        elif kind in MOD_MESSAGES:
            self.moderation.receive(conn, kind, message)
        else:
            self.error(conn, "unknown_type", f"unknown message type {kind[:40]!r}")

    def _resume(self, conn: Connection, message: dict[str, Any]) -> None:
        last_seq = message.get("last_seq")
        epoch = message.get("epoch")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            self.error(conn, "bad_message", "resume needs a non-negative integer 'last_seq'")
            return
        self._replay(conn, last_seq, epoch if isinstance(epoch, str) else None)

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
            self.moderation.apply(event)
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
        assistant: ChatAssistant | None = None,
        activity: RoomActivity | None = None,
    ) -> None:
        self.bus = bus
        self.assistant = assistant
        self.activity = activity
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
                assistant=self.assistant,
                activity=self.activity,
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
