"""Prices in real Chromium equal the server's: a EUR 19 tote shipped to Indonesia is quoted
in rupiah with the ISO 4217 exponent (not 100x too high), the card price the server
rendered is what the page script would write, and nothing on the page uses ICU's guess."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from castcart.commerce.taxsettings import fx_snapshot
from castcart.money import convert
from castcart.money.display import format_money
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch


def test_eur_19_tote_is_quoted_in_the_right_rupiah(
    browser: Any, site: Site, artifacts: Path
) -> None:
    watch = Watch(browser, viewport=PHONE, locale="id-ID")
    try:
        page = watch.page()
        page.goto(site.show_url)
        card = page.locator(".card", has_text="Organic cotton tote")
        # Server-rendered card price, written as the page script writes EUR in Indonesian.
        assert card.locator(".price-now").inner_text() == format_money(1900, "EUR", "id")
        card.locator("button.add").click()
        page.locator("#cc-cart-count", has_text="1").wait_for()
        page.locator("#cc-country").select_option("ID")
        with page.expect_response(re.compile(r"/cart/quote$")) as answer:
            page.locator("#cc-quote-form button[type=submit]").click()
        q = answer.value.json()
        quote = page.locator("#cc-quote")
        quote.wait_for(state="visible")

        assert q["currency"] == "IDR"
        # The line is the tote net of German VAT (an export), converted at the snapshot rate:
        # within a few rupiah of EUR 19 / 1.19 converted (rounding happens after conversion).
        rupiah = q["lines"][0]["line_total_amount"]
        approx = convert(round(1900 / Decimal("1.19")), "EUR", "IDR", fx_snapshot(site.settings))
        assert abs(rupiah - approx) < 100_00
        assert 200_000_00 < rupiah < 400_000_00  # about Rp 300 000, in sen (exponent 2)
        expected = format_money(rupiah, "IDR", "id")
        assert re.fullmatch(r"Rp\u00a0\d{3}\.\d{3},\d\d", expected)
        assert page.locator("#cc-quote-lines td").first.inner_text() == expected
        # Every amount of the summary is the server's writing of the quote's figure.
        total = q.get("total_amount") or q["due_at_checkout_amount"]
        assert format_money(total, "IDR", "id") in quote.inner_text()
        # The rate's date is shown next to the converted prices (bundled: 21 Oct 2025).
        rate_note = quote.locator(".fx-rate").inner_text()
        assert "2025" in rate_note
        assert "1 EUR" in rate_note
        page.screenshot(path=str(artifacts / "quote-idr.png"), full_page=True)
        assert watch.problems == []
    finally:
        watch.close()
