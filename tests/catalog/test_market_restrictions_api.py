"""Products a market forbids are hidden from its storefront, refused at cart and checkout,
and flagged to staff and the host console."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    wine = api.product(
        store,
        warehouse=warehouse,
        handle="red-wine",
        attributes={"category": "food", "restricted": ["alcohol"]},
    )
    gummies = api.product(
        store,
        warehouse=warehouse,
        handle="gummies",
        attributes={"category": "food", "restricted": ["gelatin"], "halal_certified": True},
    )
    scarf = api.product(store, warehouse=warehouse, handle="scarf")
    show = api.show(store, [wine, gummies, scarf], live=True)
    return {
        "store": store,
        "wine": wine,
        "gummies": gummies,
        "scarf": scarf,
        "show": show,
        "slug": store["store"]["slug"],
    }


def test_storefront_hides_what_the_market_forbids(api: Api, shop: dict[str, Any]) -> None:
    slug = shop["slug"]
    handles = {p["handle"] for p in api.ok("GET", f"/api/v1/shop/{slug}/products?country=SA")}
    assert handles == {"gummies", "scarf"}  # halal-certified gelatin is fine
    everywhere = {p["handle"] for p in api.ok("GET", f"/api/v1/shop/{slug}/products?country=DE")}
    assert everywhere == {"red-wine", "gummies", "scarf"}
    hidden = api.client.get(f"/api/v1/shop/{slug}/products/{shop['wine']['id']}?country=AE")
    assert hidden.status_code == 404
    show = api.ok("GET", f"/api/v1/shop/{slug}/shows/{shop['show']['id']}?country=SA")
    assert shop["wine"]["id"] not in {p["id"] for p in show["products"]}
    assert shop["wine"]["id"] not in {i["product_id"] for i in show["showcase"]}


def test_cart_and_checkout_refuse_forbidden_products(api: Api, shop: dict[str, Any]) -> None:
    variant_id = shop["wine"]["variants"][0]["id"]
    riyadh = api.shopper(shop["store"], country="SA")
    refused = api.client.post(
        f"/api/v1/shop/{shop['slug']}/cart/lines",
        headers=riyadh["headers"],
        json={"variant_id": variant_id, "quantity": 1},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "restricted_in_market"
    assert refused.json()["details"] == {"country": "SA", "rules": ["sa_ae.restricted.alcohol"]}
    berlin = api.shopper(shop["store"], country="DE")
    api.add_to_cart(berlin, variant_id, 1)
    assert api.checkout(berlin)["status"] == "pending_payment"


def test_staff_and_host_console_see_the_restrictions(api: Api, shop: dict[str, Any]) -> None:
    headers = shop["store"]["headers"]
    wine = api.ok("GET", f"/api/v1/products/{shop['wine']['id']}", headers=headers)
    assert set(wine["restricted_in"]) >= {"SA", "AE"}
    assert "DE" not in wine["restricted_in"]
    scarf = api.ok("GET", f"/api/v1/products/{shop['scarf']['id']}", headers=headers)
    assert scarf["restricted_in"] == {}
    show = api.ok("GET", f"/api/v1/shows/{shop['show']['id']}", headers=headers)
    warned = {(w["product_id"], w["country"]) for w in show["market_warnings"]}
    assert (shop["wine"]["id"], "SA") in warned
    assert all(product_id == shop["wine"]["id"] for product_id, _ in warned)
