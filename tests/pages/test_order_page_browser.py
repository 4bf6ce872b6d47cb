"""The shopper's order page in real Chromium: buy and pay on the show page, follow its link
to the order page; the seller ships through the admin API and a reload shows carrier and
tracking; another shopper's session gets the 404 page; the signed link opens on a fresh
device without any session, and in Arabic the page is right-to-left. Screenshots in
test-artifacts/pages/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from castcart.money.display import format_money
from tests.helpers import Api
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch, _open, contexts  # noqa: F401 (fixture)
from tests.pages.test_checkout_browser import (  # noqa: F401 (fixture)
    CALIFORNIA_PURCHASE,
    _buy,
    market_shop,
)


def test_order_page_from_payment_to_shipment(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
    market_shop: dict[str, Any],  # noqa: F811
    artifacts: Path,
) -> None:
    order = _buy(
        browser,
        site,
        contexts,
        market_shop,
        **CALIFORNIA_PURCHASE,
        artifacts=artifacts,
    )
    watch = contexts[-1]
    page = watch.context.pages[-1]
    link = page.locator("#cc-order-link")
    link.wait_for(state="visible")
    signed = link.get_attribute("href")
    assert signed
    assert "key=" in signed
    link.click()
    page.locator("#cc-order-number").wait_for()
    assert page.locator("#cc-order-number").inner_text() == order["number"]
    assert page.locator("#cc-order-status").inner_text() == "Paid"
    assert "7.25" in page.locator("#cc-order-tax-lines").inner_text()
    assert "San Francisco".upper() in page.locator("#cc-order-address").inner_text().upper()
    assert market_shop["large"]["sku"] in page.locator("#cc-order-items").inner_text()
    assert "Not shipped yet." in page.locator("#cc-order-shipments").inner_text()
    # the one money formatter, from the order's own total (the invoice's figure)
    expected = format_money(order["total_amount"], order["currency"], "en")
    assert page.locator("#cc-order-total").inner_text() == expected
    page.screenshot(path=str(artifacts / "order-page-paid.png"), full_page=True)

    with httpx.Client(base_url=site.url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        api.ok(
            "POST",
            f"/api/v1/orders/{order['id']}/shipments",
            headers=market_shop["store"]["headers"],
            json={
                "carrier": "DHL Express",
                "tracking_number": "JD0146000012345",
                "tracking_url": "https://www.dhl.com/track?id=JD0146000012345",
            },
        )
        other = api.shopper(market_shop["store"], country="US")
    page.reload()
    shipments = page.locator("#cc-order-shipments")
    assert "JD0146000012345" in shipments.inner_text()
    assert "DHL Express" in shipments.inner_text()
    track = shipments.locator("a.tracking-link")
    assert track.get_attribute("href") == "https://www.dhl.com/track?id=JD0146000012345"
    assert page.locator("#cc-order-status").inner_text() == "Shipped"
    invoice = page.locator("#cc-order-invoice")
    assert "key=" in (invoice.get_attribute("href") or "")
    page.screenshot(path=str(artifacts / "order-page-shipped.png"), full_page=True)
    assert watch.problems == []

    # another shopper's session: the plain 404 page, nothing about the order
    plain = f"{site.url}/shop/{market_shop['store']['store']['slug']}/orders/{order['id']}"
    stranger = _open(
        browser, contexts, extra_http_headers={"Authorization": f"Bearer {other['token']}"}
    )
    response = stranger.page().goto(plain)
    assert response is not None
    assert response.status == 404
    assert order["number"] not in response.text()

    # the e-mail's link on another device (no storage, no session), in Arabic: RTL
    fresh = _open(browser, contexts, viewport=PHONE)
    arabic = fresh.page()
    base = signed.split("&lang=")[0]
    response = arabic.goto(f"{site.url}{base}&lang=ar")
    assert response is not None
    assert response.status == 200
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert arabic.locator("#cc-order-status").inner_text() == "تم الشحن"
    assert "JD0146000012345" in arabic.locator("#cc-order-shipments").inner_text()
    arabic.screenshot(path=str(artifacts / "order-page-ar.png"), full_page=True)
    arabic.locator("#cc-order-invoice").click()
    arabic.wait_for_load_state()
    assert order["number"] in arabic.content()
    assert fresh.problems == []


def test_guest_creates_an_account_on_the_order_page_then_checkout_is_prefilled(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
    market_shop: dict[str, Any],  # noqa: F811
    artifacts: Path,
) -> None:
    _buy(
        browser,
        site,
        contexts,
        market_shop,
        lang="en",
        country="CA",
        address={
            "name": "Sam Buyer",
            "street_address": "100 Queen St W",
            "city": "Toronto",
            "postal_code": "M5H 2N2",
        },
        state="ON",
        phone="(416) 555-0199",
        method="card",
        texts={
            "state": "Province",
            "invalid": "This does not look right for this country.",
            "tax": "13",
            "paid": "is paid",
        },
        artifacts=artifacts,
    )
    watch = contexts[-1]
    page = watch.context.pages[-1]
    page.locator("#cc-order-link").click()
    form = page.locator("#cc-account-form")
    form.wait_for()
    page.locator("#cc-account-password").fill("short")
    form.locator("button[type=submit]").click()
    status = page.locator("#cc-account-status")
    assert status.inner_text() == "The password needs at least 10 characters."
    page.locator("#cc-account-password").fill("a long shopper passphrase")
    form.locator("button[type=submit]").click()
    page.locator("#cc-account-status", has_text="Your account is ready").wait_for()
    page.screenshot(path=str(artifacts / "order-page-account.png"), full_page=True)

    # back on the show page, signed in: the next checkout starts from this order
    slug = market_shop["store"]["store"]["slug"]
    page.goto(f"{site.url}/s/{slug}/shows/{market_shop['show']['id']}?lang=en&country=DE")
    card = page.locator(f"#card-{market_shop['product']['id']}")
    card.locator("button.add").click()
    page.wait_for_function("() => document.querySelector('#cc-email').value !== ''")
    assert page.locator("#cc-email").input_value() == "alex@example.com"
    assert page.locator("#cc-country").input_value() == "CA"
    page.locator("#cc-addr-city").wait_for()
    assert page.locator("#cc-addr-city").input_value().upper() == "TORONTO"
    assert page.locator("#cc-addr-country_area").input_value() == "ON"
    page.screenshot(path=str(artifacts / "checkout-prefilled.png"), full_page=True)
    assert watch.problems == []
