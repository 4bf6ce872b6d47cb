"""Coupons (percent/fixed, window, limits) and share-to-unlock offers through HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers import Api

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
    product = api.product(store, price=10000, stock=100, warehouse=warehouse)
    show = api.show(store, [product], live=True)
    return {
        "store": store,
        "h": store["headers"],
        "variant_id": product["variants"][0]["id"],
        "show": show,
    }


def _coupon(api: Api, shop: dict[str, Any], **body: Any) -> dict[str, Any]:
    return api.ok("POST", "/api/v1/coupons", 201, headers=shop["h"], json=body)  # type: ignore[no-any-return]


def _buy_with(
    api: Api, shop: dict[str, Any], shopper: dict[str, Any], code: str, expected: int = 201
) -> Any:
    api.add_to_cart(shopper, shop["variant_id"], 1)
    api.ok(
        "PATCH",
        f"/api/v1/shop/{shopper['slug']}/cart",
        headers=shopper["headers"],
        json={"coupon_code": code},
    )
    return api.checkout(shopper, expected=expected)


def test_percent_and_fixed_coupons(api: Api, shop: dict[str, Any]) -> None:
    _coupon(api, shop, code="live15", kind="percent", percent_off=15)
    _coupon(api, shop, code="FIVE", kind="fixed", amount_off=500)
    order = _buy_with(api, shop, api.shopper(shop["store"]), "LIVE15")
    assert (order["subtotal_amount"], order["discount_amount"], order["total_amount"]) == (
        10000,
        1500,
        8500,
    )
    order = _buy_with(api, shop, api.shopper(shop["store"]), "five")
    assert order["total_amount"] == 9500


def test_coupon_validation_errors(api: Api, shop: dict[str, Any]) -> None:
    bad = api.client.post(
        "/api/v1/coupons",
        headers=shop["h"],
        json={"code": "X1", "kind": "percent", "amount_off": 5},
    )
    assert bad.status_code == 422
    _coupon(api, shop, code="DUP", kind="percent", percent_off=5)
    dup = api.client.post(
        "/api/v1/coupons",
        headers=shop["h"],
        json={"code": "dup", "kind": "percent", "percent_off": 5},
    )
    assert dup.status_code == 409
    assert _buy_with(api, shop, api.shopper(shop["store"]), "NOPE", 422)["code"] == "coupon_invalid"


def test_coupon_window(api: Api, shop: dict[str, Any]) -> None:
    now = datetime.now(UTC)
    _coupon(
        api,
        shop,
        code="SOON",
        kind="percent",
        percent_off=10,
        starts_at=(now + timedelta(hours=1)).isoformat(),
    )
    _coupon(
        api,
        shop,
        code="GONE",
        kind="percent",
        percent_off=10,
        starts_at=(now - timedelta(days=2)).isoformat(),
        ends_at=(now - timedelta(days=1)).isoformat(),
    )
    assert (
        _buy_with(api, shop, api.shopper(shop["store"]), "SOON", 422)["code"]
        == "coupon_not_started"
    )
    assert _buy_with(api, shop, api.shopper(shop["store"]), "GONE", 422)["code"] == "coupon_expired"


def test_coupon_total_and_per_customer_limits(api: Api, shop: dict[str, Any]) -> None:
    _coupon(api, shop, code="ONCE", kind="percent", percent_off=10, max_uses_per_customer=1)
    _coupon(api, shop, code="TWO", kind="fixed", amount_off=100, max_uses_total=2)
    regular = api.shopper(shop["store"])
    _buy_with(api, shop, regular, "ONCE")
    assert _buy_with(api, shop, regular, "ONCE", 422)["code"] == "coupon_customer_limit"
    _buy_with(api, shop, api.shopper(shop["store"]), "TWO")
    _buy_with(api, shop, api.shopper(shop["store"]), "TWO")
    assert (
        _buy_with(api, shop, api.shopper(shop["store"]), "TWO", 422)["code"] == "coupon_exhausted"
    )


def test_coupon_minimum_subtotal(api: Api, shop: dict[str, Any]) -> None:
    _coupon(api, shop, code="BIG", kind="fixed", amount_off=1000, min_subtotal_amount=20000)
    error = _buy_with(api, shop, api.shopper(shop["store"]), "BIG", 422)
    assert error["code"] == "coupon_minimum"


def test_share_to_unlock(api: Api, shop: dict[str, Any]) -> None:
    slug = shop["store"]["store"]["slug"]
    offer = api.ok(
        "POST",
        f"/api/v1/shows/{shop['show']['id']}/share-offers",
        201,
        headers=shop["h"],
        json={"percent_off": 20, "invites_required": 2},
    )
    sharer = api.shopper(shop["store"])
    code = api.ok(
        "POST", f"/api/v1/shop/{slug}/share-offers/{offer['id']}/code", headers=sharer["headers"]
    )
    assert code["unlocked"] is False
    same = api.ok(
        "POST", f"/api/v1/shop/{slug}/share-offers/{offer['id']}/code", headers=sharer["headers"]
    )
    assert same["code"] == code["code"]

    own = api.client.post(
        f"/api/v1/shop/{slug}/share-codes/{code['code']}/join", headers=sharer["headers"]
    )
    assert own.status_code == 422
    assert own.json()["code"] == "own_share_code"

    # Locked: checkout with the code is refused and nothing is reserved.
    api.add_to_cart(sharer, shop["variant_id"], 1)
    api.ok(
        "PATCH",
        f"/api/v1/shop/{slug}/cart",
        headers=sharer["headers"],
        json={"share_code": code["code"]},
    )
    locked = api.checkout(sharer, expected=422)
    assert locked["code"] == "share_code_locked"
    assert locked["details"] == {"joins_count": 0, "invites_required": 2}

    friend = api.shopper(shop["store"])
    api.ok(
        "POST", f"/api/v1/shop/{slug}/share-codes/{code['code']}/join", headers=friend["headers"]
    )
    twice = api.client.post(
        f"/api/v1/shop/{slug}/share-codes/{code['code']}/join", headers=friend["headers"]
    )
    assert twice.status_code == 409
    status = api.ok(
        "POST",
        f"/api/v1/shop/{slug}/share-codes/{code['code']}/join",
        headers=api.shopper(shop["store"])["headers"],
    )
    assert status["unlocked"] is True

    order = api.checkout(sharer)
    assert order["discount_amount"] == 2000
    api.add_to_cart(sharer, shop["variant_id"], 1)
    api.ok(
        "PATCH",
        f"/api/v1/shop/{slug}/cart",
        headers=sharer["headers"],
        json={"share_code": code["code"]},
    )
    assert api.checkout(sharer, expected=422)["code"] == "share_code_used"

    stranger = api.shopper(shop["store"])
    api.add_to_cart(stranger, shop["variant_id"], 1)
    api.ok(
        "PATCH",
        f"/api/v1/shop/{slug}/cart",
        headers=stranger["headers"],
        json={"share_code": code["code"]},
    )
    assert api.checkout(stranger, expected=422)["code"] == "share_code_not_yours"
