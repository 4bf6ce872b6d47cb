"""A background thread fed by a bounded queue, for bus subscribers whose work may touch the
database (audit log, live compliance checks): publishers, among them the event loop that
serves the room, hand items over and never wait."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class BatchWorker(Generic[T]):
    """Runs ``handle`` on batches of up to ``batch_size`` queued items, in arrival order.

    ``offer`` never blocks: a full queue refuses the item (the caller says what was lost).
    A failing batch is logged and the worker goes on. ``flush`` waits until what was queued
    before it has been handled; ``close`` handles what is queued, then stops."""

    def __init__(
        self,
        name: str,
        handle: Callable[[list[T]], None],
        *,
        batch_size: int = 1,
        max_queue: int = 10_000,
    ) -> None:
        self.name = name
        self._handle = handle
        self._batch_size = batch_size
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_queue)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def offer(self, item: T) -> bool:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            return False
        return True

    def _run(self) -> None:
        stop = False
        while not stop:
            pending = [self._queue.get()]
            while len(pending) < self._batch_size:
                try:
                    pending.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            batch: list[T] = [
                item  # type: ignore[misc]
                for item in pending
                if item is not _STOP and not isinstance(item, _Flush)
            ]
            if batch:
                try:
                    self._handle(batch)
                except Exception:  # one bad batch must not stop the worker for good
                    log.exception("%s failed on a batch of %d", self.name, len(batch))
            for item in pending:
                if isinstance(item, _Flush):
                    item.done.set()
                elif item is _STOP:
                    stop = True

    def flush(self, timeout: float = 10.0) -> None:
        if not self._started:
            return
        marker = _Flush()
        self._queue.put(marker)
        marker.done.wait(timeout)

    def close(self) -> None:
        if self._started:
            self._queue.put(_STOP)
            self._thread.join(timeout=10)
            self._started = False
