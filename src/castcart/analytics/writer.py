"""The one writer of the analytics store: a thread that owns the store's read-write
connection and appends what the app hands it in batches.

App code (bus handlers, the room tracker, the beacon route) calls ``submit`` from any
thread: the events join a bounded in-memory queue and return at once. The thread takes up
to ``batch_events`` per insert, at least every ``flush_seconds``; erasures go through the
same queue, so a deletion lands after every event submitted before it. Events are deduped
by id over the last ``dedupe`` ids (the bus delivers at least once). A full queue drops
the batch and counts it (``dropped``): analytics must never slow a checkout down.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from castcart.analytics.schema import Event
from castcart.analytics.store import AnalyticsStore, run

log = logging.getLogger(__name__)

Gate = Callable[[list[Event]], list[Event]]


@dataclass(frozen=True)
class _Erase:
    store_id: str | None
    shopper_id: str


@dataclass(frozen=True)
class _Barrier:
    done: threading.Event


class AnalyticsWriter:
    def __init__(
        self,
        store: AnalyticsStore,
        *,
        flush_seconds: float = 0.25,
        batch_events: int = 20_000,
        queue_events: int = 2_000_000,
        dedupe: int = 200_000,
        gate: Gate | None = None,
    ) -> None:
        self.store = store
        self.flush_seconds = flush_seconds
        self.batch_events = batch_events
        self.queue_events = queue_events
        self.gate = gate
        self.written = 0
        self.dropped = 0
        self.duplicates = 0
        self.failed = 0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._queued = 0
        self._count_lock = threading.Lock()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._dedupe = dedupe
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
        self._started = False

    # -- what app code calls ------------------------------------------------------------

    def start(self) -> AnalyticsWriter:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def submit(self, events: Sequence[Event], *, gated: bool = False) -> bool:
        """Queue ``events`` (``gated``: pass them through the consent gate first, in the
        writer thread). False when the queue is full and they were dropped."""
        if not events:
            return True
        with self._count_lock:
            if self._queued + len(events) > self.queue_events:
                self.dropped += len(events)
                return False
            self._queued += len(events)
        self._queue.put((list(events), gated))
        return True

    def erase(self, store_id: str | None, shopper_id: str) -> None:
        """Remove a shopper's events once everything queued before has been written."""
        self._queue.put(_Erase(store_id, shopper_id))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is in the store (tests, shutdown)."""
        if not self._started or not self._thread.is_alive():
            return False
        barrier = _Barrier(threading.Event())
        self._queue.put(barrier)
        return barrier.done.wait(timeout)

    def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return run(self.store, name, **params)

    @property
    def pending(self) -> int:
        return self._queued

    def close(self) -> None:
        if self._started:
            self._stop.set()
            self._queue.put(None)
            self._thread.join(timeout=30)
        self.store.close()

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        batch: list[Event] = []
        deadline = time.monotonic() + self.flush_seconds
        while True:
            timeout = max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout) if not batch or timeout else None
            except queue.Empty:
                item = None
            if item is None:
                self._write(batch)
                batch = []
                deadline = time.monotonic() + self.flush_seconds
                if self._stop.is_set() and self._queue.empty():
                    return
                continue
            if isinstance(item, tuple):
                events, gated = item
                with self._count_lock:
                    self._queued -= len(events)
                if gated and self.gate is not None:
                    try:
                        events = self.gate(events)
                    except Exception:
                        log.exception("analytics consent gate failed; batch dropped")
                        self.failed += len(events)
                        continue
                batch.extend(self._fresh(events))
                if len(batch) >= self.batch_events:
                    self._write(batch)
                    batch = []
                    deadline = time.monotonic() + self.flush_seconds
            elif isinstance(item, _Erase):
                self._write(batch)
                batch = []
                try:
                    self.store.delete_shopper(item.store_id, item.shopper_id)
                except Exception:
                    log.exception("analytics erasure of %s failed", item.shopper_id)
            elif isinstance(item, _Barrier):
                self._write(batch)
                batch = []
                item.done.set()

    def _fresh(self, events: list[Event]) -> list[Event]:
        seen = self._seen
        out = []
        for event in events:
            if event.id in seen:
                self.duplicates += 1
                continue
            seen[event.id] = None
            out.append(event)
        while len(seen) > self._dedupe:
            seen.popitem(last=False)
        return out

    def _write(self, batch: list[Event]) -> None:
        if not batch:
            return
        try:
            self.store.insert(batch)
            self.written += len(batch)
        except Exception:
            log.exception("analytics insert of %d events failed", len(batch))
            self.failed += len(batch)
