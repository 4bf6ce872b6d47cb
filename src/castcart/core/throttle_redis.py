"""The sliding windows of ``core/throttle.py`` shared by every app node through Redis.

With several nodes behind a load balancer, in-memory counters let an attacker spread login
guesses or guest sign-ups over the nodes (N nodes, N times the limit). One sorted set per
key holds the attempts' times (Redis's own clock, so nodes' clocks need not agree); a Lua
script prunes, checks and counts atomically. If Redis cannot be reached the node falls back
to its own in-memory window and logs it: a Redis outage must not lock every shopper out."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

import redis

from castcart.core.errors import RateLimitedError
from castcart.core.ids import new_id
from castcart.core.throttle import SlidingWindow

log = logging.getLogger(__name__)

# KEYS: the windows' keys. ARGV: limit, window (ms), mode, member. Mode 0: check only;
# 1: check and, if every key is under its limit, record the attempt (``take``); 2: record
# the attempt whatever the count (``hit``: a failed login always counts). Returns the
# milliseconds until every key is under its limit (0: allowed).
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, count = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local left = tonumber(oldest[2]) + window - now
    if left > wait then wait = left end
  end
end
if (wait == 0 and count == 1) or count == 2 then
  for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[4])
    redis.call('PEXPIRE', key, window)
  end
end
return wait
"""


_CHECK, _TAKE, _HIT = 0, 1, 2


class RedisSlidingWindow(SlidingWindow):
    """A ``SlidingWindow`` whose events live in Redis, shared by every node."""

    def __init__(self, client: Any, name: str, limit: int, window: float) -> None:
        super().__init__(limit, window)  # the fallback while Redis is unreachable
        self.client = client
        self.prefix = f"castcart:throttle:{name}:"
        self._script = client.register_script(_SCRIPT)

    def _run(self, keys: list[str], mode: int) -> int | None:
        try:
            wait_ms = self._script(
                keys=[self.prefix + key for key in keys],
                args=[self.limit, int(self.window * 1000), mode, new_id()],
            )
        except redis.RedisError as exc:
            log.warning("throttle %s: Redis unreachable (%s); counting in memory", self.prefix, exc)
            return None
        return int(wait_ms)

    def retry_after(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        wait_ms = self._run(keys, _CHECK)
        if wait_ms is None:
            return super().retry_after(keys)
        return math.ceil(wait_ms / 1000) if wait_ms > 0 else 0

    def hit(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if self._run(keys, _HIT) is None:
            super().hit(keys)

    def reset(self, key: str) -> None:
        try:
            self.client.delete(self.prefix + key)
        except redis.RedisError:
            super().reset(key)

    def take(self, keys: Iterable[str], message: str, code: str = "rate_limited") -> None:
        keys = list(keys)
        wait_ms = self._run(keys, _TAKE)  # check and count in one atomic step
        if wait_ms is None:
            super().take(keys, message, code)
        elif wait_ms > 0:
            wait = max(1, math.ceil(wait_ms / 1000))
            raise RateLimitedError(message, retry_after=wait, code=code)


def redis_client(url: str) -> Any:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
