"""The tax origin is the warehouse a parcel ships from, not the store's home country.

A German store (EUR, gross prices) keeps stock in Berlin and in Jakarta. An Indonesian buyer
of Jakarta stock makes a domestic Indonesian sale (PPN at checkout, no duty, no customs); an
order split over both warehouses is an import only for the Berlin parcel.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.helpers import Api


def _warehouse(api: Api, store: dict[str, Any], code: str, country: str, **extra: Any) -> Any:
    body = {"code": code, "name": code, "country": country, **extra}
    return api.ok("POST", "/api/v1/warehouses", 201, headers=store["headers"], json=body)


def _lane(api: Api, store: dict[str, Any], **body: Any) -> Any:
    return api.ok("POST", "/api/v1/shipping-lanes", 201, headers=store["headers"], json=body)


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store(country="DE", currency="EUR")
    berlin = _warehouse(api, store, "BER", "DE", subdivision="BE")
    jakarta = _warehouse(api, store, "CGK", "ID", timezone="Asia/Jakarta")
    _lane(
        api,
        store,
        warehouse_id=berlin["id"],
        carrier="dhl-express",
        destinations=["ID", "SG"],
        transit_days_min=3,
        transit_days_max=6,
        currency="EUR",
        flat_amount=2500,
    )
    _lane(
        api,
        store,
        warehouse_id=jakarta["id"],
        carrier="jne",
        destinations=["ID", "SG", "MY"],
        transit_days_min=1,
        transit_days_max=2,
        currency="EUR",
        flat_amount=300,
    )
    batik = api.product(
        store, price=8000, stock=10, warehouse=jakarta, attributes={"category": "clothing"}
    )
    coat = api.product(
        store, price=12000, stock=10, warehouse=berlin, attributes={"category": "clothing"}
    )
    return {
        "store": store,
        "batik": batik["variants"][0]["id"],
        "coat": coat["variants"][0]["id"],
    }


def _quote(api: Api, shop: dict[str, Any], variants: list[str], country: str = "ID") -> Any:
    shopper = api.shopper(shop["store"], country=country)
    for variant in variants:
        api.add_to_cart(shopper, variant, 1)
    shop["last_shopper"] = shopper
    return api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/cart/quote",
        headers=shopper["headers"],
        json={"country": country},
    )


def test_jakarta_stock_to_an_indonesian_buyer_is_a_domestic_sale(
    api: Api, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 72-hour badge depends on the order time: fix it on a Tuesday morning in Jakarta,
    # before the cut-off, so a 1-2 day lane arrives within 72 h whatever day the test runs.
    tuesday_morning = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    monkeypatch.setattr("castcart.commerce.crossborder_api.utcnow", lambda: tuesday_morning)
    quote = _quote(api, shop, [shop["batik"]])
    assert quote["currency"] == "IDR"
    [parcel] = quote["shipments"]
    assert (parcel["warehouse_code"], parcel["origin_country"]) == ("CGK", "ID")
    # The lane also serves SG and MY (so it is stored as a customs lane), but this parcel
    # stays in Indonesia.
    assert parcel["customs"] is False
    assert parcel["promise"]["local_stock"] is True
    # Domestic PPN 11 % (12 % on an 11/12 base) on the net goods plus shipping, collected
    # by the store at checkout; no import duty, no PPh 22, nothing due at the door. The old
    # engine took DE as the origin and quoted duty 25 % + PPN + PPh 22 at import.
    assert quote["tax_rule"] == "id_domestic"
    [ppn] = quote["tax_lines"]
    assert (ppn["rate_percent"], ppn["collected_at"], ppn["origin_country"]) == (
        "11",
        "checkout",
        "ID",
    )
    base = quote["subtotal_amount"] + quote["shipping_amount"]
    assert ppn["amount"] == (base * 11 + 50) // 100
    assert quote["duty_lines"] == []
    assert quote["due_at_import_amount"] == 0
    assert quote["total_amount"] == base + ppn["amount"]


def test_split_order_imports_only_the_berlin_parcel(api: Api, shop: dict[str, Any]) -> None:
    quote = _quote(api, shop, [shop["batik"], shop["coat"]])
    by_origin = {s["origin_country"]: s for s in quote["shipments"]}
    assert set(by_origin) == {"ID", "DE"}
    assert by_origin["ID"]["customs"] is False
    assert by_origin["DE"]["customs"] is True
    line_of = {ln["variant_id"]: ln["line_total_amount"] for ln in quote["lines"]}

    domestic = [t for t in quote["tax_lines"] if t["origin_country"] == "ID"]
    imported = [t for t in quote["tax_lines"] if t["origin_country"] == "DE"]
    # Jakarta parcel: PPN at checkout on the batik and its own shipping only.
    [ppn] = domestic
    assert ppn["collected_at"] == "checkout"
    jakarta_base = line_of[shop["batik"]] + by_origin["ID"]["amount"]
    assert ppn["amount"] == (jakarta_base * 11 + 50) // 100
    # Berlin parcel: an import (clothing is MFN-listed: duty, PPN and PPh 22 at import).
    assert imported
    assert {t["collected_at"] for t in imported} == {"import"}
    assert {d["origin_country"] for d in quote["duty_lines"]} == {"DE"}
    berlin_cif = line_of[shop["coat"]] + by_origin["DE"]["amount"]
    [duty] = quote["duty_lines"]
    assert duty["amount"] == (berlin_cif * 25 + 50) // 100
    # Only the checkout PPN is added to what the shopper pays now.
    assert quote["tax_amount"] == ppn["amount"]
    assert quote["due_at_import_amount"] == sum(t["amount"] for t in imported) + duty["amount"]
    assert quote["tax_rule"] == "id_consignment_mfn+id_domestic"

    # Checkout recomputes the same split server-side and records it.
    order = api.checkout(
        shop["last_shopper"], country="ID", expected_total_amount=quote["total_amount"]
    )
    assert order["total_amount"] == quote["total_amount"]
    assert order["due_at_import_amount"] == quote["due_at_import_amount"]
    assert order["tax_rule"] == quote["tax_rule"]
    recorded = {(t["kind"], t["collected_at"], t["amount"]) for t in order["tax_lines"]}
    assert ("tax", "checkout", ppn["amount"]) in recorded
    assert ("duty", "import", duty["amount"]) in recorded


def test_a_multi_country_lane_flags_customs_per_destination(api: Api) -> None:
    store = api.store(country="DE", currency="EUR")
    berlin = _warehouse(api, store, "BER", "DE", subdivision="BE")
    lane = _lane(
        api,
        store,
        warehouse_id=berlin["id"],
        carrier="dhl",
        destinations=["DE", "CH", "GB"],
        transit_days_min=1,
        transit_days_max=3,
        currency="EUR",
        flat_amount=500,
    )
    assert lane["customs"] is True  # the lane leaves the EU for CH and GB
    shirt = api.product(store, price=5000, stock=10, warehouse=berlin)
    shop = {"store": store}
    variant = shirt["variants"][0]["id"]
    [domestic] = _quote(api, shop, [variant], country="DE")["shipments"]
    assert domestic["customs"] is False  # DE -> DE: no customs
    [swiss] = _quote(api, shop, [variant], country="CH")["shipments"]
    assert swiss["customs"] is True
