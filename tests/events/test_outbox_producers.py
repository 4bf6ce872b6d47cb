"""Events that used to be published outside the transaction that caused them are now written
with it: a process that dies after the commit and before publishing loses none of them, and
a restarted relay delivers each once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from castcart.commerce.reservations import expire_unpaid_orders
from castcart.core.clock import utcnow
from castcart.events import DomainEvent
from castcart.events.outbox import OutboxEvent, OutboxRelay
from castcart.web.context import AppContext
from tests.captions.test_api import post, segment
from tests.helpers import Api

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class Crash(Exception):
    """The process dying between commit and publish."""


def _crash_on_publish(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    def die(*_: Any) -> None:
        raise Crash

    monkeypatch.setattr(ctx.bus, "publish", die)
    monkeypatch.setattr(ctx.bus, "publish_all", die)


def _restart_relay(ctx: AppContext) -> list[DomainEvent]:
    """A fresh process's relay on the same database, run twice: what it delivers."""
    delivered: list[DomainEvent] = []
    relay = OutboxRelay(ctx.db, delivered.append, recover_after=timedelta(0))
    later = utcnow() + timedelta(seconds=1)
    relay.recover(now=later)
    assert relay.recover(now=later + timedelta(seconds=1)) == 0  # once, not again
    return delivered


def _pending(ctx: AppContext, event_type: str) -> list[OutboxEvent]:
    with ctx.db.read() as session:
        return list(
            session.scalars(
                select(OutboxEvent).where(
                    OutboxEvent.type == event_type, OutboxEvent.published_at.is_(None)
                )
            )
        )


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_an_expired_reservations_cancellation_survives_a_crash_before_publishing(
    api: Api, app: FastAPI
) -> None:
    ctx: AppContext = app.state.ctx
    store = api.store()
    product = api.product(store, stock=3, warehouse=api.warehouse(store))
    shopper = api.shopper(store)
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    order = api.checkout(shopper)
    later = utcnow() + timedelta(seconds=ctx.settings.reservation_ttl_seconds + 1)

    ctx.outbox.flush()  # the process's relay marked what it had published so far
    # the sweeper commits the cancellation, then dies before it publishes
    expired = expire_unpaid_orders(ctx.db, later)
    assert [e.type for e in expired] == ["order.cancelled"]
    assert [row.id for row in _pending(ctx, "order.cancelled")] == [expired[0].id]

    delivered = _restart_relay(ctx)
    assert [(e.type, e.id) for e in delivered] == [("order.cancelled", expired[0].id)]
    assert getattr(delivered[0], "order_id", None) == order["id"]
    assert getattr(delivered[0], "reason", None) == "reservation_expired"
    assert _pending(ctx, "order.cancelled") == []


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_a_poll_close_survives_a_crash_before_publishing(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx: AppContext = app.state.ctx
    store = api.store()
    show = api.show(store, live=True)
    staff_url = f"/api/v1/shows/{show['id']}"
    poll = api.ok(
        "POST",
        f"{staff_url}/polls",
        201,
        headers=store["headers"],
        json={"question": "Red or blue?", "options": ["Red", "Blue"]},
    )
    ctx.outbox.flush()  # the process's relay marked what it had published so far
    _crash_on_publish(ctx, monkeypatch)
    closing = api.client.post(f"{staff_url}/polls/{poll['id']}/close", headers=store["headers"])
    assert closing.status_code == 500  # the app's error handler answered for the dead process
    monkeypatch.undo()
    # the close committed
    assert api.ok("GET", f"{staff_url}/polls", headers=store["headers"])[0]["status"] == "closed"

    delivered = _restart_relay(ctx)
    assert [e.type for e in delivered] == ["poll.closed"]
    assert getattr(delivered[0], "poll_id", None) == poll["id"]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_an_accepted_caption_segment_survives_a_crash_before_publishing(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx: AppContext = app.state.ctx
    store = api.store()
    show = api.show(store)
    ctx.outbox.flush()  # the process's relay marked what it had published so far
    _crash_on_publish(ctx, monkeypatch)
    posting = post(api, ctx.settings, show["id"], {"segments": [segment(segment_id="s-9")]})
    assert posting.status_code == 500  # the app's error handler answered for the dead process
    monkeypatch.undo()

    delivered = _restart_relay(ctx)
    assert [(e.type, getattr(e, "segment_id", None)) for e in delivered] == [
        ("caption.segment", "s-9")
    ]
    assert getattr(delivered[0], "show_id", None) == show["id"]


def test_a_caption_post_for_an_unknown_show_writes_nothing(api: Api, app: FastAPI) -> None:
    ctx: AppContext = app.state.ctx
    response = post(api, ctx.settings, "no-such-show", {"segments": [segment()]})
    assert response.status_code == 404
    assert _pending(ctx, "caption.segment") == []
