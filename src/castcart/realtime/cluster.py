"""Several app nodes share a show through Redis (``CASTCART_REDIS_URL``).

One Redis **stream per show** is the shared, ordered log of its numbered frames; a Lua script
takes the next ``seq`` (``INCR``) and appends the frame with stream id ``<seq>-0`` in one
atomic step, so the stream's order *is* the seq order and every node sees the same frames
with the same numbers. Each node tails the streams of the shows it has viewers for
(``XREAD BLOCK``) and delivers every frame to its own connections; a frame is encoded once,
by the node that publishes it (``head + seq + tail``, numbered inside the script). The
stream is capped at the hub backlog (``MAXLEN``): it is also the backlog that ``resume``
replays from, whichever node the viewer comes back to. A tailing node that loses Redis for a
moment resumes from its last id, so nothing is skipped (unlike pub/sub, at-most-once).

Presence: each node writes its share of a show's audience (count, countries, languages) into
a hash field with a timestamp; a script sums the fresh fields (stale ones, of a crashed node,
are dropped after ``PRESENCE_STALE_S``) and numbers a ``viewers`` frame when the total
changed. Likes are one ``INCRBY`` counter; each node flushes its own likes every 500 ms.
Keys expire ``TTL_S`` after the last activity; a new epoch then starts the sequence again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis
import redis.asyncio as aioredis

from castcart.core.ids import new_id
from castcart.events import CartItemAdded, DomainEvent, OrderCreated, OrderPaid
from castcart.realtime.metrics import Counters, LiveFigures

if TYPE_CHECKING:
    from castcart.realtime.hub import ShowHub

log = logging.getLogger(__name__)

PREFIX = "castcart:rt"
TTL_S = 24 * 3600
PRESENCE_STALE_S = 10
HEARTBEAT_S = 2.0
CHAT_BUCKET_S = 10

# KEYS: seq, stream, epoch, metrics. ARGV: head, tail, type, maxlen, ttl, chat lines.
_PUBLISH = """
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], seq .. '-0',
           't', ARGV[3], 'n', ARGV[6], 'f', ARGV[1] .. seq .. ARGV[2])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
local lines = tonumber(ARGV[6])
if lines > 0 then
  local now = redis.call('TIME')
  local bucket = math.floor(tonumber(now[1]) / BUCKET_S)
  redis.call('HINCRBY', KEYS[4], 'c' .. bucket, lines)
  redis.call('EXPIRE', KEYS[4], ARGV[5])
end
return seq
""".replace("BUCKET_S", str(CHAT_BUCKET_S))

# KEYS: likes, seq, stream, epoch. ARGV: delta, head, maxlen, ttl.
_LIKES = """
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[3], seq .. '-0', 't', 'likes', 'n', '0',
           'f', ARGV[2] .. seq .. ',"total":' .. total .. ',"delta":' .. ARGV[1] .. '}')
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return total
"""

# KEYS: presence, seq, stream, epoch, last viewers, peak, likes.
# ARGV: node, share (JSON) or '' to leave, stale_s, maxlen, ttl, head.
_PRESENCE = """
local now = tonumber(redis.call('TIME')[1])
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  local share = cjson.decode(ARGV[2])
  share['at'] = now
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(share))
end
local all = redis.call('HGETALL', KEYS[1])
local total, cc, lg = 0, {}, {}
for i = 1, #all, 2 do
  local e = cjson.decode(all[i + 1])
  if now - tonumber(e['at']) <= tonumber(ARGV[3]) then
    total = total + tonumber(e['n'])
    for k, v in pairs(e['cc']) do cc[k] = (cc[k] or 0) + v end
    for k, v in pairs(e['lg']) do lg[k] = (lg[k] or 0) + v end
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
local peak = math.max(tonumber(redis.call('GET', KEYS[6]) or '0'), total)
redis.call('SET', KEYS[6], peak, 'EX', ARGV[5])
local last = redis.call('GET', KEYS[5])
if (not last or tonumber(last) ~= total) then
  redis.call('SET', KEYS[5], total, 'EX', ARGV[5])
  if total > 0 then
    local seq = redis.call('INCR', KEYS[2])
    redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[4], seq .. '-0', 't', 'viewers', 'n', '0',
               'f', ARGV[6] .. seq .. ',"count":' .. total .. '}')
  end
end
for _, k in ipairs({KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7]}) do
  redis.call('EXPIRE', k, ARGV[5])
