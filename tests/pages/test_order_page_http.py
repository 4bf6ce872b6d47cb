"""The shopper's order page over HTTP: who may open it (owner's token or the signed link,
nothing else), what it shows, the invoice through the same link, and the shop API's
``order_page_url``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from castcart.money.display import format_money
from tests.helpers import Api


@pytest.fixture
def bought(api: Api) -> dict[str, Any]:
    store = api.store()
    berlin = api.warehouse(store, "BER")
    api.ok(
        "POST",
        "/api/v1/shipping-lanes",
        201,
        headers=store["headers"],
        json={
            "warehouse_id": berlin["id"],
            "carrier": "dhl",
            "destinations": ["DE", "FR"],
            "transit_days_min": 2,
            "transit_days_max": 4,
            "currency": "EUR",
            "flat_amount": 490,
        },
    )
    product = api.product(store, price=1900, stock=5, warehouse=berlin, skus=2)
    shopper = api.shopper(store, country="FR")
    api.add_to_cart(shopper, product["variants"][1]["id"], 2)
    order = api.checkout(shopper, country="FR", payment_method="card")
    api.pay(shopper, order["id"])
    return {"store": store, "shopper": shopper, "order": order, "product": product}


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(dd|table|address|ul|p|a|td)>', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_shop_api_gives_the_signed_order_page_url(api: Api, bought: dict[str, Any]) -> None:
    order, shopper = bought["order"], bought["shopper"]
    url = order["order_page_url"]
    assert url.startswith(f"/shop/{shopper['slug']}/orders/{order['id']}?key=")
    mine = api.ok(
        "GET", f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}", headers=shopper["headers"]
    )
    assert mine["order_page_url"] == url
    # staff listings carry no shopper link
    staff = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=bought["store"]["headers"])
    assert staff["order_page_url"] is None


def test_signed_link_opens_the_page_without_a_session(api: Api, bought: dict[str, Any]) -> None:
    order = bought["order"]
    response = api.client.get(order["order_page_url"] + "&lang=fr")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert '<html lang="fr" dir="ltr">' in html
    assert order["number"] in _text(html, "cc-order-number")
    assert "Payé" in _text(html, "cc-order-status")
    items = _text(html, "cc-order-items")
    assert "size: 1" in items
    assert bought["product"]["variants"][1]["sku"] in items
    assert "Paris" in _text(html, "cc-order-address") or "PARIS" in _text(html, "cc-order-address")
    # the invoice's figures: VAT line and total, in French formatting
    assert "TVA" in _text(html, "cc-order-tax-lines") or "VAT" in _text(html, "cc-order-tax-lines")
    paid = api.ok(
        "GET",
        f"/api/v1/shop/{bought['shopper']['slug']}/orders/{order['id']}",
        headers=bought["shopper"]["headers"],
    )
    # every tax line the order (and so its invoice) recorded, written by the one formatter
    assert paid["tax_lines"]
    tax_text = _text(html, "cc-order-tax-lines")
    for line in paid["tax_lines"]:
        assert format_money(line["amount"], paid["currency"], "fr") in tax_text
    total = paid["total_amount"]
    expected_total = f"{total // 100},{total % 100:02d}"
    assert expected_total in _text(html, "cc-order-total").replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert "Carte" in html or "card" in html.lower()
    assert "Pas encore expédiée." in _text(html, "cc-order-shipments")


def test_owner_token_opens_it_other_tokens_and_bad_keys_get_404(
    api: Api, bought: dict[str, Any]
) -> None:
    order, shopper = bought["order"], bought["shopper"]
    plain = f"/shop/{shopper['slug']}/orders/{order['id']}"
    assert api.client.get(plain, headers=shopper["headers"]).status_code == 200
    other = api.shopper(bought["store"])
    assert api.client.get(plain, headers=other["headers"]).status_code == 404
    assert api.client.get(plain).status_code == 404
    assert api.client.get(plain + "?key=" + "A" * 43).status_code == 404
    # a real key of one order does not open another
    key = order["order_page_url"].split("key=")[1]
    assert (
        api.client.get(f"/shop/{shopper['slug']}/orders/nosuchorder?key={key}").status_code == 404
    )
    other_store = api.store()
    assert (
        api.client.get(
            f"/shop/{other_store['store']['slug']}/orders/{order['id']}?key={key}"
        ).status_code
        == 404
    )


def test_invoice_opens_with_the_page_key_only(api: Api, bought: dict[str, Any]) -> None:
    order = bought["order"]
    key = order["order_page_url"].split("key=")[1]
    page = api.client.get(order["order_page_url"]).text
    link = re.search(r'id="cc-order-invoice" href="([^"]+)"', page)
    assert link
    invoice = api.client.get(link.group(1).replace("&amp;", "&"))
    assert invoice.status_code == 200
    assert order["number"] in invoice.text
    pdf = api.client.get(f"/api/v1/orders/{order['id']}/invoice.pdf?key={key}")
    assert pdf.headers["content-type"] == "application/pdf"
    bad = api.client.get(f"/api/v1/orders/{order['id']}/invoice.html?key={'B' * 43}")
    assert bad.status_code == 404


def test_shipment_service_is_named_in_the_page_language(api: Api, bought: dict[str, Any]) -> None:
    """Issue 10: the page showed the lane's service code ("standard")."""
    url = bought["order"]["order_page_url"]
    for lang, label in (
        ("fr", "Livraison standard"),
        ("ar", "توصيل عادي"),
        ("en", "Standard delivery"),
    ):
        shipments = _text(api.client.get(f"{url}&lang={lang}").text, "cc-order-shipments")
        assert f"· {label}" in shipments, shipments
        assert "· standard" not in shipments
