"""The transactional outbox: an event is written with the change that caused it, and one a
crash left unpublished is republished once, even with two app nodes relaying."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from castcart.core.clock import utcnow
from castcart.events import DomainEvent, ProductPinned
from castcart.events.outbox import OutboxEvent, OutboxRelay, stage
from castcart.web.app import create_app
from castcart.web.context import AppContext
from tests.conftest import make_settings
from tests.helpers import Api

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _ctx(app: FastAPI) -> AppContext:
    ctx: AppContext = app.state.ctx
    return ctx


def _rows(ctx: AppContext) -> list[OutboxEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)))


def _pin_through_api(api: Api) -> tuple[dict, dict]:
    store = api.store()
    product = api.product(store)
    show = api.show(store, [product])
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=store["headers"],
        json={"product_id": product["id"]},
    )
    return store, show


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_an_event_is_written_with_its_change_and_marked_once_published(
    app: FastAPI, api: Api
) -> None:
    ctx = _ctx(app)
    seen: list[DomainEvent] = []
    ctx.bus.subscribe("product.pinned", seen.append)
    _, show = _pin_through_api(api)

    pinned = [row for row in _rows(ctx) if row.type == "product.pinned"]
    assert len(pinned) == 1
    assert pinned[0].envelope["show_id"] == show["id"]
    assert [event.id for event in seen] == [pinned[0].id]
    assert pinned[0].published_at is None  # marked in a batch, not on the checkout's path
    assert ctx.outbox.flush() >= 1
    assert all(row.published_at is not None for row in _rows(ctx))
    # a published row is never republished, however old it gets
    assert ctx.outbox.recover(now=utcnow() + timedelta(hours=1)) == 0
    assert len(seen) == 1


def test_a_rolled_back_change_leaves_no_event(app: FastAPI, api: Api) -> None:
    ctx = _ctx(app)
    store = api.store()
    seen: list[DomainEvent] = []
    ctx.bus.subscribe("product.pinned", seen.append)
    event = ProductPinned(store_id=store["store"]["id"], show_id="s", product_id=None)

    def failing_write() -> None:
        with ctx.unit_of_work() as (_, outbox):
            outbox.append(event)
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert _rows(ctx) == []
    assert seen == []


def _crash_leftover(ctx: AppContext, store_id: str, age: timedelta) -> ProductPinned:
    """What a process that died between commit and publish leaves behind."""
    event = ProductPinned(store_id=store_id, show_id="show-1", product_id="p-1")
    with ctx.db.write() as session:
        stage(session, [event])
        session.flush()
        session.get_one(OutboxEvent, event.id).created_at = utcnow() - age
    return event


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_two_relays_republish_a_crash_leftover_exactly_once(app: FastAPI, api: Api) -> None:
    ctx = _ctx(app)
    store = api.store()
    leftover = _crash_leftover(ctx, store["store"]["id"], timedelta(minutes=5))
    fresh = _crash_leftover(ctx, store["store"]["id"], timedelta(seconds=0))

    published: list[DomainEvent] = []
    lock = threading.Lock()

    def record(event: DomainEvent) -> None:
        with lock:
            published.append(event)

    # two app nodes' relays on the same database, racing
    relays = [OutboxRelay(ctx.db, record) for _ in range(2)]
    barrier = threading.Barrier(2)

    def run(relay: OutboxRelay) -> None:
        barrier.wait()
        relay.recover()

    threads = [threading.Thread(target=run, args=(relay,)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [event.id for event in published] == [leftover.id]
    assert isinstance(published[0], ProductPinned)
    assert published[0].product_id == "p-1"
    by_id = {row.id: row for row in _rows(ctx)}
    assert by_id[leftover.id].published_at is not None
    assert by_id[fresh.id].published_at is None  # may still be in flight on its own node


def test_a_relay_that_died_holding_a_claim_gives_it_back_when_the_lease_ends(
    app: FastAPI, api: Api
) -> None:
    ctx = _ctx(app)
    store = api.store()
    leftover = _crash_leftover(ctx, store["store"]["id"], timedelta(minutes=5))
    with ctx.db.write() as session:  # a node claimed it, then died before publishing
        session.get_one(OutboxEvent, leftover.id).claimed_at = utcnow()
    published: list[DomainEvent] = []
    relay = OutboxRelay(ctx.db, published.append, lease=timedelta(seconds=60))
    assert relay.recover() == 0
    assert relay.recover(now=utcnow() + timedelta(seconds=61)) == 1
    assert [event.id for event in published] == [leftover.id]


def test_the_running_app_republishes_what_a_crashed_process_left(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        outbox_relay_interval_seconds=0.05,
        outbox_recover_after_seconds=1.0,
        media_ingest="off",
    )
    # the process that crashed: committed, never published
    first = create_app(settings, background_tasks=False)
    with TestClient(first) as client:
        store = Api(client).store()
        leftover = _crash_leftover(_ctx(first), store["store"]["id"], timedelta(0))

    second = create_app(settings, background_tasks=True)
    seen: list[DomainEvent] = []
    _ctx(second).bus.subscribe("product.pinned", seen.append)
    with TestClient(second):
        deadline = time.monotonic() + 15
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # a few more relay passes: still once
    assert [event.id for event in seen] == [leftover.id]
    assert all(row.published_at is not None for row in _rows(_ctx(second)))
