"""A Japanese buyer through the public HTTP surface: quote and checkout in yen (JPY has no
minor unit), import consumption tax computed the way Japan Customs does (Customs Answer
1006 for the JPY 10,000 exemption, 1111 for the rounding), never charged at checkout.

A German store (EUR, gross prices) ships from Berlin on an express lane to Japan. The
figures below are re-derived in integer yen from the quote's own net subtotal and shipping,
so the test follows the rule, not the engine's code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store(country="DE", currency="EUR")
    berlin = api.ok(
        "POST",
        "/api/v1/warehouses",
        201,
        headers=store["headers"],
        json={"code": "BER", "name": "Berlin", "country": "DE", "subdivision": "BE"},
    )
    api.ok(
        "POST",
        "/api/v1/shipping-lanes",
        201,
        headers=store["headers"],
        json={
            "warehouse_id": berlin["id"],
            "carrier": "dhl-express",
            "destinations": ["JP", "US"],
            "transit_days_min": 3,
            "transit_days_max": 6,
            "currency": "EUR",
            "flat_amount": 2500,
        },
    )
    general = {"category": "general"}
    lamp = api.product(store, price=24500, stock=10, warehouse=berlin, attributes=general)
    pin = api.product(store, price=900, stock=10, warehouse=berlin, attributes=general)
    return {"store": store, "lamp": lamp["variants"][0]["id"], "pin": pin["variants"][0]["id"]}


def _quote(api: Api, shop: dict[str, Any], variant: str) -> tuple[dict[str, Any], Any]:
    shopper = api.shopper(shop["store"], country="JP")
    api.add_to_cart(shopper, variant, 1)
    quote = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/cart/quote",
        headers=shopper["headers"],
        json={"country": "JP"},
    )
    return shopper, quote


def _expected_import(net_goods: int, shipping: int) -> tuple[int, int, int]:
    """(duty, national, local) in yen for a consumer's parcel, from the rules alone:
    taxable value = 60 % of the price (half-up to the yen) + shipping; duty 3 % (general
    simplified-rate estimate) on it rounded down to JPY 1,000, duty down to JPY 100; national
    7.8 % on (taxable value + duty) rounded down to JPY 1,000, down to JPY 100; local = 22/78
    of the national tax, down to JPY 100."""
    cif = (net_goods * 6 + 5) // 10 + shipping
    duty = cif // 1000 * 1000 * 3 // 100 // 100 * 100
    national = (cif + duty) // 1000 * 1000 * 78 // 1000 // 100 * 100
    local = national * 22 // 78 // 100 * 100
    return duty, national, local


def test_japanese_import_is_quoted_and_charged_in_yen(api: Api, shop: dict[str, Any]) -> None:
    shopper, quote = _quote(api, shop, shop["lamp"])
    assert quote["currency"] == "JPY"
    assert quote["tax_rule"] == "jp_import"
    # Net of the German VAT (the destination's tax replaces it), whole yen.
    goods, shipping = quote["subtotal_amount"], quote["shipping_amount"]
    duty, national, local = _expected_import(goods, shipping)
    assert (duty, national, local) != (0, 0, 0)
    # A case where the rounding order matters: the yen below the thousand plus the duty
    # cross a thousand, so "rounded duty base + duty" would lose JPY 1,000 of tax base.
    cif = (goods * 6 + 5) // 10 + shipping
    assert cif % 1000 + duty >= 1000
    assert [d["amount"] for d in quote["duty_lines"]] == [duty]
    assert [(t["name"], t["amount"], t["collected_at"]) for t in quote["tax_lines"]] == [
        ("Import consumption tax (national)", national, "import"),
        ("Local consumption tax", local, "import"),
    ]
    # Nothing of it is charged now: the carrier collects it from the buyer in Japan.
    assert quote["due_at_import_amount"] == duty + national + local
    assert quote["total_amount"] == goods + shipping

    order = api.checkout(shopper, country="JP", expected_total_amount=quote["total_amount"])
    assert (order["currency"], order["total_amount"]) == ("JPY", quote["total_amount"])
    assert order["due_at_import_amount"] == quote["due_at_import_amount"]
    assert order["tax_rule"] == "jp_import"


def test_a_parcel_within_the_10000_yen_exemption_pays_nothing_at_import(
    api: Api, shop: dict[str, Any]
) -> None:
    _, quote = _quote(api, shop, shop["pin"])
    goods, shipping = quote["subtotal_amount"], quote["shipping_amount"]
    # 60 % of the pin's price plus shipping stays within JPY 10,000 (Customs Answer 1006).
    assert (goods * 6 + 5) // 10 + shipping <= 10000
    assert quote["tax_rule"] == "jp_small_amount_exempt"
    assert quote["duty_lines"] == []
    assert quote["due_at_import_amount"] == 0
    assert {t["collected_at"] for t in quote["tax_lines"]} <= {"none"}
    assert quote["total_amount"] == goods + shipping
