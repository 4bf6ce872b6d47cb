"""The order page on a 390 px phone (issue 10): the items table used to scroll sideways to
show the line amount. On narrow screens each item is a stacked card (CSS only): every cell,
the line amount included, is inside the viewport and nothing scrolls sideways, in English
and in Arabic (right-to-left). Screenshots: test-artifacts/pages/order-phone-<lang>.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import Api
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch


@pytest.fixture(scope="module")
def order_url(site: Site) -> str:
    """A paid order with long figures: rupiah (two decimals, thousands groups), 12 pieces."""
    with httpx.Client(base_url=site.url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
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
                "destinations": ["ID"],
                "transit_days_min": 5,
                "transit_days_max": 9,
                "currency": "EUR",
                "flat_amount": 1990,
            },
        )
        product = api.product(
            store, price=99990, stock=50, warehouse=berlin, handle="recycled-sailcloth-weekender"
        )
        shopper = api.shopper(store, country="ID")
        api.add_to_cart(shopper, product["variants"][0]["id"], 12)
        order = api.checkout(shopper, country="ID", payment_method="bank_transfer")
        api.pay(shopper, order["id"])
        assert order["currency"] == "IDR"
        return f"{site.url}{order['order_page_url']}"


def _widths(page: Any) -> dict[str, float]:
    return page.evaluate(
        """() => {
          const table = document.getElementById('cc-order-items');
          const amount = table.querySelector('tbody tr td:last-child').getBoundingClientRect();
          return {
            doc: document.documentElement.scrollWidth,
            tableScroll: table.scrollWidth, tableClient: table.clientWidth,
            amountLeft: amount.left, amountRight: amount.right,
            headVisible: table.querySelector('thead').getBoundingClientRect().height,
          };
        }"""
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_order_items_stack_on_a_phone(
    browser: Any, order_url: str, lang: str, artifacts: Path
) -> None:
    watch = Watch(browser, viewport=PHONE, locale=lang)
    try:
        page = watch.page()
        page.goto(f"{order_url}&lang={lang}")
        page.locator("#cc-order-items").wait_for()
        widths = _widths(page)
        assert widths["doc"] <= PHONE["width"], widths
        assert widths["tableScroll"] <= widths["tableClient"], widths  # no inner sideways scroll
        assert 0 <= widths["amountLeft"] < widths["amountRight"] <= PHONE["width"], widths
        # the column headings give way to a label per cell, in the page's language
        assert widths["headVisible"] <= 1, widths  # (visually hidden, kept for screen readers)
        amount = page.locator("#cc-order-items tbody td").last
        label = amount.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == f'"{amount.get_attribute("data-label")}"'
        assert (
            amount.get_attribute("data-label")
            == page.locator("#cc-order-items thead th").last.inner_text()
        )
        page.screenshot(path=str(artifacts / f"order-phone-{lang}.png"), full_page=True)
        assert watch.problems == []
    finally:
        watch.close()


def test_order_items_stay_a_table_on_a_wide_screen(browser: Any, order_url: str) -> None:
    watch = Watch(browser, viewport={"width": 1280, "height": 900}, locale="en")
    try:
        page = watch.page()
        page.goto(order_url)
        widths = _widths(page)
        assert widths["headVisible"] > 0
        assert widths["doc"] <= 1280
        assert watch.problems == []
    finally:
        watch.close()
