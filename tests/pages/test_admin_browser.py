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

from castcart.commerce.models import Order
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
    owner = Watch(browser, viewport={"width": 1280, "height": 900}, locale="en-US")
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
    page.screenshot(path=str(artifacts / "admin-product.png"), full_page=True)

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
        order = http.post(
            f"/api/v1/shop/{site.demo.slug}/checkout",
            headers={**auth, "Idempotency-Key": "admin-browser-0001"},
            json={},
        ).json()
        with site.app.state.ctx.db.write() as session:
            row_ = session.get(Order, order["id"])
            row_.shipping_address = {
                "name": "Lena Vogel",
                "street_address": "Kastanienallee 12",
                "city": "Berlin",
                "postal_code": "10435",
                "country_code": "DE",
            }
            row_.contact_email = "lena@example.com"
            row_.contact_phone = "+49 30 1234567"
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
    assert "+49 30 1234567" in detail.inner_text()
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
