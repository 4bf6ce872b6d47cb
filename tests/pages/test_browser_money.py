"""Prices in real Chromium equal the server's: a EUR 19 tote shipped to Indonesia is quoted
in rupiah with the ISO 4217 exponent (not 100x too high), the card price the server
rendered is what the page script would write, and nothing on the page uses ICU's guess."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from castcart.commerce.taxsettings import fx_snapshot
from castcart.money import convert
from castcart.money.display import format_money
from castcart.pages.i18n import catalog
from tests.helpers import address_for
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch


def _address(page: Any, country: str) -> None:
    """Checkout requires a deliverable address: fill the destination's form once it is the
    one of ``country`` (its state list is there)."""
    address = address_for(country)
    area = address.get("country_area")
    if area:
        page.locator(f'#cc-addr-country_area option[value="{area}"]').wait_for(state="attached")
        page.locator("#cc-addr-country_area").select_option(area)
    for name, value in address.items():
        if name not in ("country_area", "country_code"):
            page.locator(f"#cc-addr-{name}").fill(value)
    page.locator("#cc-email").fill("shopper@example.com")


def test_eur_19_tote_is_quoted_in_the_right_rupiah(
    browser: Any, site: Site, artifacts: Path
) -> None:
    watch = Watch(browser, viewport=PHONE, locale="id-ID")
    try:
        page = watch.page()
        page.goto(site.show_url)
        card = page.locator(".card", has_text="Tas katun organik")
        # The card is in the shopper's currency (the Indonesian page guesses ID from the
        # browser): EUR 19 converted at the quote's snapshot, written as the server writes it.
        sen = convert(1900, "EUR", "IDR", fx_snapshot(site.settings))
        assert card.locator(".price-now").inner_text() == format_money(sen, "IDR", "id")
        card.locator("button.add").click()
        page.locator("#cc-cart-count", has_text="1").wait_for()
        page.locator("#cc-country").select_option("ID")
        _address(page, "ID")
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


def _quote(page: Any, country: str) -> dict[str, Any]:
    page.locator("#cc-country").select_option(country)
    _address(page, country)
    with page.expect_response(re.compile(r"/cart/quote$")) as answer:
        page.locator("#cc-quote-form button[type=submit]").click()
    page.locator("#cc-quote").wait_for(state="visible")
    data: dict[str, Any] = answer.value.json()
    return data


def _rows(page: Any) -> list[tuple[str, str, str]]:
    rows = page.locator("#cc-quote-totals tr")
    return [
        (
            rows.nth(i).get_attribute("class") or "",
            rows.nth(i).locator("th").inner_text(),
            rows.nth(i).locator("td").inner_text(),
        )
        for i in range(rows.count())
    ]


@pytest.mark.parametrize(("locale", "country"), [("id-ID", "ID"), ("pt-BR", "BR"), ("de-DE", "MX")])
def test_checkout_summary_is_localized_and_labelled_by_how_tax_applies(
    browser: Any, site: Site, artifacts: Path, locale: str, country: str
) -> None:
    lang = locale.split("-")[0]
    strings = catalog(lang)
    watch = Watch(browser, viewport=PHONE, locale=locale)
    try:
        page = watch.page()
        page.goto(site.show_url)
        page.locator(".card button.add").first.click()
        page.locator("#cc-cart-count", has_text="1").wait_for()
        q = _quote(page, country)
        rows = _rows(page)
        text = page.locator("#cc-quote").inner_text()
        # Tax names from the page's catalog, never the engine's English.
        for line in q["tax_lines"] + q["duty_lines"]:
            key = f"tax.{line['name']}"
            if key in strings and strings[key] != line["name"]:
                assert strings[key] in text
                assert line["name"] not in [r[1].split(" (")[0] for r in rows]
        # "incl." only on lines inside the prices; Brazil's ICMS and duty are added on top.
        incl = strings["shop.included"].split("{tax}")[0].strip()
        for line in q["tax_lines"] + q["duty_lines"]:
            label = next(
                r[1] for r in rows if r[2] == format_money(line["amount"], q["currency"], lang)
            )
            assert label.startswith(incl) == bool(line["included"]), (label, line)
        # One total to pay now; what is due at import apart and clearly labelled.
        grand = [r for r in rows if "grand-total" in r[0]]
        assert len(grand) == 1
        if q["due_at_import_amount"]:
            assert grand[0][1] == strings["shop.total_now"]
            assert grand[0][2] == format_money(q["due_at_checkout_amount"], q["currency"], lang)
            later = [r for r in rows if "due-import" in r[0]]
            assert later == [
                ("due-import", strings["shop.due_at_import_later"],
                 format_money(q["due_at_import_amount"], q["currency"], lang))
            ]  # fmt: skip
        else:
            assert grand[0][2] == format_money(q["total_amount"], q["currency"], lang)
        # Payment methods of the buyer's market only (no Mexican SPEI in Germany, ...).
        methods = page.locator("#cc-pay-methods label").all_inner_texts()
        assert methods == [m["name"] for m in q["payment_methods"]]
        assert ("SPEI" in " ".join(methods)) == (country == "MX")
        # The cart lines are in the page language like the summary.
        cart_titles = page.locator("#cc-cart-lines .cart-title").all_inner_texts()
        assert cart_titles == [ln["title"] for ln in q["lines"]]
        page.screenshot(path=str(artifacts / f"quote-{country.lower()}-{lang}.png"), full_page=True)
        assert watch.problems == []
    finally:
        watch.close()


def test_cards_and_cart_follow_the_destination_currency(browser: Any, site: Site) -> None:
    """Issue 10: cards and cart lines stayed in euros while the quote was in the
    destination's currency; choosing another destination re-prices them at once."""
    watch = Watch(browser, viewport=PHONE, locale="en-DE")
    fx = fx_snapshot(site.settings)
    try:
        page = watch.page()
        page.goto(f"{site.show_url}?lang=en&country=DE")
        card = page.locator(".card", has_text="Organic cotton tote")
        assert card.locator(".price-now").inner_text() == format_money(1900, "EUR", "en")
        card.locator("button.add").click()
        page.locator("#cc-cart-count", has_text="1").wait_for()
        page.locator("#cc-country").select_option("SA")
        riyal = format_money(convert(1900, "EUR", "SAR", fx), "SAR", "en")
        assert card.locator(".price-now").inner_text() == riyal
        cart = page.locator("#cc-cart-lines .cart-line .cart-price")
        assert cart.inner_text() == riyal
        page.locator("#cc-country").select_option("DE")
        assert cart.inner_text() == format_money(1900, "EUR", "en")
        assert watch.problems == []
    finally:
        watch.close()
