"""The guard where it acts through the API: pre-show script review and product copy on save."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers import Api


def test_script_review_per_market_with_spans_and_facts(api: Api) -> None:
    store = api.store(country="DE")
    warehouse = api.warehouse(store)
    charger = api.product(
        store,
        warehouse=warehouse,
        attributes={"category": "electronics", "capacity": "3000 mAh", "power": "20 W"},
    )
    show = api.show(store, [charger])
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=store["headers"],
        json={"product_id": charger["id"]},
    )
    text = "The best charger in the world with 5000 mAh, only today!"
    review = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/script-review",
        headers=store["headers"],
        json={"text": text, "lang": "en", "markets": ["US", "DE"]},
    )
    by_market = {(f["market"], f["category"]) for f in review["findings"]}
    assert ("US", "absolute_claim") in by_market
    assert ("DE", "absolute_claim") in by_market
    assert ("US", "fake_urgency") in by_market  # no flash sale ends today in this show
    for finding in review["findings"]:
        assert finding["excerpt"] == text[finding["start"] : finding["end"]]
    [fact] = review["fact_findings"]
    assert fact["attribute"] == "capacity"
    assert "3000" in fact["catalog"]

    clean = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/script-review",
        headers=store["headers"],
        json={
            "text": "This charger holds 3000 mAh and weighs 180 g.",
            "lang": "en",
            "markets": ["US"],
        },
    )
    assert clean == {"findings": [], "fact_findings": [], "cleared": []}
    bad = api.client.post(
        f"/api/v1/shows/{show['id']}/script-review",
        headers=store["headers"],
        json={"text": "hi", "lang": "en", "markets": ["ZZ"]},
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "unknown_market"


def test_real_flash_sale_makes_urgency_true(api: Api) -> None:
    store = api.store(country="DE")
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse)
    show = api.show(store, [product], live=True)
    now = datetime.now(UTC)
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/flash-sales",
        201,
        headers=store["headers"],
        json={
            "variant_id": product["variants"][0]["id"],
            "price_amount": 100,
            "quantity_cap": 5,
            "starts_at": (now - timedelta(minutes=1)).isoformat(),
            "ends_at": (now + timedelta(minutes=10)).isoformat(),
        },
    )
    review = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/script-review",
        headers=store["headers"],
        json={"text": "Only 5 left at this price!", "lang": "en", "markets": ["US"]},
    )
    assert not [f for f in review["findings"] if f["category"] == "fake_urgency"]


def test_product_copy_checked_on_save(api: Api) -> None:
    store = api.store(country="FR")
    product = api.ok(
        "POST",
        "/api/v1/products",
        201,
        headers=store["headers"],
        json={
            "handle": "foulard",
            "attributes": {"material": "cotton", "category": "clothing"},
            "translations": [
                {
                    "locale": "fr",
                    "title": "Foulard",
                    "description": "Le meilleur foulard du monde.",
                },
                {"locale": "en", "title": "Scarf", "description": "Made of pure silk."},
            ],
            "variants": [{"sku": "F-1", "price_amount": 3000}],
        },
    )
    found = {(f["locale"], f["category"]) for f in product["compliance_findings"]}
    assert ("fr", "absolute_claim") in found
    assert ("en", "fact_contradiction") in found
    fixed = api.ok(
        "PATCH",
        f"/api/v1/products/{product['id']}",
        headers=store["headers"],
        json={
            "translations": [
                {"locale": "fr", "title": "Foulard", "description": "Un foulard en coton."}
            ]
        },
    )
    assert fixed["compliance_findings"] == []