end
return cjson.encode({total = total, peak = peak, cc = cc, lg = lg})
"""


def _head(type_: str) -> str:
    return '{"type":' + json.dumps(type_) + ',"v":1,"seq":'


class _Keys:
    def __init__(self, store_id: str, show_id: str) -> None:
        base = f"{PREFIX}:{store_id}:{show_id}"
        self.seq, self.stream, self.epoch = f"{base}:seq", f"{base}:stream", f"{base}:epoch"
        self.likes, self.presence = f"{base}:likes", f"{base}:presence"
        self.last_viewers, self.peak = f"{base}:viewers", f"{base}:peak"
        self.metrics = f"{base}:m"


def _decode(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisCluster:
    """One per app node (``RealtimeHub(cluster=...)``): the Redis client, one publisher task
    that pipelines this node's frames in order, and a channel per show with viewers here."""

    def __init__(self, url: str, *, backlog: int = 500) -> None:
        self.url = url
        self.node_id = new_id()
        self.backlog = backlog
        self._redis: aioredis.Redis | None = None
        self._queue: asyncio.Queue[tuple[str, list[str], list[Any], Callable[[Any], None]]]
        self._queue = asyncio.Queue()
        self._publisher: asyncio.Task[None] | None = None
        self._scripts: dict[str, Any] = {}

    @property
    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.Redis.from_url(self.url, socket_connect_timeout=5)
            for name, lua in (("publish", _PUBLISH), ("likes", _LIKES), ("presence", _PRESENCE)):
                self._scripts[name] = self._redis.register_script(lua)
        return self._redis

    def channel(self, hub: ShowHub) -> RedisShowChannel:
        return RedisShowChannel(self, hub)

    def enqueue(
        self,
        script: str,
        keys: list[str],
        args: list[Any],
        done: Callable[[Any], None] = lambda _: None,
    ) -> None:
        """Queue a script call; calls run in order, pipelined, on this node's loop."""
        _ = self.redis
        if self._publisher is None or self._publisher.done():
            self._publisher = asyncio.get_running_loop().create_task(self._publish_loop())
        self._queue.put_nowait((script, keys, args, done))

    def publish_to(
        self, store_id: str, show_id: str, type_: str, payload: dict[str, Any], count: int = 0
    ) -> None:
        from castcart.realtime.frames import encode_parts

        head, tail = encode_parts(type_, payload)
        keys = _Keys(store_id, show_id)
        self.enqueue(
            "publish",
            [keys.seq, keys.stream, keys.epoch, keys.metrics],
            [head, tail, type_, self.backlog, TTL_S, count],
        )

    async def _publish_loop(self) -> None:
        while True:
            first = await self._queue.get()
            batch = [first]
            while not self._queue.empty() and len(batch) < 500:
                batch.append(self._queue.get_nowait())
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for name, keys, args, _done in batch:
                        await self._scripts[name](keys=keys, args=args, client=pipe)
                    results = await pipe.execute(raise_on_error=False)
            except (redis.RedisError, OSError):
                log.exception("Redis publish failed; %d frames lost", len(batch))
                continue
            for (name, _keys, _args, done), result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    log.error("Redis %s failed: %s", name, result)
                    continue
                try:
                    done(result)
                except Exception:
                    log.exception("after Redis %s", name)

    def close(self) -> None:
        if self._publisher is not None:
            self._publisher.cancel()
        if self._redis is not None:
            client, self._redis = self._redis, None
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().create_task(client.aclose())


