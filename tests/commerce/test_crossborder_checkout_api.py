"""Cross-border checkout through HTTP: checkout reproduces the quote server-side and the order
records currency, FX snapshot, destination, tax lines, scheme, shipping, parcels, delivery
promise and payment method; invoices and the period tax report read those records.

The seller is a German store (EUR, gross prices by default) with a Berlin warehouse, a Warsaw
warehouse and lanes to the EU and to the rest of the world.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from castcart import cli
from castcart.core.settings import get_settings
from castcart.fulfillment import FlatRate, Lane, WarehouseCalendar, delivery_promise
from castcart.money import bundled_snapshot
from tests.helpers import Api

pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)

WORLD = ["SA", "ID", "BR", "US", "GB"]


def _warehouse(api: Api, store: dict[str, Any], code: str, country: str, **extra: Any) -> Any:
    body = {"code": code, "name": code, "country": country, **extra}
    return api.ok("POST", "/api/v1/warehouses", 201, headers=store["headers"], json=body)


def _lane(api: Api, store: dict[str, Any], expected: int = 201, **body: Any) -> Any:
    return api.ok("POST", "/api/v1/shipping-lanes", expected, headers=store["headers"], json=body)


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store(country="DE", currency="EUR")
    api.ok(
        "PUT",
        "/api/v1/settings/tax",
        headers=store["headers"],
        json={
            "legal_name": "Leinen GmbH",
            "address": "Torstr. 1, 10119 Berlin",
            "vat_number": "DE136695976",
        },
    )
    berlin = _warehouse(api, store, "BER", "DE", cutoff_local_time="14:00", subdivision="BE")
    warsaw = _warehouse(api, store, "WAW", "PL", cutoff_local_time="12:00")
    eu = _lane(
        api,
        store,
        warehouse_id=berlin["id"],
        carrier="dhl",
        destinations=["EU"],
        transit_days_min=1,
        transit_days_max=2,
        currency="EUR",
        weight_bands=[[1000, 490], [5000, 790]],
        extra_per_kg_amount=100,
    )
    _lane(
        api,
        store,
        warehouse_id=berlin["id"],
        carrier="dhl-express",
        destinations=WORLD,
        transit_days_min=3,
        transit_days_max=6,
        currency="EUR",
        flat_amount=2500,
    )
    _lane(
        api,
        store,
        warehouse_id=warsaw["id"],
        carrier="inpost",
        destinations=["PL", "DE"],
        transit_days_min=2,
        transit_days_max=3,
        currency="EUR",
        flat_amount=390,
    )
    shirt = api.product(
        store,
        price=8000,
        stock=20,
        warehouse=berlin,
        attributes={"category": "clothing", "material": "linen"},
    )
    api.ok(
        "PATCH",
        f"/api/v1/variants/{shirt['variants'][0]['id']}",
        headers=store["headers"],
        json={"weight_grams": 400},
    )
    scarf = api.product(
        store, price=3000, stock=5, warehouse=warsaw, attributes={"category": "clothing"}
    )
    return {
        "store": store,
        "berlin": berlin,
        "warsaw": warsaw,
        "eu_lane": eu,
        "shirt": shirt["variants"][0]["id"],
        "shirt_product": shirt["id"],
        "scarf": scarf["variants"][0]["id"],
        "scarf_product": scarf["id"],
    }


def _buy(
    api: Api,
    shop: dict[str, Any],
    country: str,
    expected: int = 201,
    items: tuple[str, ...] = ("shirt",),
    **body: Any,
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    shopper = api.shopper(shop["store"], country=country)
    for item in items:
        api.add_to_cart(shopper, shop[item], 1)
    quote = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/cart/quote",
        headers=shopper["headers"],
        json={"country": country, **{k: v for k, v in body.items() if k in {"region", "vat_id"}}},
    )
    order = api.checkout(
        shopper,
        expected=expected,
        country=country,
        expected_total_amount=quote["total_amount"],
        **body,
    )
    return shopper, quote, order


def _consistent(order: dict[str, Any]) -> None:
    """Order total = the sum of its lines (the property the pure tests check at random)."""
    lines = sum(ln["line_total_amount"] for ln in order["lines"])
    assert order["subtotal_amount"] == lines
    assert order["total_amount"] == (
        lines
        - order["discount_amount"]
        + order["shipping_amount"]
        + order["tax_amount"]
        + order["duty_amount"]
    )
    assert order["shipping_amount"] == sum(s["amount"] for s in order["shipments"])
    added = sum(
        t["amount"]
        for t in order["tax_lines"]
        if t["kind"] == "tax" and t["collected_at"] == "checkout" and not t["included"]
    )
    assert order["tax_amount"] == added


def _berlin_promise(at: datetime, transit: tuple[int, int], country: str) -> dict[str, Any]:
    warehouse = WarehouseCalendar("BER", "DE", time(14, 0), "Europe/Berlin", subdivision="BE")
    lane = Lane(
        "BER",
        {country},
        "x",
        transit[0],
        transit[1],
        FlatRate(0, "EUR"),
        customs=country not in {"DE", "FR", "PL"},
    )
    p = delivery_promise(at, warehouse, lane, destination_country=country)
    return {
        "earliest_date": p.earliest_date.isoformat(),
        "latest_date": p.latest_date.isoformat(),
        "business_days_min": p.business_days_min,
        "business_days_max": p.business_days_max,
        "local_stock": p.local_stock,
        "badge": "Local stock: arrives in ≤ 72 h" if p.local_stock else None,
    }


def _promise_matches(
    order: dict[str, Any], before: datetime, transit: tuple[int, int], country: str
) -> None:
    after = datetime.now(UTC)
    candidates = [_berlin_promise(t, transit, country) for t in (before, after)]
    assert order["delivery_promise"] in candidates


def test_germany_domestic_gross_price_is_the_sticker_price(api: Api, shop: dict[str, Any]) -> None:
    before = datetime.now(UTC)
    shopper, quote, order = _buy(api, shop, "DE", payment_method="klarna")
    assert order["currency"] == "EUR"
    assert order["fx"]["rate"] == "1"
    assert order["prices_include_tax"] is True
    # EUR 80.00 incl. 19 % VAT, shipped from Berlin (400 g: EUR 4.90, also gross).
    assert order["total_amount"] == 8000 + 490 == quote["total_amount"]
    [vat] = order["tax_lines"]
    assert (vat["rate_percent"], vat["included"], vat["scheme"]) == ("19", True, "domestic")
    assert vat["amount"] == 8490 - vat["base_amount"]
    assert vat["base_amount"] == round(Decimal(8490) / Decimal("1.19"))
    assert order["tax_amount"] == 0
    assert order["included_tax_amount"] == vat["amount"]
    assert order["registration_number"] == "DE136695976"
    assert order["payment_method"] == "klarna"
    [parcel] = order["shipments"]
    assert (parcel["warehouse_code"], parcel["carrier"], parcel["customs"]) == ("BER", "dhl", False)
    _promise_matches(order, before, (1, 2), "DE")
    assert quote["delivery_promise"] in [
        order["delivery_promise"],
        _berlin_promise(datetime.now(UTC), (1, 2), "DE"),
    ]
    assert {"klarna", "sepa_debit", "card"} <= {m["id"] for m in quote["payment_methods"]}
    _consistent(order)
    # the sandbox charge is in the order's currency, for its total
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    assert (payment["amount"], payment["currency"], payment["method"]) == (8490, "EUR", "klarna")


def test_saudi_arabia_pays_net_in_riyals_with_import_vat(api: Api, shop: dict[str, Any]) -> None:
    before = datetime.now(UTC)
    shopper, quote, order = _buy(api, shop, "SA", payment_method="cod")
    assert order["currency"] == "SAR"
    rate = bundled_snapshot().rate("EUR", "SAR")
    assert Decimal(order["fx"]["rate"]) == rate.normalize()
    assert order["fx"]["from_currency"] == "EUR"
    assert "ECB" in order["fx"]["source"]
    # An export: the German VAT comes out of the price (80.00 / 1.19 in riyals, ± rounding).
    [line] = order["lines"]
    exact = Decimal(8000) / Decimal("1.19") * rate
    assert abs(line["unit_price_amount"] - exact) <= 2
    [vat] = order["tax_lines"]
    assert (vat["rate_percent"], vat["collected_at"], vat["scheme"]) == ("15", "import", "import")
    assert order["tax_amount"] == 0
    assert order["due_at_import_amount"] >= vat["amount"] > 0
    assert order["payment_method"] == "cod"
    # staff read the method by name, in their language and the order's market
    staff = shop["store"]["headers"]
    for lang, name in (("en", "Cash on delivery"), ("ar", "الدفع عند الاستلام")):
        seen = api.ok("GET", f"/api/v1/orders/{order['id']}?lang={lang}", headers=staff)
        assert (seen["payment_method"], seen["payment_method_name"]) == ("cod", name)
    api.ok("GET", f"/api/v1/orders/{order['id']}?lang=<script>", 422, headers=staff)
    assert order["shipments"][0]["carrier"] == "dhl-express"
    assert order["delivery_promise"]["badge"] is None  # customs lane: never "local stock"
    _promise_matches(order, before, (3, 6), "SA")
    _consistent(order)
    assert order["total_amount"] == quote["total_amount"]
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    assert (payment["currency"], payment["amount"]) == ("SAR", order["total_amount"])
    done = api.ok(
        "POST", f"/api/v1/sandbox/payments/{payment['reference']}", json={"outcome": "succeeded"}
    )
    assert done["status"] == "succeeded"


def test_indonesia_rupiah_import_taxes_and_duties(api: Api, shop: dict[str, Any]) -> None:
    before = datetime.now(UTC)
    _, quote, order = _buy(api, shop, "ID", payment_method="shopeepay")
    _promise_matches(order, before, (3, 6), "ID")
    assert order["currency"] == "IDR"
    kinds = {(t["kind"], t["collected_at"]) for t in order["tax_lines"]}
    assert kinds == {("tax", "import"), ("duty", "import")}
    assert "11" in {t["rate_percent"] for t in order["tax_lines"] if t["kind"] == "tax"}
    assert order["duty_amount"] == 0
    assert order["due_at_import_amount"] > 0
    assert {"shopeepay", "cod"} <= {m["id"] for m in quote["payment_methods"]}
    _consistent(order)


def test_brazil_remessa_conforme_collected_at_checkout(api: Api, shop: dict[str, Any]) -> None:
    before = datetime.now(UTC)
    _, quote, order = _buy(api, shop, "BR", region="SP", payment_method="pix")
    _promise_matches(order, before, (3, 6), "BR")
    assert order["currency"] == "BRL"
    assert order["destination_region"] == "SP"
    assert order["tax_scheme"] == "remessa_conforme"
    assert order["tax_rule"] == "br_remessa_conforme"
    assert {t["collected_at"] for t in order["tax_lines"]} == {"checkout"}
    assert order["tax_amount"] > 0
    assert order["duty_amount"] > 0
    assert order["total_amount"] > order["subtotal_amount"] + order["shipping_amount"]
    assert [m["id"] for m in quote["payment_methods"]][0] == "pix"
    _consistent(order)


def test_united_states_sales_tax_on_top(api: Api, shop: dict[str, Any]) -> None:
    before = datetime.now(UTC)
    _, quote, order = _buy(api, shop, "US", region="CA", payment_method="card")
    _promise_matches(order, before, (3, 6), "US")
    methods = [m["id"] for m in quote["payment_methods"]]
    assert methods[0] == "card"
    assert "pix" not in methods
    assert order["currency"] == "USD"
    [tax] = order["tax_lines"]
    assert (tax["scheme"], tax["collected_at"], tax["included"]) == ("sales_tax", "checkout", False)
    assert order["tax_amount"] == tax["amount"] > 0
    _consistent(order)
    missing = api.shopper(shop["store"], country="US")
    api.add_to_cart(missing, shop["shirt"], 1)
    # Without an address there is no state: checkout asks for the address, field by field.
    refused = api.checkout(missing, expected=422, country="US", shipping_address=None)
    assert refused["code"] == "invalid_contact"
    assert refused["details"]["fields"]["shipping_address"] == "required"


def test_eu_sale_to_france_replaces_german_vat_with_french(api: Api, shop: dict[str, Any]) -> None:
    _, quote, order = _buy(api, shop, "FR", payment_method="card")
    [vat] = order["tax_lines"]
    assert (vat["jurisdiction"], vat["rate_percent"], vat["scheme"]) == ("FR", "20", "OSS")
    assert vat["included"] is False
    net_goods = round(Decimal(8000) / Decimal("1.19"))
    assert order["lines"][0]["line_total_amount"] == net_goods
    assert order["tax_amount"] == vat["amount"]
    _consistent(order)


def test_split_shipment_when_no_warehouse_holds_everything(api: Api, shop: dict[str, Any]) -> None:
    _, quote, order = _buy(api, shop, "DE", items=("shirt", "scarf"))
    parcels = {s["warehouse_code"]: s for s in order["shipments"]}
    assert set(parcels) == {"BER", "WAW"}
    assert [i["variant_id"] for i in parcels["BER"]["items"]] == [shop["shirt"]]
    assert [i["variant_id"] for i in parcels["WAW"]["items"]] == [shop["scarf"]]
    assert order["shipping_amount"] == 490 + 390 == quote["shipping_amount"]
    assert order["delivery_promise"]["latest_date"] == max(
        s["latest_date"] for s in order["shipments"]
    )
    _consistent(order)
    headers = shop["store"]["headers"]
    berlin = api.ok("GET", f"/api/v1/products/{shop['shirt_product']}", headers=headers)
    warsaw = api.ok("GET", f"/api/v1/products/{shop['scarf_product']}", headers=headers)
    assert berlin["variants"][0]["stock"][0]["reserved"] == 1
    assert warsaw["variants"][0]["stock"][0]["reserved"] == 1


def test_payment_method_the_market_does_not_offer_is_refused(
    api: Api, shop: dict[str, Any]
) -> None:
    shopper = api.shopper(shop["store"], country="DE")
    api.add_to_cart(shopper, shop["shirt"], 1)
    error = api.checkout(shopper, expected=422, payment_method="pix")
    assert error["code"] == "payment_method_unavailable"
    assert "pix" not in error["details"]["offered"]
    assert "klarna" in error["details"]["offered"]
    # nothing was written: no order, no reservation, the cart is intact
    assert api.ok("GET", "/api/v1/orders", headers=shop["store"]["headers"]) == []
    cart = api.ok("GET", f"/api/v1/shop/{shopper['slug']}/cart", headers=shopper["headers"])
    assert len(cart["lines"]) == 1
    product = api.ok(
        "GET", f"/api/v1/products/{shop['shirt_product']}", headers=shop["store"]["headers"]
    )
    assert product["variants"][0]["stock"][0]["reserved"] == 0
    order = api.checkout(shopper)
    bad = api.client.post(
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments?method=oxxo",
        headers=shopper["headers"],
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "payment_method_unavailable"


def test_client_numbers_are_not_trusted_and_destinations_need_a_lane(
    api: Api, shop: dict[str, Any]
) -> None:
    shopper = api.shopper(shop["store"], country="SA")
    api.add_to_cart(shopper, shop["shirt"], 1)
    # a total in euros for a riyal order is simply wrong
    assert api.checkout(shopper, expected=409, expected_total_amount=8490)["code"] == (
        "total_changed"
    )
    far = api.shopper(shop["store"], country="JP")
    api.add_to_cart(far, shop["shirt"], 1)
    assert api.checkout(far, expected=422)["code"] == "no_shipping_lane"


def test_net_prices_add_the_destination_tax(api: Api, shop: dict[str, Any]) -> None:
    api.ok(
        "PUT",
        "/api/v1/settings/tax",
        headers=shop["store"]["headers"],
        json={"prices_include_tax": False},
    )
    _, _, order = _buy(api, shop, "DE")
    [vat] = order["tax_lines"]
    assert vat["included"] is False
    assert order["subtotal_amount"] == 8000
    assert order["shipping_amount"] == 490
    assert order["tax_amount"] == vat["amount"] == round(Decimal(8490) * Decimal("0.19"))
    _consistent(order)


def test_lane_and_settings_input_is_checked(api: Api, shop: dict[str, Any]) -> None:
    store = shop["store"]
    both = _lane(
        api,
        store,
        422,
        warehouse_id=shop["berlin"]["id"],
        carrier="x",
        destinations=["DE"],
        transit_days_min=1,
        transit_days_max=2,
        currency="EUR",
        flat_amount=1,
        weight_bands=[[100, 1]],
    )
    assert both["code"] == "invalid_rate"
    backwards = _lane(
        api,
        store,
        422,
        warehouse_id=shop["berlin"]["id"],
        carrier="x",
        destinations=["DE"],
        transit_days_min=3,
        transit_days_max=2,
        currency="EUR",
        flat_amount=1,
    )
    assert backwards["code"] == "invalid_lane"
    assert (
        _lane(
            api,
            store,
            404,
            warehouse_id="nope",
            carrier="x",
            destinations=["DE"],
            transit_days_min=1,
            transit_days_max=2,
            currency="EUR",
            flat_amount=1,
        )["code"]
        == "warehouse_not_found"
    )
    bad_tz = api.client.post(
        "/api/v1/warehouses",
        headers=store["headers"],
        json={"code": "X", "name": "x", "country": "DE", "timezone": "Mars/Olympus"},
    )
    assert bad_tz.status_code == 422
    assert bad_tz.json()["code"] == "unknown_timezone"
    bad_vat = api.client.put(
        "/api/v1/settings/tax", headers=store["headers"], json={"vat_number": "DE123"}
    )
    assert bad_vat.status_code == 422
    assert bad_vat.json()["code"] == "invalid_vat_number"
    lanes = api.ok("GET", "/api/v1/shipping-lanes", headers=store["headers"])
    assert len(lanes) == 3
    assert {ln["customs"] for ln in lanes} == {True, False}
    api.ok(
        "DELETE", f"/api/v1/shipping-lanes/{shop['eu_lane']['id']}", 204, headers=store["headers"]
    )
    assert len(api.ok("GET", "/api/v1/shipping-lanes", headers=store["headers"])) == 2


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_invoice_for_an_eu_low_value_import_carries_the_ioss_number(api: Api) -> None:
    store = api.store(country="GB", currency="GBP")
    api.ok(
        "PUT",
        "/api/v1/settings/tax",
        headers=store["headers"],
        json={"legal_name": "Tweed & Co Ltd", "ioss_number": "IM3720000123"},
    )
    london = _warehouse(api, store, "LON", "GB")
    _lane(
        api,
        store,
        warehouse_id=london["id"],
        carrier="royal-mail",
        destinations=["EU"],
        transit_days_min=3,
        transit_days_max=5,
        currency="GBP",
        flat_amount=800,
    )
    product = api.product(
        store, price=4500, stock=3, warehouse=london, attributes={"category": "clothing"}
    )
    shopper = api.shopper(store, country="DE")
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    order = api.checkout(
        shopper,
        payment_method="card",
        buyer={"name": "Erika Mustermann", "address": "Hauptstr. 5, Köln"},
    )
    assert (order["currency"], order["tax_scheme"]) == ("EUR", "IOSS")
    assert order["registration_number"] == "IM3720000123"
    assert order["duty_amount"] == 300  # EUR 3 interim duty per tariff item, at checkout
    _consistent(order)

    url = f"/api/v1/orders/{order['id']}/invoice"
    pdf = api.client.get(url + ".pdf", headers=shopper["headers"])
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = _pdf_text(pdf.content)
    assert "IM3720000123" in text
    assert "Erika Mustermann" in text
    assert "Köln" in text
    assert "Prices converted from GBP" in text
    html = api.client.get(url + ".html", headers=store["headers"])
    assert html.status_code == 200
    assert "IOSS number: IM3720000123" in html.text
    stranger = api.shopper(store, country="DE")
    assert api.client.get(url + ".pdf", headers=stranger["headers"]).status_code == 404
    assert api.client.get(url + ".pdf").status_code == 401


def test_reverse_charge_invoice_for_an_eu_business(api: Api, shop: dict[str, Any]) -> None:
    shopper, _, order = _buy(api, shop, "FR", vat_id="FR40303265045", buyer={"company": "Lin SARL"})
    [line] = order["tax_lines"]
    assert (line["scheme"], line["amount"], line["collected_at"]) == ("reverse_charge", 0, "none")
    html = api.client.get(
        f"/api/v1/orders/{order['id']}/invoice.html", headers=shopper["headers"]
    ).text
    assert "Reverse charge" in html
    assert "FR40303265045" in html
    assert "DE136695976" in html
    assert "Lin SARL" in html


def test_tax_report_sums_match_the_orders(
    api: Api, shop: dict[str, Any], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    paid = []
    for country in ("DE", "DE", "FR", "SA"):
        shopper, _, order = _buy(api, shop, country)
        api.pay(shopper, order["id"])
        paid.append(order)
    _buy(api, shop, "FR")  # never paid: not a supply, not reported
    today = date.today()
    response = api.client.get(
        f"/api/v1/reports/tax?from={today - timedelta(days=1)}&to={today + timedelta(days=1)}",
        headers=shop["store"]["headers"],
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_key = {(r["scheme"], r["member_state_of_consumption"]): r for r in rows}
    assert set(by_key) == {("domestic", "DE"), ("OSS", "FR")}  # SA import VAT: not ours
    for (scheme, country), row in by_key.items():
        lines = [
            t
            for o in paid
            for t in o["tax_lines"]
            if t["scheme"] == scheme and t["jurisdiction"] == country
        ]
        assert Decimal(row["tax_amount"]) * 100 == sum(t["amount"] for t in lines)
        assert Decimal(row["taxable_amount"]) * 100 == sum(t["base_amount"] for t in lines)
        assert int(row["order_count"]) == len(lines)
    backwards = api.client.get(
        f"/api/v1/reports/tax?from={today}&to={today - timedelta(days=2)}",
        headers=shop["store"]["headers"],
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "invalid_period"

    # the CLI reads the same orders database and prints the same CSV
    monkeypatch.setenv("CASTCART_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli.app,
            [
                "tax",
                "report",
                "--from",
                str(today - timedelta(days=1)),
                "--to",
                str(today + timedelta(days=1)),
                "--store",
                shop["store"]["store"]["slug"],
            ],
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.stdout == response.text
