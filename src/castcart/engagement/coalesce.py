"""Coalescing bursts into at most one flush per key per interval.

A vote storm must not become a frame storm: every vote ``touch``-es its poll, and the poll's
results are read and published at most once per ``interval`` (the first touch after a quiet
spell flushes at once, later ones wait for the interval to pass). ``Coalescer`` is the pure
timing rule (times passed in, so tests need no clock); ``CoalescingRunner`` drives it from
one background thread, since touches come from many request threads and a flush (a database
read and a bus publish) must not run on them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Coalescer:
    """Which keys are due for a flush, given when each was last flushed. Not thread-safe."""

    def __init__(self, interval: float) -> None:
        if interval < 0:
            raise ValueError("interval must not be negative")
        self.interval = interval
        self._due: dict[str, float] = {}  # keys waiting for a flush → when it is due
        self._last: dict[str, float] = {}  # when each key was last flushed

    def touch(self, key: str, now: float) -> float | None:
        """Note a change; returns when its flush is due, or None when one is already pending
        (that flush will read the latest state, so this change needs no flush of its own)."""
        if key in self._due:
            return None
        last = self._last.get(key)
        due = now if last is None else max(now, last + self.interval)
        self._due[key] = due
        return due

    def pop_due(self, now: float) -> list[str]:
        """The keys to flush now, marked as flushed at ``now``."""
        ready = [key for key, due in self._due.items() if due <= now]
        for key in ready:
            del self._due[key]
            self._last[key] = now
        # a key flushed more than one interval ago no longer constrains its next flush
        stale = [k for k, at in self._last.items() if now - at >= self.interval]
        for key in stale:
            if key not in ready:
                del self._last[key]
        return ready

    def next_due(self) -> float | None:
        return min(self._due.values(), default=None)

    def cancel(self, key: str) -> None:
        """Drop a pending flush (the poll closed: its final frame supersedes it)."""
        self._due.pop(key, None)

    @property
    def pending(self) -> int:
        return len(self._due)


class CoalescingRunner:
    """Runs ``flush(key)`` on a background thread, at most once per key per interval.

    The thread starts on the first touch and exits after ``idle_exit`` seconds with nothing
    pending, so an app (or a test) that stops touching leaves no thread behind."""

    def __init__(
        self,
        interval: float,
        flush: Callable[[str], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        idle_exit: float = 5.0,
        name: str = "castcart-coalescer",
    ) -> None:
        self._coalescer = Coalescer(interval)
        self._flush = flush
        self._clock = clock
        self._idle_exit = idle_exit
        self._name = name
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.flushes = 0

    def touch(self, key: str) -> None:
        with self._cond:
            if self._closed:
                return
            if self._coalescer.touch(key, self._clock()) is None:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def cancel(self, key: str) -> None:
        with self._cond:
            self._coalescer.cancel(key)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _next_batch(self) -> list[str] | None:
        """Wait for due keys; None when the thread should exit."""
        with self._cond:
            idle_since: float | None = None
            while not self._closed:
                now = self._clock()
                ready = self._coalescer.pop_due(now)
                if ready:
                    return ready
                due = self._coalescer.next_due()
                if due is None:
                    idle_since = now if idle_since is None else idle_since
                    if now - idle_since >= self._idle_exit:
                        break
                    self._cond.wait(self._idle_exit - (now - idle_since))
                else:
                    idle_since = None
                    self._cond.wait(max(0.0, due - now))
            self._thread = None
            return None

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            for key in batch:
                self.flushes += 1
                try:
                    self._flush(key)
                except Exception:  # one failed flush must not stop the others
                    log.exception("coalesced flush failed for %s", key)
