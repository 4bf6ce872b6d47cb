"""50 threads vote at once over real HTTP: each vote is counted exactly once, double votes
lose to the unique constraint, and the results add up (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.helpers import Api

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _at_once(base_url: str, calls: list[tuple[str, dict[str, str], Any]]) -> list[httpx.Response]:
    """One thread per call, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def one(call: tuple[str, dict[str, str], Any]) -> httpx.Response:
        url, headers, body = call
        with httpx.Client(base_url=base_url, timeout=120) as client:
            barrier.wait()
            return client.post(url, headers=headers, json=body)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_50_threads_voting_at_once(api: Api, live_server: LiveServer) -> None:
    store = api.store()
    show = api.show(store, live=True)
    slug = store["store"]["slug"]
    poll = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/polls",
        201,
        headers=store["headers"],
        json={"question": "Pick one", "options": ["A", "B", "C", "D"]},
    )
    url = f"/api/v1/shop/{slug}/shows/{show['id']}/polls/{poll['id']}/votes"
    voters = [api.shopper(store) for _ in range(50)]
    calls = [(url, v["headers"], {"option_index": n % 4}) for n, v in enumerate(voters)]

    responses = _at_once(live_server.url, calls)

    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]
    expected = Counter(n % 4 for n in range(50))
    result = api.ok("GET", f"/api/v1/shop/{slug}/shows/{show['id']}/polls/{poll['id']}")
    assert result["counts"] == [expected[i] for i in range(4)]
    assert result["total"] == 50

    # the same shopper hammering from 20 threads: one vote counts, the rest are 409s
    twice = api.shopper(store)
    responses = _at_once(live_server.url, [(url, twice["headers"], {"option_index": 0})] * 20)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 19}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_voted"}
    closed = api.ok(
        "POST", f"/api/v1/shows/{show['id']}/polls/{poll['id']}/close", headers=store["headers"]
    )
    assert closed["total"] == 51
    assert closed["counts"][0] == expected[0] + 1


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_entries_racing_the_draw_are_in_or_refused(api: Api, live_server: LiveServer) -> None:
    """Entries racing the draw either make it into the drawn ticket list or get a 409:
    never a 201 for an entry the draw did not see."""
    store = api.store()
    show = api.show(store, live=True)
    slug = store["store"]["slug"]
    giveaway = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/giveaways",
        201,
        headers=store["headers"],
        json={"title": "Race", "winners_count": 3},
    )
    entrants = [api.shopper(store) for _ in range(30)]
    url = f"/api/v1/shop/{slug}/shows/{show['id']}/giveaways/{giveaway['id']}/entries"
    calls = [(url, e["headers"], None) for e in entrants]
    calls.insert(
        15, (f"/api/v1/shows/{show['id']}/giveaways/{giveaway['id']}/draw", store["headers"], None)
    )
    responses = _at_once(live_server.url, calls)
    draw = responses.pop(15)
    assert draw.status_code == 200
    accepted = {r.json()["ticket"] for r in responses if r.status_code == 201}
    refused = [r for r in responses if r.status_code != 201]
    assert {(r.status_code, r.json()["code"]) for r in refused} <= {(409, "giveaway_drawn")}
    verify = api.ok(
        "GET", f"/api/v1/shop/{slug}/shows/{show['id']}/giveaways/{giveaway['id']}/verify"
    )
    assert set(verify["tickets"]) == accepted
    assert verify["verified"] is True
    assert draw.json()["entrant_count"] == len(accepted)
