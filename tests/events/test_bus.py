from __future__ import annotations

import pytest

from castcart.events import DomainEvent, InProcessEventBus, ProductPinned, ShowStarted, StockLow
from castcart.events.types import event_from_envelope


def test_subscribers_get_their_types_and_wildcard() -> None:
    bus = InProcessEventBus()
    shows: list[DomainEvent] = []
    everything: list[DomainEvent] = []
    bus.subscribe("show.started", shows.append)
    bus.subscribe("*", everything.append)
    bus.publish(ShowStarted(store_id="s", show_id="x"))
    bus.publish(StockLow(store_id="s", variant_id="v", sku="A", available=1))
    assert [e.type for e in shows] == ["show.started"]
    assert [e.type for e in everything] == ["show.started", "stock.low"]


def test_failing_subscriber_does_not_stop_others(caplog: pytest.LogCaptureFixture) -> None:
    bus = InProcessEventBus()
    got: list[DomainEvent] = []

    def broken(_: DomainEvent) -> None:
        raise ValueError("analytics bug")

    bus.subscribe("show.started", broken)
    bus.subscribe("show.started", got.append)
    bus.publish(ShowStarted(store_id="s", show_id="x"))
    assert len(got) == 1
    assert "event handler failed" in caplog.text


def test_unsubscribe_and_envelope() -> None:
    bus = InProcessEventBus()
    got: list[DomainEvent] = []
    unsubscribe = bus.subscribe("show.started", got.append)
    unsubscribe()
    bus.publish(ShowStarted(store_id="s", show_id="x"))
    assert got == []
    envelope = ShowStarted(store_id="s", show_id="x").envelope()
    assert envelope["type"] == "show.started"
    assert envelope["show_id"] == "x"
    assert isinstance(envelope["occurred_at"], str)


def test_unknown_event_types_are_ignored() -> None:
    assert event_from_envelope({"type": "from.the.future", "store_id": "s"}) is None
    rebuilt = event_from_envelope(
        ProductPinned(store_id="s", show_id="x", product_id=None).envelope()
    )
    assert isinstance(rebuilt, ProductPinned)
