"""The results coalescer: a burst of changes becomes at most one flush per key per interval."""

from __future__ import annotations

import threading
import time

import pytest

from castcart.engagement.coalesce import Coalescer, CoalescingRunner


def test_first_touch_is_due_at_once_then_one_per_interval() -> None:
    c = Coalescer(0.5)
    assert c.touch("p", 10.0) == 10.0
    assert c.touch("p", 10.1) is None  # already pending: the pending flush reads it
    assert c.pop_due(10.0) == ["p"]
    assert c.pop_due(10.0) == []
    assert c.touch("p", 10.1) == 10.5  # flushed at 10.0: next not before 10.5
    assert c.touch("p", 10.2) is None
    assert c.pop_due(10.4) == []
    assert c.pop_due(10.5) == ["p"]
    assert c.touch("p", 12.0) == 12.0  # quiet for longer than the interval: at once again


def test_keys_are_independent_and_cancel_drops_a_pending_flush() -> None:
    c = Coalescer(0.5)
    c.touch("a", 0.0)
    c.pop_due(0.0)
    assert c.touch("a", 0.1) == 0.5
    assert c.touch("b", 0.1) == 0.1
    assert c.next_due() == 0.1
    assert c.pop_due(0.1) == ["b"]
    c.cancel("a")
    assert c.pending == 0
    assert c.next_due() is None
    assert c.pop_due(5.0) == []
    with pytest.raises(ValueError, match="negative"):
        Coalescer(-1)


def test_a_storm_of_touches_flushes_at_most_once_per_interval_simulated() -> None:
    """10 000 touches spread over 10 simulated seconds: ≤ 21 flushes, spaced ≥ interval."""
    c = Coalescer(0.5)
    flushed: list[float] = []
    for n in range(10_000):
        now = n / 1000
        c.touch("poll", now)
        flushed += [now for _ in c.pop_due(now)]
    flushed += [10.0 for _ in c.pop_due(10.0)]
    assert len(flushed) <= 21
    assert all(b - a >= 0.5 for a, b in zip(flushed, flushed[1:], strict=False))


def test_runner_coalesces_touches_from_many_threads() -> None:
    """Touches from 20 threads: every flush of a key starts ≥ interval after its previous
    one, and a touch after the last flush is always followed by another flush."""
    interval = 0.2
    flushes: list[tuple[str, float]] = []
    state = {"touched": 0, "seen_at_flush": 0}
    lock = threading.Lock()

    def flush(key: str) -> None:
        with lock:
            flushes.append((key, time.monotonic()))
            state["seen_at_flush"] = state["touched"]

    runner = CoalescingRunner(interval, flush, idle_exit=0.5)
    start = threading.Barrier(20)

    def storm() -> None:
        start.wait()
        for _ in range(200):
            with lock:
                state["touched"] += 1
            runner.touch("poll")
            time.sleep(0.001)

    threads = [threading.Thread(target=storm) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deadline = time.monotonic() + 10  # safety net, not a timing assertion
    while state["seen_at_flush"] != 4000 and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.close()
    assert state["seen_at_flush"] == 4000  # the last change was flushed
    times = [at for key, at in flushes if key == "poll"]
    assert 1 <= len(times) < 4000
    # spacing measured in flush(), a moment after the runner decided: allow scheduling jitter
    assert all(b - a >= interval * 0.5 for a, b in zip(times, times[1:], strict=False))


def test_runner_survives_a_failing_flush_and_stops_when_idle() -> None:
    calls: list[str] = []
    done = threading.Event()

    def flush(key: str) -> None:
        calls.append(key)
        if key == "bad":
            raise RuntimeError("boom")
        done.set()

    runner = CoalescingRunner(0.01, flush, idle_exit=0.05)
    runner.touch("bad")
    runner.touch("good")
    assert done.wait(10)
    deadline = time.monotonic() + 10
    while runner._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert runner._thread is None  # idle: the thread left
    assert sorted(calls) == ["bad", "good"]
    runner.close()
    runner.touch("late")  # closed: ignored
    assert runner._thread is None
