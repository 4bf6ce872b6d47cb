"""Concurrent buyers never oversell: 200 checkouts race for 10 units over real HTTP, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.helpers import Api, address_for

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# Checkout requires where to ship and whom to tell; the shoppers here are in Germany.
CONTACT = {"shipping_address": address_for("DE"), "contact_email": "alex@example.com"}


async def _race(
    base_url: str, slug: str, buyers: list[dict[str, Any]], same_key: str | None = None, **body: Any
) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:

        async def buy(buyer: dict[str, Any]) -> httpx.Response:
            key = same_key or secrets.token_hex(8)
            return await client.post(
                f"/api/v1/shop/{slug}/checkout",
                json={**CONTACT, **body},
                headers={**buyer["headers"], "Idempotency-Key": key},
            )

        return list(await asyncio.gather(*(buy(b) for b in buyers)))


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_200_concurrent_checkouts_on_10_units(api: Api, live_server: LiveServer) -> None:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, stock=10, warehouse=warehouse)
    variant_id = product["variants"][0]["id"]
    buyers = [api.shopper(store) for _ in range(200)]
    for buyer in buyers:
        api.add_to_cart(buyer, variant_id, 1)

    responses = asyncio.run(_race(live_server.url, store["store"]["slug"], buyers))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 190}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    orders = api.ok("GET", "/api/v1/orders?limit=200", headers=store["headers"])
    assert len(orders) == 10
    [stock] = api.variant_stock(store, product["id"])
    assert (stock["quantity"], stock["reserved"], stock["available"]) == (10, 10, 0)


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_flash_sale_cap_holds_under_a_burst(api: Api, live_server: LiveServer) -> None:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, stock=1000, warehouse=warehouse)
    variant_id = product["variants"][0]["id"]
    show = api.show(store, [product], live=True)
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/flash-sales",
        201,
        headers=store["headers"],
        json={
            "variant_id": variant_id,
            "price_amount": 100,
            "quantity_cap": 7,
            "starts_at": "2026-01-01T00:00:00Z",
            "ends_at": "2100-01-01T00:00:00Z",
        },
    )
    buyers = [api.shopper(store) for _ in range(60)]
    for buyer in buyers:
        api.add_to_cart(buyer, variant_id, 1, show_id=show["id"])

    # Buyers who saw the flash price insist on it (the shopper page sends this guard).
    responses = asyncio.run(
        _race(live_server.url, store["store"]["slug"], buyers, expected_total_amount=100)
    )

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 7, 409: 53}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"total_changed"}
    detail = api.ok("GET", f"/api/v1/shows/{show['id']}", headers=store["headers"])
    assert detail["flash_sales"][0]["sold"] == 7


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_concurrent_retries_with_one_key_make_one_order(api: Api, live_server: LiveServer) -> None:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, stock=50, warehouse=warehouse)
    buyer = api.shopper(store)
    api.add_to_cart(buyer, product["variants"][0]["id"], 2)

    responses = asyncio.run(
        _race(live_server.url, store["store"]["slug"], [buyer] * 20, same_key="double-click-key")
    )

    assert {r.status_code for r in responses} <= {200, 201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.status_code == 201 for r in responses) == 1
    [stock] = api.variant_stock(store, product["id"])
    assert stock["reserved"] == 2


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_lane_allocation_never_oversells_across_warehouses(
    api: Api, live_server: LiveServer
) -> None:
    """With lanes configured checkout allocates per warehouse (nearest first, then the other);
    100 buyers race for 4 + 4 units in two warehouses and exactly 8 win."""
    store = api.store()
    near = api.warehouse(store, code="BER", country="DE")
    far = api.warehouse(store, code="WAW", country="PL")
    for warehouse, days in ((near, 1), (far, 3)):
        api.ok(
            "POST",
            "/api/v1/shipping-lanes",
            201,
            headers=store["headers"],
            json={
                "warehouse_id": warehouse["id"],
                "carrier": "post",
                "destinations": ["DE"],
                "transit_days_min": days,
                "transit_days_max": days,
                "currency": "EUR",
                "flat_amount": 0,
            },
        )
    product = api.product(store, stock=4, warehouse=near)
    variant_id = product["variants"][0]["id"]
    api.stock(store, variant_id, far["id"], 4)
    buyers = [api.shopper(store) for _ in range(100)]
    for buyer in buyers:
        api.add_to_cart(buyer, variant_id, 1)

    responses = asyncio.run(_race(live_server.url, store["store"]["slug"], buyers, country="DE"))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 8, 409: 92}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    parcels = Counter(
        r.json()["shipments"][0]["warehouse_code"] for r in responses if r.status_code == 201
    )
    assert parcels == {"BER": 4, "WAW": 4}
    levels = {s["warehouse_code"]: s for s in api.variant_stock(store, product["id"])}
    assert {code: (s["reserved"], s["available"]) for code, s in levels.items()} == {
        "BER": (4, 0),
        "WAW": (4, 0),
    }
