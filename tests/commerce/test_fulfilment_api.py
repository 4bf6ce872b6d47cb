"""Fulfilment through the staff API: pick list per warehouse, shipping with tracking, the
order fulfilled and ``order.fulfilled`` published; the printable packing slip."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from castcart.events import DomainEvent
from tests.helpers import Api

pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def events(app: FastAPI) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    app.state.ctx.bus.subscribe("*", seen.append)
    return seen


@pytest.fixture
def paid(api: Api) -> dict[str, Any]:
    store = api.store()
    berlin = api.warehouse(store, "BER", priority=1)
    paris = api.warehouse(store, "PAR", country="FR", priority=2)
    tote = api.product(store, price=1900, stock=1, warehouse=berlin, skus=2)
    for variant in tote["variants"]:
        api.stock(store, variant["id"], paris["id"], 5)
    shopper = api.shopper(store)
    api.add_to_cart(shopper, tote["variants"][0]["id"], 3)
    api.add_to_cart(shopper, tote["variants"][1]["id"], 1)
    order = api.checkout(shopper)
    return {"store": store, "h": store["headers"], "shopper": shopper, "order": order}


def test_pick_list_groups_units_by_warehouse(api: Api, paid: dict[str, Any]) -> None:
    groups = api.ok("GET", f"/api/v1/orders/{paid['order']['id']}/pick-list", headers=paid["h"])
    by_code = {g["warehouse_code"]: g for g in groups}
    assert [g["warehouse_code"] for g in groups] == ["BER", "PAR"]  # warehouse priority
    picked = {(c, line["sku"], line["quantity"]) for c, g in by_code.items() for line in g["lines"]}
    first, second = sorted({sku for _, sku, _ in picked})
    # Berlin holds 1 of each: the line of 3 comes whole from Paris, the single one from Berlin
    assert picked == {("PAR", first, 3), ("BER", second, 1)}
    line = by_code["BER"]["lines"][0]
    assert line["title"].startswith("Product ")
    assert line["options"] == {"size": "1"}


def test_ship_paid_order_records_tracking_and_publishes_fulfilled(
    api: Api, paid: dict[str, Any], events: list[DomainEvent]
) -> None:
    order_id = paid["order"]["id"]
    body = {
        "carrier": "DHL",
        "tracking_number": "00340434161234567890",
        "tracking_url": "https://www.dhl.de/track?id=00340434161234567890",
    }
    # not paid yet: nothing leaves the warehouse
    response = api.client.post(f"/api/v1/orders/{order_id}/shipments", headers=paid["h"], json=body)
    assert response.status_code == 409
    assert response.json()["code"] == "order_not_shippable"

    api.pay(paid["shopper"], order_id)
    out = api.ok("POST", f"/api/v1/orders/{order_id}/shipments", headers=paid["h"], json=body)
    assert out["status"] == "fulfilled"
    assert out["shipments"]
    for parcel in out["shipments"]:
        assert parcel["carrier"] == "DHL"
        assert parcel["tracking_number"] == "00340434161234567890"
        assert parcel["tracking_url"].startswith("https://www.dhl.de/track")
        assert parcel["shipped_at"] is not None
    assert out["events"][-1]["to_status"] == "fulfilled"
    assert "00340434161234567890" in out["events"][-1]["reason"]
    fulfilled = [e for e in events if e.type == "order.fulfilled"]
    assert [e.envelope()["order_id"] for e in fulfilled] == [order_id]
    # shipped once: a second shipment is refused, the record stays
    again = api.client.post(f"/api/v1/orders/{order_id}/shipments", headers=paid["h"], json=body)
    assert again.status_code == 409


def test_shipment_input_errors_and_other_stores(api: Api, paid: dict[str, Any]) -> None:
    order_id = paid["order"]["id"]
    api.pay(paid["shopper"], order_id)
    url = f"/api/v1/orders/{order_id}/shipments"
    for bad in (
        {"carrier": "DHL", "tracking_number": ""},
        {"carrier": "DHL", "tracking_number": "1", "tracking_url": "javascript:alert(1)"},
        {"carrier": "<b>", "tracking_number": "1"},
    ):
        assert api.client.post(url, headers=paid["h"], json=bad).status_code == 422
    other = api.store()
    ok = {"carrier": "DHL", "tracking_number": "1"}
    assert api.client.post(url, headers=other["headers"], json=ok).status_code == 404
    assert (
        api.client.get(f"/api/v1/orders/{order_id}/pick-list", headers=other["headers"]).status_code
        == 404
    )
    still = api.ok("GET", f"/api/v1/orders/{order_id}", headers=paid["h"])
    assert still["status"] == "paid"


def test_packing_slip_is_a_localized_print_page(
    app: FastAPI, client: TestClient, api: Api, paid: dict[str, Any]
) -> None:
    from castcart.commerce.models import Order
    from tests.helpers import PASSWORD

    order_id = paid["order"]["id"]
    with app.state.ctx.db.write() as session:  # what checkout records (migration 0010)
        order = session.get(Order, order_id)
        order.shipping_address = {
            "name": "Anna Schmidt",
            "street_address": "Torstraße 1",
            "city": "Berlin",
            "postal_code": "10119",
            "country_code": "DE",
        }
        order.contact_email = "anna@example.com"
    url = f"/admin/orders/{order_id}/packing-slip?lang=de"
    assert client.get(url, follow_redirects=False).status_code == 303  # staff only
    slug = paid["store"]["store"]["slug"]
    login = {"store": slug, "email": f"owner@{slug}.example.com", "password": PASSWORD}
    assert client.post("/api/v1/auth/session", json=login).status_code == 204
    page = client.get(url)
    assert page.status_code == 200
    html = page.text
    assert '<html lang="de"' in html
    assert "Lieferschein" in html
    assert paid["order"]["number"] in html
    address = html.split('id="cc-slip-address">')[1].split("</address>")[0].split("<br>")
    assert address[:2] == ["Anna Schmidt", "Torstraße 1"]
    assert address[-1] == "Deutschland"  # the country named in the page language
    assert "anna@example.com" in html
    for line in paid["order"]["lines"]:
        assert line["sku"] in html
    assert "4 Stück insgesamt" in html
    assert "default-src 'self'" in page.headers["content-security-policy"]
    other = client.get("/admin/orders/nope/packing-slip")
    assert other.status_code == 404
