"""The background batch worker behind the audit recorder and the live guard."""

from __future__ import annotations

import threading

from castcart.core.worker import BatchWorker


def test_items_are_handled_in_order_in_batches_and_a_bad_batch_does_not_stop_it() -> None:
    seen: list[int] = []
    gate = threading.Event()

    def handle(batch: list[int]) -> None:
        gate.wait(5)
        if 13 in batch:
            raise RuntimeError("bad batch")
        seen.extend(batch)

    worker: BatchWorker[int] = BatchWorker("test-worker", handle, batch_size=4, max_queue=100)
    worker.start()
    for n in range(20):
        assert worker.offer(n)
    gate.set()
    worker.flush()
    assert 13 not in seen  # its batch failed ...
    assert len(seen) >= 16  # ... only that batch (at most 4 items) was lost
    assert seen == sorted(seen)
    assert worker.offer(99)
    worker.close()
    assert seen[-1] == 99  # close handles what is queued before stopping


def test_a_full_queue_refuses_instead_of_blocking() -> None:
    gate = threading.Event()
    worker: BatchWorker[int] = BatchWorker("test-full", lambda _: gate.wait(5), max_queue=2)
    worker.start()
    accepted = [worker.offer(n) for n in range(10)]
    assert accepted.count(False) >= 7  # at most one in hand and two queued
    gate.set()
    worker.close()