class RedisShowChannel:
    """A show's link to its stream: bootstrap, tail, presence heartbeat, publishing."""

    def __init__(self, cluster: RedisCluster, hub: ShowHub) -> None:
        self.cluster = cluster
        self.hub = hub
        self.keys = _Keys(hub.store_id, hub.show_id)
        self._last_id = "0-0"
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    async def start(self) -> None:
        r = self.cluster.redis
        k = self.keys
        await r.set(k.epoch, secrets.token_hex(6), nx=True, ex=TTL_S)
        async with r.pipeline(transaction=True) as pipe:
            pipe.get(k.epoch)
            pipe.get(k.seq)
            pipe.xrevrange(k.stream, count=self.cluster.backlog)
            pipe.get(k.likes)
            pipe.get(k.last_viewers)
            pipe.get(k.peak)
            results: list[Any] = await pipe.execute()
        epoch, seq, entries, likes, viewers, peak = results
        frames = []
        for entry_id, fields in reversed(entries):
            frame_seq = int(_decode(entry_id).split("-")[0])
            frames.append((frame_seq, _decode(fields[b"t"]), _decode(fields[b"f"])))
        last = max([int(seq or 0), *(f[0] for f in frames)])
        self._last_id = f"{last}-0" if last else "0-0"
        self.hub.bootstrap(
            _decode(epoch),
            last,
            frames,
            likes=int(likes or 0),
            viewers=int(viewers) if viewers is not None else None,
        )
        self.hub.presence.peak_viewers = max(self.hub.presence.peak_viewers, int(peak or 0))
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._tail()), loop.create_task(self._heartbeat())]

    async def _tail(self) -> None:
        r = self.cluster.redis
        while not self._closed:
            try:
                answer: Any = await r.xread(
                    {self.keys.stream: self._last_id}, count=1000, block=1000
                )
            except (redis.RedisError, OSError):
                log.warning("Redis tail of show %s failed; retrying", self.hub.show_id)
                await asyncio.sleep(0.5)
                continue
            for _stream, entries in answer or ():
                for entry_id, fields in entries:
                    self._last_id = _decode(entry_id)
                    seq = int(self._last_id.split("-")[0])
                    self.hub.deliver_remote(
                        seq,
                        _decode(fields[b"t"]),
                        _decode(fields[b"f"]),
                        int(fields.get(b"n", b"0")),
                    )

    async def _heartbeat(self) -> None:
        while not self._closed:
            await asyncio.sleep(HEARTBEAT_S)
            self.presence()

    def publish(self, type_: str, head: str, tail: str, count: int) -> None:
        k = self.keys
        self.cluster.enqueue(
            "publish",
            [k.seq, k.stream, k.epoch, k.metrics],
            [head, tail, type_, self.cluster.backlog, TTL_S, count],
        )

    def add_likes(self, delta: int) -> None:
        k = self.keys
        self.cluster.enqueue(
            "likes",
            [k.likes, k.seq, k.stream, k.epoch],
            [delta, _head("likes"), self.cluster.backlog, TTL_S],
        )

    def presence(self, leaving: bool = False) -> None:
        k = self.keys
        share = "" if leaving else json.dumps(self.hub.presence.snapshot())
        self.cluster.enqueue(
            "presence",
            [k.presence, k.seq, k.stream, k.epoch, k.last_viewers, k.peak, k.likes],
            [
                self.cluster.node_id,
                share,
                PRESENCE_STALE_S,
                self.cluster.backlog,
                TTL_S,
                _head("viewers"),
            ],
            self._presence_done,
        )

    def _presence_done(self, result: Any) -> None:
        data = json.loads(_decode(result))
        cc = data.get("cc") or {}
        lg = data.get("lg") or {}
        self.hub.presence.set_cluster(
            int(data["total"]),
            int(data["peak"]),
            {str(k): int(v) for k, v in cc.items()} if isinstance(cc, dict) else {},
            {str(k): int(v) for k, v in lg.items()} if isinstance(lg, dict) else {},
        )

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(RuntimeError):
            self.presence(leaving=True)


class RedisMetricsBook:
    """Commerce counters of shows in Redis hashes (``local_only`` events: counted once),
    and the room figures read back from the presence/likes keys for any node."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        self._lock = threading.Lock()

    def record(self, event: DomainEvent) -> None:
        show_id = getattr(event, "show_id", None)
        if not isinstance(show_id, str) or not show_id:
            return
        key = _Keys(event.store_id, show_id).metrics
        try:
            if isinstance(event, CartItemAdded):
                self._redis.hincrby(key, "add_to_carts", 1)
            elif isinstance(event, OrderCreated):
                self._redis.hincrby(key, "orders", 1)
            elif isinstance(event, OrderPaid):
                self._redis.hincrby(key, f"gmv:{event.currency}", event.total_amount)
            else:
                return
            self._redis.expire(key, TTL_S)
        except redis.RedisError:
            log.exception("could not count %s in Redis", event.type)

    def _hash(self, store_id: str, show_id: str) -> dict[str, int]:
        raw = self._redis.hgetall(_Keys(store_id, show_id).metrics)
        return {_decode(k): int(v) for k, v in raw.items()}

    def counters(self, store_id: str, show_id: str) -> Counters:
        h = self._hash(store_id, show_id)
        gmv = {k.removeprefix("gmv:"): v for k, v in h.items() if k.startswith("gmv:")}
        return Counters(add_to_carts=h.get("add_to_carts", 0), orders=h.get("orders", 0), gmv=gmv)

    def live(self, store_id: str, show_id: str) -> LiveFigures | None:
        k = _Keys(store_id, show_id)
        now = int(self._redis.time()[0])
        shares = self._redis.hgetall(k.presence)
        viewers, countries = 0, dict[str, int]()
        for raw in shares.values():
            share = json.loads(raw)
            if now - int(share.get("at", 0)) > PRESENCE_STALE_S:
                continue
            viewers += int(share.get("n", 0))
            for cc, n in (share.get("cc") or {}).items():
                countries[cc] = countries.get(cc, 0) + int(n)
        bucket = now // CHAT_BUCKET_S
        h = self._hash(store_id, show_id)
        chat = sum(h.get(f"c{b}", 0) for b in range(bucket - 5, bucket + 1))
        return LiveFigures(
            viewers=viewers,
            peak_viewers=int(self._redis.get(k.peak) or 0),
            likes=int(self._redis.get(k.likes) or 0),
            chat_per_min=chat,
            countries=countries,
        )
