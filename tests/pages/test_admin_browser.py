"""The seller's admin in real Chromium against a real server: a product with two variants,
stock per warehouse and an uploaded image, available on the shop page; then an order (placed
through the API) opened, its packing slip printed and the order marked shipped.
Screenshots go to test-artifacts/pages/."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from tests.pages.conftest import Site
from tests.pages.test_browser import Watch

TIMEOUT_MS = 20_000


def _photo() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1200, 900), (30, 90, 160))
    image.paste((240, 200, 40), (300, 200, 900, 700))
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _staff_token(http: httpx.Client, site: Site) -> dict[str, str]:
    login = {
        "store": site.demo.slug,
        "email": site.demo.owner_email,
        "password": site.demo.password,
    }
    token = http.post("/api/v1/auth/login", json=login).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_seller_lists_a_product_then_packs_and_ships_an_order(
    browser: Any, site: Site, artifacts: Path
) -> None:
    owner = Watch(
        browser,
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        timezone_id="Asia/Riyadh",  # the show form's local time is the seller's
    )
    try:
        _journey(owner, site, artifacts)
    finally:
        owner.close()


def _journey(owner: Watch, site: Site, artifacts: Path) -> None:
    login = owner.context.request.post(
        f"{site.url}/api/v1/auth/session",
        data={
            "store": site.demo.slug,
            "email": site.demo.owner_email,
            "password": site.demo.password,
        },
    )
    assert login.status == 204
    page = owner.page()
    page.goto(f"{site.url}/admin")
    page.locator("#cc-products tr").first.wait_for()

    # A product with two variants (size), stock in Berlin for both, and a photo.
    page.get_by_label("Handle").fill("canvas-tote")
    page.locator(".tr-title").first.fill("Canvas tote")
    page.locator(".tr-desc").first.fill("The best tote in the world.")
    first = page.locator(".variant").nth(0)
    first.get_by_label("SKU").fill("TOTE-S")
    first.get_by_label("Options").fill("size=S, colour=blue")
    first.get_by_label("Price (EUR)").fill("19.00")
    first.get_by_label("Stock at Berlin").fill("5")
    page.get_by_role("button", name="Add a variant").click()
    second = page.locator(".variant").nth(1)
    second.get_by_label("SKU").fill("TOTE-L")
    second.get_by_label("Options").fill("size=L, colour=blue")
    second.get_by_label("Price (EUR)").fill("21.00")
    second.get_by_label("Stock at Berlin").fill("3")
    page.get_by_label("Upload images").set_input_files(
        files=[{"name": "tote.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.get_by_label("Image description (alt text)").fill("Blue canvas tote")
    page.get_by_role("button", name="Save").click()
    row = page.locator("#cc-products tr", has_text="canvas-tote")
    row.wait_for()
    cells = row.locator("td")
    assert cells.nth(2).inner_text() == "€19.00 – €21.00"
    assert cells.nth(3).inner_text() == "8"  # available: 5 + 3
    assert page.locator("#cc-admin-error").is_hidden()
    assert "compliance findings" in page.locator("#cc-admin-msg").inner_text()

    # The findings are shown where they were announced; one is resolved with a note.
    findings = page.locator("#cc-findings")
    findings.get_by_role("heading", name="Compliance findings: Canvas tote").wait_for()
    claim = findings.locator("li.finding", has_text="Absolute claim").first
    assert "best" in claim.inner_text()
    page.screenshot(path=str(artifacts / "admin-product.png"), full_page=True)
    open_before = findings.locator("li.finding.is-open").count()
    claim.get_by_label("Note (why this is fine or what was done)").fill("Award-winning design")
    claim.get_by_role("button", name="Mark resolved").click()
    findings.get_by_text("Resolved: Award-winning design").wait_for()
    assert findings.locator("li.finding.is-open").count() == open_before - 1

    with httpx.Client(base_url=site.url, timeout=10) as http:
        staff = _staff_token(http, site)
        product = next(
            p
            for p in http.get("/api/v1/products?limit=200", headers=staff).json()
            if p["handle"] == "canvas-tote"
        )
        assert sorted(v["sku"] for v in product["variants"]) == ["TOTE-L", "TOTE-S"]
        assert {v["sku"]: v["options"]["size"] for v in product["variants"]} == {
            "TOTE-L": "L",
            "TOTE-S": "S",
        }
        assert product["images"][0]["url"].startswith("/catalog-images/")
        # put it in the demo show's showcase
        show = http.get(f"/api/v1/shows/{site.demo.show_id}", headers=staff).json()
        ids = [item["product_id"] for item in show["showcase"]] + [product["id"]]
        put = http.put(
            f"/api/v1/shows/{site.demo.show_id}/showcase",
            headers=staff,
            json={"product_ids": ids},
        )
        assert put.status_code == 200, put.text

    # A show for Saudi Arabia at Friday noon: the form warns (Friday prayer) before saving,
    # and a second "Schedule" saves it with its market and showcase.
    page.get_by_role("tab", name="Shows").click()
    form = page.locator("#cc-show-form")
    form.get_by_label("Title").fill("Tote launch for Riyadh")
    form.get_by_label("Scheduled for").fill("2026-12-11T12:00")
    form.get_by_label("Saudi Arabia (SA)").check()
    form.get_by_label("Germany (DE)").uncheck()
    form.get_by_label("Canvas tote").check()
    form.get_by_role("button", name="Schedule").click()
    warning = page.locator("#cc-schedule-check .warn").first
    warning.wait_for()
    assert "Saudi Arabia" in warning.inner_text()
    assert page.locator("#cc-admin-msg").inner_text() == (
        "The time clashes in a target market. Schedule anyway?"
    )
    page.screenshot(path=str(artifacts / "admin-show-schedule-check.png"), full_page=True)
    form.get_by_role("button", name="Schedule").click()
    page.get_by_role("link", name="Tote launch for Riyadh").wait_for()
    assert page.locator("#cc-admin-msg").inner_text() == "Saved."
    with httpx.Client(base_url=site.url, timeout=10) as http:
        staff = _staff_token(http, site)
        created = next(
            s
            for s in http.get("/api/v1/shows", headers=staff).json()
            if s["title"] == "Tote launch for Riyadh"
        )
        assert created["markets"] == ["SA"]
        assert created["scheduled_at"].startswith("2026-12-11T09:00")  # 12:00 in Riyadh
        detail = http.get(f"/api/v1/shows/{created['id']}", headers=staff).json()
        assert [item["product_id"] for item in detail["showcase"]] == [product["id"]]

    # The shopper page shows it with its image, available (not "Sold out").
    shop = owner.page()
    shop.goto(f"{site.show_url}?lang=en")
    card = shop.locator(".card", has_text="Canvas tote")
    card.wait_for()
    image = card.locator("img.card-img")
    assert image.get_attribute("src") == product["images"][0]["url"]
    assert image.get_attribute("alt") == "Blue canvas tote"
    shop.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 480", arg=image.element_handle()
    )
    add = card.locator("button.add")
    assert add.is_enabled()
    assert add.inner_text() == "Add to cart"
    shop.screenshot(path=str(artifacts / "shop-new-product.png"), full_page=True)

    # An order through the API, paid; the address and contact as checkout records them.
    variant = next(v for v in product["variants"] if v["sku"] == "TOTE-L")
    with httpx.Client(base_url=site.url, timeout=10) as http:
        shopper = http.post(
            f"/api/v1/shop/{site.demo.slug}/sessions", json={"locale": "en", "country": "DE"}
        ).json()
        auth = {"Authorization": f"Bearer {shopper['token']}"}
        added = http.post(
            f"/api/v1/shop/{site.demo.slug}/cart/lines",
            headers=auth,
            json={"variant_id": variant["id"], "quantity": 2},
        )
        assert added.status_code in (200, 201), added.text
        placed = http.post(
            f"/api/v1/shop/{site.demo.slug}/checkout",
            headers={**auth, "Idempotency-Key": "admin-browser-0001"},
            json={
                "shipping_address": {
                    "name": "Lena Vogel",
                    "street_address": "Kastanienallee 12",
                    "city": "Berlin",
                    "postal_code": "10435",
                    "country_code": "DE",
                },
                "contact_email": "lena@example.com",
                "contact_phone": "+49 30 1234567",
            },
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()
        payment = http.post(
            f"/api/v1/shop/{site.demo.slug}/orders/{order['id']}/payments", headers=auth
        ).json()
        paid = http.post(
            f"/api/v1/sandbox/payments/{payment['reference']}", json={"outcome": "succeeded"}
        )
        assert paid.json()["status"] == "succeeded"

    # The seller opens it: customer, address, pick list.
    page.get_by_role("tab", name="Orders").click()
    page.get_by_role("button", name=f"Order {order['number']}").click()
    detail = page.locator("#cc-order-detail")
    detail.get_by_role("heading", name=f"Order {order['number']}").wait_for()
    assert "lena@example.com" in detail.inner_text()
    assert "+49301234567" in detail.inner_text()  # stored as E.164
    address = detail.locator("#cc-order-address").inner_text()
    assert "Lena Vogel" in address
    assert "Kastanienallee 12" in address
    assert "10435 Berlin" in address
    assert "Germany" in address
    pick = detail.locator("#cc-pick-list").inner_text()
    assert "TOTE-L" in pick
    assert "BER" in pick

    # The packing slip opens in its own tab, print-ready; printed to PDF.
    with page.expect_popup() as popup:
        detail.get_by_role("link", name="Print packing slip").click()
    slip = popup.value
    slip.set_default_timeout(TIMEOUT_MS)
    slip.get_by_role("heading", name="Packing slip").wait_for()
    assert slip.locator("#cc-slip-number").inner_text() == order["number"]
    assert "Lena Vogel" in slip.locator("#cc-slip-address").inner_text()
    assert "TOTE-L" in slip.locator(".slip-group").inner_text()
    slip.emulate_media(media="print")
    assert slip.locator("#cc-print").is_hidden()  # no buttons on paper
    slip.screenshot(path=str(artifacts / "packing-slip.png"), full_page=True)
    pdf = slip.pdf(path=str(artifacts / "packing-slip.pdf"))
    assert pdf.startswith(b"%PDF")
    slip.close()

    # Shipped with carrier and tracking: the order is fulfilled.
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("00340434161234567890")
    page.get_by_label("Tracking link (optional)").fill(
        "https://www.dhl.de/en/privatkunden.html?piececode=00340434161234567890"
    )
    page.get_by_role("button", name="Mark shipped").click()
    detail.get_by_text("Shipped with DHL: 00340434161234567890").wait_for()
    assert "Fulfilled" in detail.locator("p").first.inner_text()
    assert page.locator("#cc-admin-msg").inner_text() == "Saved."
    assert page.locator("#cc-admin-error").is_hidden()
    page.screenshot(path=str(artifacts / "admin-order-shipped.png"), full_page=True)
    assert "null" not in detail.inner_text()
    assert owner.problems == []
