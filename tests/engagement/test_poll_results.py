"""``poll.results`` on the bus: a burst of votes inside one interval makes one frame, and a
close cancels the pending one (``poll.closed`` carries the final counts)."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import FastAPI

from castcart.engagement.live import PollResultsPublisher
from castcart.events import DomainEvent
from tests.helpers import Api


def test_a_burst_makes_one_results_event_and_close_supersedes_the_rest(
    app: FastAPI, api: Api
) -> None:
    ctx = app.state.ctx
    # an interval longer than the test: after the first flush nothing more is due
    ctx.services.provide(PollResultsPublisher, PollResultsPublisher(ctx.db, ctx.bus, interval=3600))
    seen: list[DomainEvent] = []
    first = threading.Event()

    def record(event: DomainEvent) -> None:
        seen.append(event)
        if event.type == "poll.results":
            first.set()

    for kind in ("poll.opened", "poll.results", "poll.closed"):
        ctx.bus.subscribe(kind, record)
    store = api.store()
    show = api.show(store, live=True)
    slug = store["store"]["slug"]
    poll = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/polls",
        201,
        headers=store["headers"],
        json={"question": "Q?", "options": ["A", "B"]},
    )
    url = f"/api/v1/shop/{slug}/shows/{show['id']}/polls/{poll['id']}/votes"
    for n in range(30):
        api.ok(
            "POST", url, 201, headers=api.shopper(store)["headers"], json={"option_index": n % 2}
        )
    assert first.wait(10)  # safety net only
    api.ok("POST", f"/api/v1/shows/{show['id']}/polls/{poll['id']}/close", headers=store["headers"])
    time.sleep(0.2)  # let a wrongly scheduled flush show itself (it must not)
    kinds = [e.type for e in seen]
    assert kinds == ["poll.opened", "poll.results", "poll.closed"], kinds
    results: Any = seen[1]
    closed: Any = seen[2]
    assert 1 <= results.total <= 30
    assert sum(results.counts) == results.total
    assert (closed.counts, closed.total) == ([15, 15], 30)
    assert {e.show_id for e in seen} == {show["id"]}  # type: ignore[attr-defined]
