"""Fan-out across app processes and nodes through Redis pub/sub.

Each event is delivered to this process's subscribers at once (as the in-process bus does)
and published on one Redis channel; every other node's listener thread rebuilds the typed
event and delivers it to its own subscribers. Pub/sub is at-most-once: a node that is
disconnected misses events, which is why the real-time channel resyncs clients from the
database-backed state on reconnect. A Redis outage never fails the publisher's request.
"""

from __future__ import annotations

import json
import logging
import threading

import redis

from castcart.core.ids import new_id
from castcart.events.bus import InProcessEventBus
from castcart.events.types import DomainEvent, event_from_envelope

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "castcart:events"


class RedisEventBus(InProcessEventBus):
    def __init__(self, url: str, *, channel: str = DEFAULT_CHANNEL) -> None:
        super().__init__()
        self.node_id = new_id()
        self.channel = channel
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
        self._pubsub.subscribe(channel)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="castcart-redis-bus", daemon=True)
        self._thread.start()

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

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._pubsub.close()
        self._redis.close()
