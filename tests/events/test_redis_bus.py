"""Two app processes share events through Redis (two buses = two nodes)."""

from __future__ import annotations

import queue
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from castcart.events import DomainEvent, ProductPinned, StockLow
from castcart.events.redis_bus import RedisEventBus

pytestmark = pytest.mark.redis


@pytest.fixture
def nodes(redis_url: str) -> Iterator[tuple[RedisEventBus, RedisEventBus]]:
    channel = f"castcart:test:{secrets.token_hex(4)}"
    first = RedisEventBus(redis_url, channel=channel)
    second = RedisEventBus(redis_url, channel=channel)
    yield first, second
    first.close()
    second.close()


def test_event_published_on_one_node_reaches_the_other(
    nodes: tuple[RedisEventBus, RedisEventBus],
) -> None:
    first, second = nodes
    local: list[DomainEvent] = []
    remote: queue.Queue[DomainEvent] = queue.Queue()
    first.subscribe("product.pinned", local.append)
    second.subscribe("product.pinned", remote.put)
    event = ProductPinned(store_id="s1", show_id="show1", product_id="p1")
    first.publish(event)
    received = remote.get(timeout=10)
    assert received == event  # same id, type and payload, rebuilt as the typed class
    assert local == [event]  # delivered once locally, not echoed back from Redis


def test_wildcard_and_other_types_cross_too(nodes: tuple[RedisEventBus, RedisEventBus]) -> None:
    first, second = nodes
    remote: queue.Queue[DomainEvent] = queue.Queue()
    second.subscribe("*", remote.put)
    first.publish(StockLow(store_id="s1", variant_id="v", sku="A", available=2))
    assert remote.get(timeout=10).type == "stock.low"


def test_two_app_instances_share_a_pin_through_redis(redis_url: str, tmp_path: Path) -> None:
    """Node A handles the host's pin over HTTP; node B's subscribers (its real-time gateway)
    hear about it."""
    from fastapi.testclient import TestClient

    from castcart.core.settings import Settings
    from castcart.web.app import create_app
    from castcart.web.context import AppContext
    from tests.helpers import Api

    settings = Settings(environment="test", data_dir=tmp_path, redis_url=redis_url)
    node_a = create_app(settings, background_tasks=False)
    node_b = create_app(settings, migrate=False, background_tasks=False)
    ctx_b: AppContext = node_b.state.ctx
    heard: queue.Queue[DomainEvent] = queue.Queue()
    ctx_b.bus.subscribe("product.pinned", heard.put)
    try:
        with TestClient(node_a) as client:
            api = Api(client)
            store = api.store()
            product = api.product(store)
            show = api.show(store, [product], live=True)
            api.ok(
                "POST",
                f"/api/v1/shows/{show['id']}/pin",
                headers=store["headers"],
                json={"product_id": product["id"]},
            )
        event = heard.get(timeout=10)
        assert event.envelope()["product_id"] == product["id"]
    finally:
        for app in (node_a, node_b):
            bus = app.state.ctx.bus
            assert isinstance(bus, RedisEventBus)
            bus.close()
