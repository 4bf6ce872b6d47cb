"""Fan-out across app processes and nodes through Redis pub/sub.

Each event is delivered to this process's subscribers at once (as the in-process bus does)
and published on one Redis channel; every other node's listener thread rebuilds the typed
event and delivers it to its own subscribers. Pub/sub is at-most-once: a node that is
disconnected misses events, which is why the real-time channel resyncs clients from the
database-backed state on reconnect. A Redis outage never fails the publisher's request.

Worker processes (the captions worker, later others) are not app nodes: an event they put on
pub/sub would reach every node only as a *relayed* copy, and relayed copies are not numbered
for viewers, checked by the live guard or written to the audit log by any node (those are
``local_only`` work, done once by the node that published). So workers publish with
`RedisWorkerPublisher` onto one Redis stream that the app nodes read as a consumer group:
exactly one node takes each event and publishes it as its own, then acknowledges it. A node
that dies holding events leaves them pending; another node claims them after
``CLAIM_IDLE_MS`` (at-least-once: the audit log skips a repeated event id, and a repeated
caption replaces itself on the page by its ``segment_id``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import redis

from castcart.core.ids import new_id
from castcart.events.bus import InProcessEventBus
from castcart.events.types import DomainEvent, event_from_envelope

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "castcart:events"
WORKER_STREAM = "castcart:events:from-workers"
APP_GROUP = "castcart-apps"
WORKER_STREAM_MAXLEN = 10_000  # approximate trim: a caption is worthless minutes later
CLAIM_IDLE_MS = 30_000  # events a silent node held this long are taken over by another


class RedisWorkerPublisher:
    """How a worker process publishes: onto the workers' stream, for one app node to take."""

    def __init__(self, url: str, *, stream: str = WORKER_STREAM) -> None:
        self.stream = stream
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5)

    def publish(self, event: DomainEvent) -> None:
        try:
            self._redis.xadd(
                self.stream,
                {"event": json.dumps(event.envelope())},
                maxlen=WORKER_STREAM_MAXLEN,
                approximate=True,
            )
        except redis.RedisError:
            log.exception("could not publish %s to Redis; the app nodes will miss it", event.type)

    def close(self) -> None:
        self._redis.close()


class RedisEventBus(InProcessEventBus):
    def __init__(
        self,
        url: str,
        *,
        channel: str = DEFAULT_CHANNEL,
        worker_stream: str | None = WORKER_STREAM,
        claim_idle_ms: int = CLAIM_IDLE_MS,
    ) -> None:
        """``worker_stream``: the stream of worker events this node takes its share of (app
        nodes); None for a process that only publishes."""
        super().__init__()
        self.node_id = new_id()
        self.channel = channel
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
        self._pubsub.subscribe(channel)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="castcart-redis-bus", daemon=True)
        self._thread.start()
        self.worker_stream = worker_stream
        self.claim_idle_ms = claim_idle_ms
        self._consumer: threading.Thread | None = None
        if worker_stream is not None:
            # its own connection: a blocking XREADGROUP must not hold up publishers
            self._streams = redis.Redis.from_url(url, socket_connect_timeout=5)
            self._consumer = threading.Thread(
                target=self._consume_worker_events, name="castcart-worker-events", daemon=True
            )
            self._consumer.start()

    def publish(self, event: DomainEvent) -> None:
        super().publish(event)
        envelope = {**event.envelope(), "node": self.node_id}
        try:
            self._redis.publish(self.channel, json.dumps(envelope))
        except redis.RedisError:
            log.exception("could not publish %s to Redis; other nodes will miss it", event.type)

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                message = self._pubsub.get_message(timeout=0.5)
            except (redis.RedisError, ValueError):
                if self._stopping.is_set():
                    return
                log.exception("Redis listener error; retrying")
                self._stopping.wait(1.0)
                continue
            if message is None or message.get("type") != "message":
                continue
            self._deliver(message["data"])

    def _deliver(self, raw: bytes | str) -> None:
        try:
            envelope = json.loads(raw)
        except (TypeError, ValueError):
            log.warning("ignoring a malformed event on %s", self.channel)
            return
        if not isinstance(envelope, dict) or envelope.get("node") == self.node_id:
            return  # our own event: already delivered locally
        try:
            event = event_from_envelope(envelope)
        except ValueError:
            log.warning("ignoring an invalid %s event", envelope.get("type"))
            return
        if event is not None:
            self._dispatch(event, relayed=True)

    def _consume_worker_events(self) -> None:
        assert self.worker_stream is not None  # noqa: S101 - started only with a stream
        stream, joined, next_claim = self.worker_stream, False, 0.0
        while not self._stopping.is_set():
            try:
                if not joined:
                    try:  # "$": a group made now starts with what workers publish from now on
                        self._streams.xgroup_create(stream, APP_GROUP, id="$", mkstream=True)
                    except redis.ResponseError as exc:
                        if "BUSYGROUP" not in str(exc):
                            raise
                    joined = True
                now = time.monotonic()
                if now >= next_claim:  # take over what a node that went away was holding
                    next_claim = now + self.claim_idle_ms / 1000 / 2
                    claimed = self._streams.xautoclaim(
                        stream, APP_GROUP, self.node_id, self.claim_idle_ms, "0-0", count=100
                    )
                    self._take(stream, claimed[1])
                batches: list[Any] = self._streams.xreadgroup(  # type: ignore[assignment]
                    APP_GROUP, self.node_id, {stream: ">"}, count=100, block=500
                )
                for _name, entries in batches or []:
                    self._take(stream, entries)
            except redis.RedisError:
                if self._stopping.is_set():
                    return
                log.exception("worker-event consumer error; retrying")
                joined = False
                self._stopping.wait(1.0)

    def _take(self, stream: str, entries: list[Any]) -> None:
        """Publish each worker event as this node's own, then acknowledge it."""
        for entry_id, fields in entries:
            raw = fields.get(b"event") if fields else None
            try:
                event = event_from_envelope(json.loads(raw)) if raw else None
            except (TypeError, ValueError):
                log.warning("dropping a malformed worker event %s", entry_id)
                event = None
            if event is not None:
                self.publish(event)
            self._streams.xack(stream, APP_GROUP, entry_id)

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        if self._consumer is not None:
            self._consumer.join(timeout=5)
            self._streams.close()
        self._pubsub.close()
        self._redis.close()
