"""The show analytics dashboard in real Chromium: a shopper allows analytics, watches and
buys; the host console's dashboard (polling the analytics API) shows the order within 5 s
of the payment, and the funnel fills from the shopper page's beacon."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch, _connected, _open, contexts  # noqa: F401


def test_shopper_buys_and_the_console_dashboard_shows_the_order_within_5_s(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811 - the fixture imported above
    artifacts: Path,
) -> None:
    host = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="en-GB")
    console = host.page()
    console.goto(f"{site.url}/console/shows/{site.demo.show_id}")
    console.get_by_label("Store").fill(site.demo.slug)
    console.get_by_label("Email").fill(site.demo.host_email)
    console.get_by_label("Password").fill(site.demo.password)
    console.get_by_role("button", name="Log in").click()
    console.wait_for_url(re.compile(r"/console/shows/"))
    orders = console.locator("#cc-analytics [data-figure=orders]")
    orders.wait_for()
    assert orders.inner_text() == "0"
    assert console.locator("#cc-analytics canvas").count() >= 1  # uPlot drew the curve

    shopper = _open(browser, contexts, viewport=PHONE, locale="de-DE")
    shop = shopper.page()
    shop.goto(site.show_url)
    _connected(shop)
    banner = shop.locator("#cc-consent-banner")  # the store's consent banner (DE: opt-in)
    banner.get_by_role("button", name="Alle akzeptieren").click()
    banner.wait_for(state="hidden")

    # the room counted the viewer (strictly necessary counting: no beacon needed)
    console.locator("#cc-analytics [data-figure=unique]", has_text="1").wait_for()

    item = console.locator(".showcase-item", has_text="Organic cotton tote")
    item.get_by_role("button", name="Pin").click()
    pinned = shop.locator(".card.is-pinned")
    pinned.locator(".card-title", has_text="Bio-Baumwolltasche").wait_for()
    pinned.locator(".card-title").click()  # a product click, sent by the beacon
    pinned.get_by_role("button", name="In den Warenkorb").click()
    shop.locator("#cc-cart-count", has_text="1").wait_for()
    shop.get_by_label("Lieferung nach").select_option("DE")
    shop.get_by_label("Vollständiger Name *").fill("Lena Krüger")
    shop.get_by_label("Straße und Hausnummer *").fill("Torstr. 1")
    shop.get_by_label("Postleitzahl *").fill("10119")
    shop.get_by_label("Ort *").fill("Berlin")
    shop.get_by_label("E-Mail", exact=True).fill("lena@example.com")
    shop.get_by_role("button", name="Zur Kasse").click()
    shop.locator("#cc-quote").wait_for(state="visible")
    shop.get_by_role("button", name="Bestellen").click()
    shop.get_by_role("button", name="Bezahlen").click()
    shop.locator("#cc-order-status", has_text="bezahlt").wait_for()
    paid_at = time.monotonic()

    console.locator("#cc-analytics [data-figure=orders]", has_text="1").wait_for(timeout=5000)
    assert time.monotonic() - paid_at < 5.0
    assert console.locator("#cc-analytics [data-figure=gmv]").inner_text() != "—"
    # the beacon's click (sent every 5 s) completes the funnel: view -> click -> ... -> paid
    console.locator("#cc-analytics [data-step=paid]", has_text="1 (").wait_for(timeout=20_000)
    # two clicks on the card: its title, then its add-to-cart button
    assert console.locator("#cc-analytics [data-figure=product_clicks]").inner_text() == "2"
    # GA4's e-commerce schema on the page's dataLayer (analytics allowed)
    pushed = shop.evaluate(
        "() => (window.dataLayer || []).filter((e) => e.event).map((e) => e.event)"
    )
    assert {"view_item", "add_to_cart", "purchase"} <= set(pushed), pushed
    purchase = shop.evaluate("() => window.dataLayer.filter((e) => e.event === 'purchase')[0]")
    assert purchase["ecommerce"]["currency"] == "EUR"
    assert purchase["ecommerce"]["value"] > 0
    assert purchase["ecommerce"]["items"][0]["quantity"] == 1
    console.screenshot(path=str(artifacts / "console-analytics.png"), full_page=True)
    for watch in (host, shopper):
        assert not watch.problems, watch.problems
