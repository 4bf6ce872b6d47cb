"""The demo store `make demo` serves: seeded once, live, and buyable end to end."""

from __future__ import annotations

from fastapi.testclient import TestClient

from castcart.demo.seed import DEMO_PASSWORD, DEMO_SLUG, seed_demo
from castcart.web.context import AppContext
from tests.helpers import Api, bearer


def test_demo_store_is_live_and_buyable(client: TestClient, api: Api) -> None:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    demo = seed_demo(ctx.db)
    assert seed_demo(ctx.db) == demo  # idempotent

    show = api.ok("GET", f"/api/v1/shop/{DEMO_SLUG}/shows/{demo.show_id}")
    assert show["show"]["status"] == "live"
    assert len(show["products"]) == 6
    assert any(item["pinned"] for item in show["showcase"])
    products = api.ok("GET", f"/api/v1/shop/{DEMO_SLUG}/products")
    assert len(products) == 12
    assert len({t["locale"] for p in products for t in p["translations"]}) >= 8

    token = api.ok(
        "POST",
        "/api/v1/auth/login",
        json={"store": DEMO_SLUG, "email": demo.host_email, "password": DEMO_PASSWORD},
    )["token"]
    assert api.ok("GET", "/api/v1/auth/me", headers=bearer(token))["user"]["role"] == "host"

    shopper = api.shopper({"store": {"slug": DEMO_SLUG}})
    flash = show["flash_sales"][0]
    api.add_to_cart(shopper, flash["variant_id"], 1, show_id=demo.show_id)
    order = api.checkout(shopper, expected_total_amount=flash["price_amount"])
    assert api.pay(shopper, order["id"])["status"] == "succeeded"
