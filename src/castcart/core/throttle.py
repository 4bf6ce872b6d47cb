"""Sliding-window attempt counters (login failures, guest sessions, sockets) kept in memory.

In memory, per process, by default; with ``CASTCART_REDIS_URL`` set the app builds them on
Redis instead (``core/throttle_redis.py``) so every node shares one count. No framework here."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from castcart.core.errors import RateLimitedError


class SlidingWindow:
    """At most ``limit`` events per key within ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self.max_keys:  # bounded memory under a key flood
                self._events.pop(next(iter(self._events)))
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def retry_after(self, keys: Iterable[str]) -> int:
        """Seconds until every key is under its limit again; 0 when it is now."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                events = self._prune(key, now)
                if len(events) >= self.limit:
                    wait = max(wait, events[0] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def hit(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def check(self, keys: Iterable[str], message: str, code: str = "rate_limited") -> None:
        keys = list(keys)
        wait = self.retry_after(keys)
        if wait:
            raise RateLimitedError(message, retry_after=wait, code=code)

    def take(self, keys: Iterable[str], message: str, code: str = "rate_limited") -> None:
        """Check, then count this attempt (for things limited whether they succeed or not)."""
        keys = list(keys)
        self.check(keys, message, code)
        self.hit(keys)


class Throttles:
    """The app's counters, built from settings once per app."""

    def __init__(
        self,
        *,
        login_failures: int,
        login_address_failures: int,
        login_window: float,
        guest_sessions: int,
        guest_window: float,
        clock: Callable[[], float] = time.monotonic,
        window: Callable[[str, int, float], SlidingWindow] | None = None,
    ) -> None:
        def make(name: str, limit: int, seconds: float) -> SlidingWindow:
            if window is not None:
                return window(name, limit, seconds)
            return SlidingWindow(limit, seconds, clock=clock)

        self.login_account = make("login_account", login_failures, login_window)
        self.login_address = make("login_address", login_address_failures, login_window)
        self.guest_sessions = make("guest_sessions", guest_sessions, guest_window)

    def before_login(self, account: str, address: str) -> None:
        self.login_account.check(
            [account], "too many failed logins for this account; try again later"
        )
        self.login_address.check([address], "too many failed logins from here; try again later")

    def login_failed(self, account: str, address: str) -> None:
        self.login_account.hit([account])
        self.login_address.hit([address])

    def login_succeeded(self, account: str) -> None:
        self.login_account.reset(account)
