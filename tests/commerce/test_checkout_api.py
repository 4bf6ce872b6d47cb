"""Checkout through HTTP: pricing, idempotency, stock reservation, rollback on failure."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from castcart.commerce import checkout as checkout_module
from tests.helpers import Api, address_for

# Every test here runs on SQLite, and on PostgreSQL when a server is configured.
pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, price=2500, stock=5, warehouse=warehouse)
    show = api.show(store, [product], live=True)
    return {
        "store": store,
        "warehouse": warehouse,
        "product": product,
        "show": show,
        "variant_id": product["variants"][0]["id"],
    }


def test_checkout_creates_pending_order_and_reserves_stock(api: Api, shop: dict[str, Any]) -> None:
    shopper = api.shopper(shop["store"])
    api.add_to_cart(shopper, shop["variant_id"], 2)
    order = api.checkout(shopper)
    assert order["status"] == "pending_payment"
    assert order["total_amount"] == 5000
    assert order["currency"] == "EUR"
    assert [e["to_status"] for e in order["events"]] == ["pending_payment"]
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert (stock["quantity"], stock["reserved"], stock["available"]) == (5, 2, 3)
    cart = api.ok("GET", f"/api/v1/shop/{shopper['slug']}/cart", headers=shopper["headers"])
    assert cart["lines"] == []


def test_same_idempotency_key_returns_the_same_order(
    api: Api, shop: dict[str, Any], client: TestClient
) -> None:
    shopper = api.shopper(shop["store"])
    api.add_to_cart(shopper, shop["variant_id"], 1)
    body = {"shipping_address": address_for("DE"), "contact_email": "alex@example.com"}
    first = api.checkout(shopper, key="order-attempt-1", **body)
    api.add_to_cart(shopper, shop["variant_id"], 1)  # a new cart must not change the replay
    response = client.post(
        f"/api/v1/shop/{shopper['slug']}/checkout",
        json=body,
        headers={**shopper["headers"], "Idempotency-Key": "order-attempt-1"},
    )
    assert response.status_code == 200
    assert response.headers["Idempotent-Replayed"] == "true"
    assert response.json()["id"] == first["id"]
    orders = api.ok("GET", "/api/v1/orders", headers=shop["store"]["headers"])
    assert len(orders) == 1
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert stock["reserved"] == 1


def test_idempotency_key_reused_with_other_body_is_rejected(api: Api, shop: dict[str, Any]) -> None:
    shopper = api.shopper(shop["store"])
    api.add_to_cart(shopper, shop["variant_id"], 1)
    api.checkout(shopper, key="order-attempt-2")
    error = api.checkout(shopper, key="order-attempt-2", expected=422, expected_total_amount=123)
    assert error["code"] == "idempotency_key_reused"


def test_idempotency_key_is_required_and_validated(
    api: Api, shop: dict[str, Any], client: TestClient
) -> None:
    shopper = api.shopper(shop["store"])
    url = f"/api/v1/shop/{shopper['slug']}/checkout"
    missing = client.post(url, json={}, headers=shopper["headers"])
    assert missing.status_code == 422
    assert missing.json()["code"] == "validation_error"
    short = client.post(url, json={}, headers={**shopper["headers"], "Idempotency-Key": "x"})
    assert short.status_code == 422


def test_empty_cart_and_out_of_stock_are_clear_errors(api: Api, shop: dict[str, Any]) -> None:
    shopper = api.shopper(shop["store"])
    assert api.checkout(shopper, expected=422)["code"] == "cart_empty"
    api.add_to_cart(shopper, shop["variant_id"], 6)
    error = api.checkout(shopper, expected=409)
    assert error["code"] == "out_of_stock"
    assert error["details"]["requested"] == 6
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert stock["reserved"] == 0


def test_failure_mid_checkout_leaves_no_order_and_stock_unchanged(
    api: Api, shop: dict[str, Any], client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shopper = api.shopper(shop["store"])
    coupon = api.ok(
        "POST",
        "/api/v1/coupons",
        201,
        headers=shop["store"]["headers"],
        json={"code": "TENOFF", "kind": "percent", "percent_off": 10, "max_uses_total": 5},
    )
    api.ok(
        "PATCH",
        f"/api/v1/shop/{shopper['slug']}/cart",
        headers=shopper["headers"],
        json={"coupon_code": coupon["code"]},
    )
    api.add_to_cart(shopper, shop["variant_id"], 2)

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("power cut after stock was reserved")

    # The last step before commit: stock, coupon use, order rows and cart are all written.
    monkeypatch.setattr(checkout_module, "emit_low_stock", crash)
    response = client.post(
        f"/api/v1/shop/{shopper['slug']}/checkout",
        json={"shipping_address": address_for("DE"), "contact_email": "alex@example.com"},
        headers={**shopper["headers"], "Idempotency-Key": "crash-1234"},
    )
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"

    assert api.ok("GET", "/api/v1/orders", headers=shop["store"]["headers"]) == []
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert (stock["quantity"], stock["reserved"]) == (5, 0)
    [coupon_after] = api.ok("GET", "/api/v1/coupons", headers=shop["store"]["headers"])
    assert coupon_after["used_count"] == 0
    cart = api.ok("GET", f"/api/v1/shop/{shopper['slug']}/cart", headers=shopper["headers"])
    assert len(cart["lines"]) == 1  # the shopper's cart survives to retry

    monkeypatch.undo()
    order = api.checkout(shopper, key="crash-1234")  # the retry with the same key succeeds
    assert order["discount_amount"] == 500


def test_expected_total_guard(api: Api, shop: dict[str, Any]) -> None:
    shopper = api.shopper(shop["store"])
    api.add_to_cart(shopper, shop["variant_id"], 1)
    error = api.checkout(shopper, expected=409, expected_total_amount=100)
    assert error["code"] == "total_changed"
    assert error["details"] == {"expected": 100, "actual": 2500}
    assert api.checkout(shopper, expected_total_amount=2500)["total_amount"] == 2500


def test_split_allocation_across_warehouses(api: Api) -> None:
    store = api.store()
    near = api.warehouse(store, "NEAR", priority=1)
    far = api.warehouse(store, "FAR", priority=2)
    product = api.product(store, stock=0)
    variant_id = product["variants"][0]["id"]
    api.stock(store, variant_id, near["id"], 2)
    api.stock(store, variant_id, far["id"], 3)
    shopper = api.shopper(store)
    api.add_to_cart(shopper, variant_id, 4)
    api.checkout(shopper)
    stock = {s["warehouse_code"]: s["reserved"] for s in api.variant_stock(store, product["id"])}
    assert stock == {"NEAR": 2, "FAR": 2}


def test_whole_line_from_one_warehouse_when_possible(api: Api) -> None:
    store = api.store()
    near = api.warehouse(store, "NEAR", priority=1)
    far = api.warehouse(store, "FAR", priority=2)
    product = api.product(store, stock=0)
    variant_id = product["variants"][0]["id"]
    api.stock(store, variant_id, near["id"], 2)
    api.stock(store, variant_id, far["id"], 10)
    shopper = api.shopper(store)
    api.add_to_cart(shopper, variant_id, 4)
    api.checkout(shopper)
    stock = {s["warehouse_code"]: s["reserved"] for s in api.variant_stock(store, product["id"])}
    assert stock == {"NEAR": 0, "FAR": 4}


def test_draft_products_cannot_be_bought(api: Api, shop: dict[str, Any]) -> None:
    api.ok(
        "PATCH",
        f"/api/v1/products/{shop['product']['id']}",
        headers=shop["store"]["headers"],
        json={"status": "draft"},
    )
    shopper = api.shopper(shop["store"])
    response = api.client.post(
        f"/api/v1/shop/{shopper['slug']}/cart/lines",
        headers=shopper["headers"],
        json={"variant_id": shop["variant_id"], "quantity": 1},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "product_unavailable"


def test_cart_quantities(api: Api, shop: dict[str, Any]) -> None:
    shopper = api.shopper(shop["store"])
    base = f"/api/v1/shop/{shopper['slug']}/cart/lines"
    api.add_to_cart(shopper, shop["variant_id"], 2)
    cart = api.add_to_cart(shopper, shop["variant_id"], 1)
    assert cart["lines"][0]["quantity"] == 3
    cart = api.ok(
        "PUT", f"{base}/{shop['variant_id']}", headers=shopper["headers"], json={"quantity": 1}
    )
    assert cart["subtotal_amount"] == 2500
    cart = api.ok(
        "PUT", f"{base}/{shop['variant_id']}", headers=shopper["headers"], json={"quantity": 0}
    )
    assert cart["lines"] == []
    missing = api.client.put(
        f"{base}/{shop['variant_id']}", headers=shopper["headers"], json={"quantity": 1}
    )
    assert missing.status_code == 404
    too_many = api.client.post(
        base, headers=shopper["headers"], json={"variant_id": shop["variant_id"], "quantity": 101}
    )
    assert too_many.status_code == 422
