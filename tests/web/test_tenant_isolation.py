"""A user of store A can never read or change anything of store B, on any resource."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import Api


@pytest.fixture
def two_stores(api: Api) -> dict[str, Any]:
    victim = api.store("victim")
    warehouse = api.warehouse(victim)
    product = api.product(victim, warehouse=warehouse)
    show = api.show(victim, [product], live=True)
    coupon = api.ok(
        "POST",
        "/api/v1/coupons",
        201,
        headers=victim["headers"],
        json={"code": "VIP", "kind": "percent", "percent_off": 50},
    )
    offer = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/share-offers",
        201,
        headers=victim["headers"],
        json={"percent_off": 10, "invites_required": 1},
    )
    shopper = api.shopper(victim)
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    order = api.checkout(shopper)
    attacker = api.store("attacker")
    return {
        "victim": victim,
        "attacker": attacker,
        "product": product,
        "variant": product["variants"][0],
        "warehouse": warehouse,
        "show": show,
        "coupon": coupon,
        "order": order,
        "offer": offer,
        "shopper": shopper,
    }


def test_staff_of_another_store_gets_404_on_every_resource(
    client: TestClient, api: Api, two_stores: dict[str, Any]
) -> None:
    s = two_stores
    h = s["attacker"]["headers"]
    pid, vid, wid, show_id = (
        s["product"]["id"],
        s["variant"]["id"],
        s["warehouse"]["id"],
        s["show"]["id"],
    )
    attempts = [
        ("GET", f"/api/v1/products/{pid}", None),
        ("PATCH", f"/api/v1/products/{pid}", {"status": "archived"}),
        ("POST", f"/api/v1/products/{pid}/variants", {"sku": "HACK", "price_amount": 1}),
        ("PATCH", f"/api/v1/variants/{vid}", {"price_amount": 1}),
        ("PUT", f"/api/v1/variants/{vid}/stock/{wid}", {"quantity": 0}),
        ("GET", f"/api/v1/shows/{show_id}", None),
        ("POST", f"/api/v1/shows/{show_id}/transition", {"to": "ended"}),
        ("PUT", f"/api/v1/shows/{show_id}/showcase", {"product_ids": []}),
        ("POST", f"/api/v1/shows/{show_id}/pin", {"product_id": None}),
        ("PUT", f"/api/v1/shows/{show_id}/live-prices", {"prices": []}),
        (
            "POST",
            f"/api/v1/shows/{show_id}/flash-sales",
            {
                "variant_id": vid,
                "price_amount": 1,
                "quantity_cap": 1,
                "starts_at": "2026-01-01T00:00:00Z",
                "ends_at": "2030-01-01T00:00:00Z",
            },
        ),
        (
            "POST",
            f"/api/v1/shows/{show_id}/share-offers",
            {"percent_off": 50, "invites_required": 1},
        ),
        ("GET", f"/api/v1/orders/{s['order']['id']}", None),
        ("POST", f"/api/v1/orders/{s['order']['id']}/transition", {"to": "cancelled"}),
    ]
    for method, url, body in attempts:
        response = client.request(method, url, headers=h, json=body)
        assert response.status_code == 404, (method, url, response.status_code)

    # The attacker's own warehouse and product cannot be mixed with the victim's either.
    own_warehouse = api.warehouse(s["attacker"])
    mixed = client.put(
        f"/api/v1/variants/{vid}/stock/{own_warehouse['id']}", headers=h, json={"quantity": 5}
    )
    assert mixed.status_code == 404
    own_show = api.show(s["attacker"])
    smuggle = client.put(
        f"/api/v1/shows/{own_show['id']}/showcase", headers=h, json={"product_ids": [pid]}
    )
    assert smuggle.status_code == 404

    # Listings only ever show the caller's own rows.
    for url in ("/api/v1/products", "/api/v1/shows", "/api/v1/orders", "/api/v1/coupons"):
        own = api.ok("GET", url, headers=h)
        victim_ids = {s["product"]["id"], s["show"]["id"], s["order"]["id"], s["coupon"]["id"]}
        assert not victim_ids & {row["id"] for row in own}, url
    assert {w["id"] for w in api.ok("GET", "/api/v1/warehouses", headers=h)} == {
        own_warehouse["id"]
    }
    assert [u["email"] for u in api.ok("GET", "/api/v1/staff", headers=h)] == [
        "owner@attacker.example.com"
    ]

    # Nothing changed on the victim's side.
    product = api.ok("GET", f"/api/v1/products/{pid}", headers=s["victim"]["headers"])
    assert product["status"] == "active"
    assert len(product["variants"]) == 1
    assert product["variants"][0]["price_amount"] == 2500
    show = api.ok("GET", f"/api/v1/shows/{show_id}", headers=s["victim"]["headers"])
    assert show["show"]["status"] == "live"
    assert show["flash_sales"] == []


def test_shoppers_cannot_reach_across_stores(
    client: TestClient, api: Api, two_stores: dict[str, Any]
) -> None:
    s = two_stores
    attacker_shopper = api.shopper(s["attacker"])
    slug = "attacker"
    h = attacker_shopper["headers"]
    add = client.post(
        f"/api/v1/shop/{slug}/cart/lines",
        headers=h,
        json={"variant_id": s["variant"]["id"], "quantity": 1},
    )
    assert add.status_code == 404
    assert (
        client.patch(
            f"/api/v1/shop/{slug}/cart", headers=h, json={"show_id": s["show"]["id"]}
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/shop/{slug}/shows/{s['show']['id']}").status_code == 404
    assert client.get(f"/api/v1/shop/{slug}/products/{s['product']['id']}").status_code == 404
    assert (
        client.get(f"/api/v1/shop/{slug}/orders/{s['order']['id']}", headers=h).status_code == 404
    )
    assert (
        client.post(
            f"/api/v1/shop/{slug}/share-offers/{s['offer']['id']}/code", headers=h
        ).status_code
        == 404
    )
    own_product = api.product(s["attacker"], warehouse=api.warehouse(s["attacker"]))
    api.add_to_cart(attacker_shopper, own_product["variants"][0]["id"], 1)
    client.patch(f"/api/v1/shop/{slug}/cart", headers=h, json={"coupon_code": "VIP"})
    assert api.checkout(attacker_shopper, expected=422)["code"] == "coupon_invalid"
