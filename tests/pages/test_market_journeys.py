"""The whole journey per market, in real Chromium against the seeded demo store (issue 10,
"Done when"): the seller lists a two-variant product with stock and a photo in the admin;
a shopper in each market picks the second variant, enters an address of that country,
reads localized totals, pays with a local method; every figure on the page is the
invoice's; the seller opens the order, prints the packing slip and ships it; the shopper
sees it shipped. Screenshots: test-artifacts/pages/journey-<cc>-<step>.png.

One browser for the module, one context per shopper and one for the seller; the product is
created once (module fixture) with stock in Berlin (Europe and the Americas, the Gulf) and
Jakarta (Indonesia). Japan is served from Berlin; Japanese is not a page language, so the
JP shopper reads the English page with yen amounts (JPY has no minor unit)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from castcart.commerce.taxsettings import fx_snapshot
from castcart.money import convert, minor_units
from castcart.money.display import format_money
from castcart.pages.i18n import PageLocale, catalog
from castcart.pages.order_view import service_label
from castcart.payment_methods import method_name
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch

HANDLE = "journey-tote"
# English words that must not appear in the summary of a page in another language
ENGLISH = re.compile(
    r"\b(the|is|not|given|assumed|prices|tax|duty|duties|courier|and|import|estimate|paid)\b",
    re.IGNORECASE,
)
TITLE = "Sailcloth market tote"


@dataclass(frozen=True)
class Market:
    cc: str
    lang: str
    locale: str  # the browser's
    timezone: str
    currency: str
    total_format: str  # a regex for the grand total written the market's way
    address: dict[str, str]
    phone: str
    method: str  # one the market offers, not the first of the list
    choices: dict[str, str] = field(default_factory=dict)  # select fields: name → code
    warehouse: str = "BER"
    state_name: str = ""  # the chosen state as the page's language names it


MARKETS = [
    Market(
        "DE", "de", "de-DE", "Europe/Berlin", "EUR", r"^\d{1,3}(\.\d{3})*,\d{2}\xa0€$",
        {"name": "Lena Vogel", "street_address": "Kastanienallee 12", "postal_code": "10435",
         "city": "Berlin"},
        "030 12345678", "sepa_debit",
    ),
    Market(
        "FR", "fr", "fr-FR", "Europe/Paris", "EUR", r"^\d{1,3}(\u202f\d{3})*,\d{2}\xa0€$",
        {"name": "Camille Martin", "street_address": "12 rue de la République",
         "postal_code": "69002", "city": "Lyon"},
        "06 12 34 56 78", "klarna",
    ),
    Market(
        "US", "en", "en-US", "America/Los_Angeles", "USD", r"^\$\d{1,3}(,\d{3})*\.\d{2}$",
        {"name": "Alex Rivera", "street_address": "1 Market St", "city": "San Francisco",
         "postal_code": "94105"},
        "(415) 555-2671", "apple_pay", {"country_area": "CA"}, state_name="California",
    ),
    Market(
        "CA", "en", "en-CA", "America/Toronto", "CAD", r"^CA\$\d{1,3}(,\d{3})*\.\d{2}$",
        {"name": "Sam Tremblay", "street_address": "100 Queen St W", "city": "Toronto",
         "postal_code": "M5H 2N2"},
        "(416) 555-2671", "google_pay", {"country_area": "ON"}, state_name="Ontario",
    ),
    Market(
        "BR", "pt", "pt-BR", "America/Sao_Paulo", "BRL", r"^R\$\xa0\d{1,3}(\.\d{3})*,\d{2}$",
        {"name": "Ana Souza", "street_address": "Rua da Assembleia, 10", "city_area": "Centro",
         "city": "Rio de Janeiro", "postal_code": "20010-010"},
        "(21) 98765-4321", "boleto", {"country_area": "RJ"}, state_name="Rio de Janeiro",
    ),
    Market(
        "MX", "es", "es-MX", "America/Mexico_City", "MXN", r"^\d{1,3}(\.\d{3})*,\d{2}\xa0MXN$",
        {"name": "Lucía Hernández", "street_address": "Av. Paseo de la Reforma 222",
         "city_area": "Juárez", "postal_code": "06600", "city": "Ciudad de México"},
        "55 1234 5678", "oxxo", {"country_area": "CDMX"}, state_name="Ciudad de México",
    ),
    Market(
        "ID", "id", "id-ID", "Asia/Jakarta", "IDR", r"^Rp\xa0\d{1,3}(\.\d{3})*,\d{2}$",
        {"name": "Putri Wulandari", "street_address": "Jl. Jend. Sudirman Kav. 52-53",
         "city": "Jakarta Selatan", "postal_code": "12190"},
        "0812-3456-7890", "bank_transfer", {"country_area": "DKI Jakarta"}, "CGK",
        "DKI Jakarta",
    ),
    Market(
        "SA", "ar", "ar-SA", "Asia/Riyadh", "SAR",
        r"^\u200f\d{1,3}(,\d{3})*\.\d{2}\xa0ر\.س\.\u200f$",
        {"name": "Noura Al-Qahtani", "street_address": "King Fahd Rd 2222", "city": "Riyadh",
         "postal_code": "12271"},
        "050 123 4567", "apple_pay",
    ),
    Market(
        "AE", "ar", "ar-AE", "Asia/Dubai", "AED",
        r"^\u200f\d{1,3}(,\d{3})*\.\d{2}\xa0د\.إ\.\u200f$",
        {"name": "Omar Al Mansoori", "street_address": "Sheikh Zayed Rd 1, Tower 2"},
        "050 123 4567", "google_pay", {"country_area": "إمارة دبيّ"}, state_name="دبي",
    ),
    Market(
        "JP", "en", "ja-JP", "Asia/Tokyo", "JPY", r"^¥\d{1,3}(,\d{3})*$",
        {"name": "Yuki Tanaka", "street_address": "Marunouchi 1-1, Chiyoda-ku",
         "postal_code": "100-0005"},
        "03-1234-5678", "konbini", {"country_area": "東京都"}, state_name="Tokyo",
    ),
]  # fmt: skip


def _png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 480), (220, 200, 160))
    image.paste((40, 70, 120), (160, 120, 480, 360))
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _minor(text: str, currency: str) -> int:
    """'1234.56 EUR' (the invoice's way) → minor units."""
    number, code = text.strip().rsplit(" ", 1)
    assert code == currency, text
    return int(Decimal(number).scaleb(minor_units(currency)))


@dataclass
class Shop:
    product: dict[str, Any]
    second: dict[str, Any]
    seller: Watch
    staff: dict[str, str]


def _staff_headers(site: Site) -> dict[str, str]:
    demo = site.demo
    login = {"store": demo.slug, "email": demo.owner_email, "password": demo.password}
    token = httpx.post(f"{site.url}/api/v1/auth/login", json=login, timeout=10).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def shop(browser: Any, site: Site, artifacts: Path) -> Iterator[Shop]:
    """Step 1, once: the seller lists the product in the admin (real clicks) and the show's
    showcase gets it (API)."""
    seller = Watch(browser, viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        login = seller.context.request.post(
            f"{site.url}/api/v1/auth/session",
            data={"store": site.demo.slug, "email": site.demo.owner_email,
                  "password": site.demo.password},
        )  # fmt: skip
        assert login.status == 204
        page = seller.page()
        page.goto(f"{site.url}/admin")
        page.locator("#cc-products tr").first.wait_for()
        page.get_by_label("Handle").fill(HANDLE)
        page.locator(".tr-title").first.fill(TITLE)
        page.locator(".tr-desc").first.fill("Recycled sailcloth, two sizes, inside pocket.")
        for n, (sku, options, price, berlin, jakarta) in enumerate(
            [("JT-M", "size=M, colour=sand", "22.00", "10", "2"),
             ("JT-XL", "size=XL, colour=sand", "31.50", "30", "6")]
        ):  # fmt: skip
            if n:
                page.get_by_role("button", name="Add a variant").click()
            row = page.locator(".variant").nth(n)
            row.get_by_label("SKU").fill(sku)
            row.get_by_label("Options").fill(options)
            row.get_by_label("Price (EUR)").fill(price)
            row.get_by_label("Stock at Berlin").fill(berlin)
            row.get_by_label("Stock at Jakarta").fill(jakarta)
        page.get_by_label("Upload images").set_input_files(
            files=[{"name": "tote.png", "mimeType": "image/png", "buffer": _png()}]
        )
        page.get_by_label("Image description (alt text)").fill("Sand sailcloth tote")
        page.get_by_role("button", name="Save").click()
        row = page.locator("#cc-products tr", has_text=HANDLE)
        row.wait_for()
        assert row.locator("td").nth(2).inner_text() == "€22.00 – €31.50"
        assert row.locator("td").nth(3).inner_text() == "48"
        assert page.locator("#cc-admin-error").is_hidden()
        page.screenshot(path=str(artifacts / "journey-all-1-product.png"), full_page=True)
        page.close()

        staff = _staff_headers(site)
        with httpx.Client(base_url=site.url, timeout=10, headers=staff) as http:
            product = next(
                p for p in http.get("/api/v1/products?limit=200").json() if p["handle"] == HANDLE
            )
            assert product["images"][0]["url"].startswith("/catalog-images/")
            show = http.get(f"/api/v1/shows/{site.demo.show_id}").json()
            ids = [item["product_id"] for item in show["showcase"]] + [product["id"]]
            put = http.put(f"/api/v1/shows/{site.demo.show_id}/showcase", json={"product_ids": ids})
            assert put.status_code == 200, put.text
        second = next(v for v in product["variants"] if v["sku"] == "JT-XL")
        yield Shop(product, second, seller, staff)
    finally:
        seller.close()


def _cells(page: Any, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        selector,
        "rows => rows.map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent.trim()))",
    )


def _invoice(seller: Watch, site: Site, order_id: str) -> dict[str, Any]:
    """The invoice as the staff member's browser gets it, read into its figures."""
    page = seller.page()
    response = page.goto(f"{site.url}/api/v1/orders/{order_id}/invoice.html")
    assert response is not None
    assert response.status == 200
    tables = page.locator("table")
    out = {
        "lines": _cells(page, "table:first-of-type tbody tr"),
        "totals": {r[0]: r[1] for r in _cells(page, "table:first-of-type tfoot tr")},
        "taxes": [],
        "duties": [],
        "notes": page.locator(".notes p").all_inner_texts(),
        "text": page.locator("body").inner_text(),
        "buyer": page.locator(".parties section").nth(1).inner_text(),
    }
    for n in range(1, tables.count()):
        heading = tables.nth(n).evaluate("t => t.previousElementSibling.textContent.trim()")
        rows = _cells(page, f"table:nth-of-type({n + 1}) tbody tr")
        out["taxes" if heading == "Tax" else "duties"] = rows
    page.close()
    return out


def _fill_checkout(page: Any, market: Market) -> None:
    page.locator("#cc-addr-name").wait_for()
    for name, value in market.address.items():
        page.locator(f"#cc-addr-{name}").fill(value)
    for name, code in market.choices.items():
        page.locator(f"#cc-addr-{name}").select_option(code)
    page.locator("#cc-email").fill(f"shopper-{market.cc.lower()}@example.com")
    page.locator("#cc-phone").fill(market.phone)
    page.locator("#cc-consent").check()


@pytest.mark.parametrize("market", MARKETS, ids=[m.cc for m in MARKETS])
def test_seller_and_shopper_journey(
    browser: Any, site: Site, shop: Shop, market: Market, artifacts: Path
) -> None:
    shot = lambda page, step: page.screenshot(  # noqa: E731
        path=str(artifacts / f"journey-{market.cc.lower()}-{step}.png"), full_page=True
    )
    strings = catalog(market.lang)
    cur, lang = market.currency, market.lang

    # 1. The seller's catalog: the product, with the stock left before this order.
    admin = shop.seller.page()
    admin.goto(f"{site.url}/admin")
    row = admin.locator("#cc-products tr", has_text=HANDLE)
    row.wait_for()
    shot(admin, "1-product")

    # 2. The shopper: second variant, two of it, an address of the country, the quote.
    shopper = Watch(browser, viewport=PHONE, locale=market.locale, timezone_id=market.timezone)
    try:
        page = shopper.page()
        page.goto(f"{site.show_url}?lang={lang}&country={market.cc}")
        assert page.locator("html").get_attribute("lang") == lang
        card = page.locator(f"#card-{shop.product['id']}")
        assert card.locator("img.card-img").get_attribute("alt") == "Sand sailcloth tote"
        card.locator("select.variant").select_option(shop.second["id"])
        # The card and the cart line in the shopper's currency (the quote's), not the store's:
        # the price converted per unit at the quote's FX snapshot, written the page's way.
        unit = convert(shop.second["price_amount"], "EUR", cur, fx_snapshot(site.settings))
        card_price = card.locator(".price-now").inner_text()
        assert card_price == format_money(unit, cur, lang), card_price
        assert re.match(market.total_format, card_price), card_price
        card.locator("input.qty").fill("2")
        card.locator("button.add").click()
        page.locator("#cc-cart-count", has_text="2").wait_for()
        cart_price = page.locator("#cc-cart-lines .cart-line .cart-price").inner_text()
        assert cart_price == format_money(unit * 2, cur, lang), cart_price
        assert page.locator("#cc-country").input_value() == market.cc
        _fill_checkout(page, market)
        if market.state_name:
            chosen = page.locator("#cc-addr-country_area option:checked").inner_text()
            assert chosen == market.state_name
        page.locator("#cc-quote-form button[type=submit]").click()
        quote = page.locator("#cc-quote")
        quote.wait_for(state="visible")
        assert page.locator("#cc-form-error").is_hidden()
        lines = _cells(page, "#cc-quote-lines tr")
        totals = _cells(page, "#cc-quote-totals tr")
        grand = page.locator("#cc-quote-totals .grand-total td").inner_text()
        assert re.match(market.total_format, grand), grand
        assert totals[0][0] == strings["shop.subtotal"]
        assert totals[1][0] == strings["shop.shipping"]
        # Tax names and notes in the page's language: none stays in English.
        if lang != "en":
            notes = page.locator("#cc-quote-notes li").all_inner_texts()
            for text in [label for label, _ in totals] + notes:
                assert not ENGLISH.search(text), text
        methods = page.locator("#cc-pay-methods input[name=payment_method]")
        offered = [methods.nth(i).get_attribute("value") for i in range(methods.count())]
        assert market.method in offered[1:], offered
        page.locator(f"#cc-pm-{market.method}").check()
        shot(page, "2-quote")

        page.locator("#cc-place-order").click()
        page.locator("#cc-sandbox").wait_for(state="visible")
        sandbox_amount = page.locator("#cc-sandbox-amount").inner_text()
        shot(page, "2-sandbox")
        page.locator("#cc-sandbox-pay").click()
        status = page.locator("#cc-order-status")
        paid_text = strings["shop.order_paid"].split("{number}")[1].strip()
        page.locator("#cc-order-status", has_text=paid_text).wait_for()
        shot(page, "2-paid")
        token = json.loads(
            page.evaluate(f"localStorage.getItem('castcart:{site.demo.slug}:shopper')")
        )["token"]
        auth = {"Authorization": f"Bearer {token}"}
        base = f"{site.url}/api/v1/shop/{site.demo.slug}"
        [order] = httpx.get(f"{base}/orders", headers=auth, timeout=10).json()
        assert order["number"] in status.inner_text()
        assert order["status"] == "paid"
        assert order["currency"] == cur
        assert order["payment_method"] == market.method
        [line] = order["lines"]
        assert (line["sku"], line["quantity"]) == ("JT-XL", 2)
        assert [s["warehouse_code"] for s in order["shipments"]] == [market.warehouse]

        # 3. Every figure on the page is the invoice's, in the same currency.
        invoice = _invoice(shop.seller, site, order["id"])
        fmt = lambda text: format_money(_minor(text, cur), cur, lang)  # noqa: E731
        assert [r[0].split(" × ")[0] for r in lines] == [TITLE]
        assert [r[1] for r in lines] == [fmt(r[4]) for r in invoice["lines"]]
        assert invoice["lines"][0][1:3] == ["JT-XL", "2"]
        want = [fmt(invoice["totals"]["Subtotal"]), fmt(invoice["totals"]["Shipping"])]
        want += [fmt(r[3]) for r in invoice["taxes"]] + [fmt(r[3]) for r in invoice["duties"]]
        want.append(fmt(invoice["totals"]["Total"]))
        due = [n for n in invoice["notes"] if n.startswith("Import taxes and duties of about")]
        if due:
            amount = re.search(r"about ([\d.]+ [A-Z]{3})", due[0])
            assert amount is not None
            want.append(fmt(amount.group(1)))
            assert page.locator("#cc-quote-totals .due-import").count() == 1
        assert [r[1] for r in totals] == want
        assert sandbox_amount == fmt(invoice["totals"]["Total"])
        assert f"Payment method: {method_name(market.method, 'en', market.cc)}" in invoice["text"]
        buyer = invoice["buyer"].casefold()  # (the postal format may want capitals)
        assert market.address["name"].casefold() in buyer, buyer
        assert market.address["street_address"].casefold() in buyer, buyer
        assert f"shopper-{market.cc.lower()}@example.com" in buyer

        # 4. The seller: the order with customer, address, tax lines, method; slip; shipped.
        admin.get_by_role("tab", name="Orders").click()
        listed = admin.locator("#cc-orders tr", has_text=order["number"])
        total_minor = _minor(invoice["totals"]["Total"], cur)
        # the admin list writes it the admin's way (English), same figure as the invoice
        assert listed.locator("td").nth(2).inner_text() == format_money(total_minor, cur, "en")
        admin.get_by_role("button", name=f"Order {order['number']}").click()
        detail = admin.locator("#cc-order-detail")
        detail.get_by_role("heading", name=f"Order {order['number']}").wait_for()
        text = detail.inner_text()
        assert f"shopper-{market.cc.lower()}@example.com" in text
        assert order["contact_phone"] in text
        address = detail.locator("#cc-order-address").inner_text()
        assert market.address["name"] in address
        assert market.address["street_address"] in address
        # the method by its name in the admin's language, its id kept for tools
        method = detail.locator("#cc-order-method")
        assert method.get_attribute("data-method") == market.method
        assert method.inner_text() == method_name(market.method, "en", market.cc)
        assert method.inner_text() != market.method
        assert detail.locator("#cc-order-taxes tr").count() == len(order["tax_lines"])
        assert market.warehouse in detail.locator("#cc-pick-list").inner_text()
        # the shipping service named, not its code ("standard", "express")
        codes = [s["service"] for s in order["shipments"]]
        assert all(service_label(PageLocale("en"), c) != c for c in codes), codes
        admin_shipments = detail.locator("#cc-order-shipments").inner_text()
        for code in codes:
            assert service_label(PageLocale("en"), code) in admin_shipments, admin_shipments
        shot(admin, "4-order")
        with admin.expect_popup() as popup:
            detail.get_by_role("link", name="Print packing slip").click()
        slip = popup.value
        slip.get_by_role("heading", name="Packing slip").wait_for()
        assert slip.locator("#cc-slip-number").inner_text() == order["number"]
        # (the slip writes the address the postal way: Canada Post wants it in capitals)
        slip_address = slip.locator("#cc-slip-address").inner_text().casefold()
        assert market.address["name"].casefold() in slip_address
        assert "JT-XL" in slip.locator(".slip-group").inner_text()
        shot(slip, "4-packing-slip")
        slip.close()
        tracking = f"JD{market.cc}0001234567"
        admin.get_by_label("Carrier").fill("DHL Express")
        admin.get_by_label("Tracking number").fill(tracking)
        admin.get_by_role("button", name="Mark shipped").click()
        detail.get_by_text(f"Shipped with DHL Express: {tracking}").wait_for()
        assert admin.locator("#cc-admin-error").is_hidden()
        shot(admin, "4-shipped")

        # 5. The shopper's side: the order page (linked from the paid panel) shows it shipped.
        shipped = httpx.get(f"{base}/orders/{order['id']}", headers=auth, timeout=10).json()
        assert shipped["status"] == "fulfilled"
        link = page.locator("#cc-order-link")
        link.wait_for(state="visible")
        assert link.get_attribute("href") == f"{shipped['order_page_url']}&lang={lang}"
        link.click()
        page.locator("#cc-order-number").wait_for()
        assert page.locator("#cc-order-number").inner_text() == order["number"]
        shipments = page.locator("#cc-order-shipments").inner_text()
        assert tracking in shipments
        assert "DHL Express" in shipments
        for code in codes:
            assert f"· {service_label(PageLocale(lang), code)}" in shipments, shipments
        assert page.locator("#cc-order-total").inner_text() == fmt(invoice["totals"]["Total"])
        shot(page, "5-shipped")
        assert shopper.problems == []
        assert shop.seller.problems == []
    finally:
        admin.close()
        shopper.close()


@pytest.mark.parametrize(
    ("lang", "country", "key"),
    [
        ("fr", "FR", "note.distance_sales_assumed"),
        ("fr", "CA", "note.duty_estimates"),
        ("es", "MX", "tax.Tasa global (courier: duty and IVA)"),
        ("ar", "US", "note.us_duty_not_estimated"),
        ("pt", "US", "tax.Sales tax"),
        ("fr", "CA", "tax.HST"),
    ],
)
def test_quote_text_is_in_the_page_language(
    browser: Any, site: Site, lang: str, country: str, key: str
) -> None:
    """Regression: tax-engine notes reached French pages in English, and Mexico's courier
    rate was labelled half in English on Spanish pages."""
    watch = Watch(browser, viewport=PHONE, locale=f"{lang}-{country}")
    try:
        page = watch.page()
        page.goto(f"{site.show_url}?lang={lang}&country={country}")
        page.locator(".card button.add").first.click()
        page.locator("#cc-cart-count", has_text="1").wait_for()
        _fill_checkout(page, next(m for m in MARKETS if m.cc == country))
        page.locator("#cc-quote-form button[type=submit]").click()
        page.locator("#cc-quote").wait_for(state="visible")
        shown = page.locator("#cc-quote-notes li, #cc-quote-totals th").all_inner_texts()
        wanted = catalog(lang)[key].split("{")[0]  # (the text before the note's values)
        assert wanted.strip()
        assert any(text.startswith(wanted) for text in shown), shown
        assert watch.problems == []
    finally:
        watch.close()


def test_address_typed_while_the_form_loads_is_kept(browser: Any, site: Site) -> None:
    """Regression: a second 'change' of the destination while its form was still loading
    fetched it again, and the late answer wiped what the shopper had typed meanwhile."""
    watch = Watch(browser, viewport=PHONE, locale="pt-BR")
    held: list[Any] = []
    try:
        page = watch.page()
        page.route(re.compile(r"/checkout/address-form/"), lambda route: held.append(route))
        page.goto(f"{site.show_url}?lang=pt&country=BR")
        with page.expect_request(re.compile(r"/checkout/address-form/BR")):
            page.locator(".card button.add").first.click()  # the cart asks for the form
        page.locator("#cc-country").select_option("BR")  # 'change' while it is loading
        held[0].continue_()
        page.locator("#cc-addr-name").fill("Ana Souza")
        asked = len(held)
        for route in held[1:]:  # the old page had asked again: let that answer arrive
            route.continue_()
        page.locator("#cc-email").fill("ana@example.com")
        page.locator("#cc-addr-street_address").wait_for()
        assert page.locator("#cc-addr-name").input_value() == "Ana Souza"
        assert asked == 1  # one request for one country
        assert watch.problems == []
    finally:
        watch.close()
