"""Checkout in real Chromium for the markets whose tax depends on the state: the shopper
picks a variant and a quantity, fills the address form the destination's format gives
(state select), sees the state's tax (US sales tax, Brazil's ICMS), pays with the market's
method; the order records the address, contact and method. Screenshots in
test-artifacts/pages/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import Api
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch, _open, contexts  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def market_shop(site: Site) -> dict[str, Any]:
    """A German store with a two-variant product (the second dearer) shipping worldwide."""
    with httpx.Client(base_url=site.url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        store = api.store(country="DE", currency="EUR")
        berlin = api.warehouse(store, "BER", "DE")
        api.ok(
            "POST",
            "/api/v1/shipping-lanes",
            201,
            headers=store["headers"],
            json={
                "warehouse_id": berlin["id"],
                "carrier": "dhl-express",
                "destinations": ["US", "BR", "CA", "DE"],
                "transit_days_min": 3,
                "transit_days_max": 6,
                "currency": "EUR",
                "flat_amount": 1500,
            },
        )
        product = api.product(store, price=3000, stock=20, warehouse=berlin, skus=2)
        large = product["variants"][1]
        api.ok(
            "PATCH",
            f"/api/v1/variants/{large['id']}",
            headers=store["headers"],
            json={"price_amount": 4500},
        )
        show = api.show(store, [product], live=True)
    return {"store": store, "show": show, "product": product, "large": large}


def _orders(site: Site, shop: dict[str, Any]) -> list[dict[str, Any]]:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        response = client.get("/api/v1/orders", headers=shop["store"]["headers"])
        response.raise_for_status()
        data = response.json()
        return data["items"] if isinstance(data, dict) else data


def _buy(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
    shop: dict[str, Any],
    *,
    lang: str,
    country: str,
    address: dict[str, str],
    state: str,
    phone: str,
    method: str,
    texts: dict[str, str],
    artifacts: Path,
) -> Any:
    watch = _open(browser, contexts, viewport=PHONE)
    page = watch.page()
    slug = shop["store"]["store"]["slug"]
    page.goto(f"{site.url}/s/{slug}/shows/{shop['show']['id']}?lang={lang}&country={country}")
    card = page.locator(f"#card-{shop['product']['id']}")
    card.locator("select.variant").select_option(shop["large"]["id"])
    card.locator("input.qty").fill("2")
    card.locator("button.add").click()
    page.locator("#cc-cart-count", has_text="2").wait_for()

    form = page.locator("#cc-quote-form")
    assert page.locator("#cc-country").input_value() == country
    page.locator("#cc-addr-street_address").wait_for()
    # The state is a choice list with the country's states; its label is localized.
    assert page.locator("label[for=cc-addr-country_area]").inner_text().startswith(texts["state"])
    for name, value in address.items():
        page.locator(f"#cc-addr-{name}").fill(value)
    page.locator("#cc-addr-country_area").select_option(state)
    page.locator("#cc-email").fill("alex@example.com")
    page.locator("#cc-phone").fill(phone)
    page.locator("#cc-consent").check()

    # A wrong postal code is refused next to the field, in the page's language.
    good_postal = address["postal_code"]
    page.locator("#cc-addr-postal_code").fill("1")
    form.locator("button[type=submit]").click()
    error = page.locator("#cc-err-postal_code")
    error.wait_for(state="visible")
    assert error.inner_text() == texts["invalid"]
    page.screenshot(path=str(artifacts / f"checkout-{country}-postal-error.png"), full_page=True)
    page.locator("#cc-addr-postal_code").fill(good_postal)
    form.locator("button[type=submit]").click()

    quote = page.locator("#cc-quote")
    quote.wait_for(state="visible")
    assert texts["tax"] in quote.inner_text()
    page.locator(f"#cc-pm-{method}").check()
    page.screenshot(path=str(artifacts / f"checkout-{country}-quote.png"), full_page=True)
    page.locator("#cc-place-order").click()
    page.locator("#cc-sandbox-pay").click()
    page.locator("#cc-order-status", has_text=texts["paid"]).wait_for()
    page.screenshot(path=str(artifacts / f"checkout-{country}-paid.png"), full_page=True)
    assert watch.problems == []
    number = page.locator("#cc-order-status").inner_text()
    [order] = [o for o in _orders(site, shop) if o["number"] in number]
    return order


# A buyer in San Francisco paying by card: the state select sets CA sales tax (7.25 %).
CALIFORNIA_PURCHASE: dict[str, Any] = {
    "lang": "en",
    "country": "US",
    "address": {
        "name": "Alex Shopper",
        "street_address": "1 Market St",
        "city": "San Francisco",
        "postal_code": "94105",
    },
    "state": "CA",
    "phone": "(415) 555-2671",
    "method": "card",
    "texts": {
        "state": "State",
        "invalid": "This does not look right for this country.",
        "tax": "7.25",
        "paid": "is paid",
    },
}


def test_us_state_select_sets_the_state_sales_tax(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
    market_shop: dict[str, Any],
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
    assert order["status"] == "paid"
    assert order["destination_region"] == "CA"
    assert [t["jurisdiction"] for t in order["tax_lines"]] == ["US-CA"]
    assert order["payment_method"] == "card"
    assert order["shipping_address"]["country_area"] == "CA"
    assert order["contact_email"] == "alex@example.com"
    assert order["contact_phone"] == "+14155552671"
    assert order["marketing_consent"] is True
    [line] = order["lines"]
    assert (line["sku"], line["quantity"]) == (market_shop["large"]["sku"], 2)


def test_brazil_state_sets_icms(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
    market_shop: dict[str, Any],
    artifacts: Path,
) -> None:
    order = _buy(
        browser,
        site,
        contexts,
        market_shop,
        lang="pt",
        country="BR",
        address={
            "name": "Ana Souza",
            "street_address": "Av. Afonso Pena, 1",
            "city": "Belo Horizonte",
            "postal_code": "30130-001",
        },
        state="MG",
        phone="(31) 99123-4567",
        method="pix",
        texts={
            "state": "Estado",
            "invalid": "Não é válido para este país.",
            "tax": "ICMS",
            "paid": "está pago",
        },
        artifacts=artifacts,
    )
    assert order["destination_region"] == "MG"
    icms = next(t for t in order["tax_lines"] if "ICMS" in t["name"])
    assert (icms["jurisdiction"], icms["rate_percent"]) == ("BR-MG", "20")
    assert order["payment_method"] == "pix"
    assert order["shipping_address"]["city"] == "Belo Horizonte"
    [line] = order["lines"]
    assert (line["sku"], line["quantity"]) == (market_shop["large"]["sku"], 2)
