"""Compliance findings on product copy are kept where they are announced: listed per
product, resolved with a note, cleared when the copy is fixed, re-checked on demand."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api

SCARF = {
    "handle": "foulard",
    "attributes": {"material": "cotton", "category": "clothing"},
    "translations": [
        {"locale": "fr", "title": "Foulard", "description": "Le meilleur foulard du monde."},
        {"locale": "en", "title": "Scarf", "description": "Made of pure silk."},
    ],
    "variants": [{"sku": "F-1", "price_amount": 3000}],
}


def _findings(api: Api, store: dict[str, Any], product_id: str) -> list[dict[str, Any]]:
    return api.ok("GET", f"/api/v1/products/{product_id}/findings", headers=store["headers"])  # type: ignore[no-any-return]


def test_findings_are_kept_resolved_and_cleared(api: Api) -> None:
    store = api.store(country="FR")
    h = store["headers"]
    product = api.ok("POST", "/api/v1/products", 201, headers=h, json=SCARF)
    assert product["open_findings"] == len(_findings(api, store, product["id"])) >= 2
    found = _findings(api, store, product["id"])
    claim = next(f for f in found if f["category"] == "absolute_claim")
    fact = next(f for f in found if f["category"] == "fact_contradiction")
    assert claim["locale"] == "fr"
    assert "meilleur" in claim["excerpt"]
    assert claim["status"] == "open"
    assert fact["locale"] == "en"

    # the product list says how many are open
    listed = api.ok("GET", "/api/v1/products", headers=h)
    assert next(p for p in listed if p["id"] == product["id"])["open_findings"] == len(found)

    # resolve one with a note; saving the same copy again keeps the resolution, no duplicates
    resolved = api.ok(
        "POST",
        f"/api/v1/findings/{claim['id']}/resolve",
        headers=h,
        json={"note": "Backed by the 2026 Paris design award."},
    )
    assert resolved["status"] == "resolved"
    assert resolved["note"] == "Backed by the 2026 Paris design award."
    assert resolved["resolved_by"].startswith("staff:")
    again = api.ok(
        "PATCH",
        f"/api/v1/products/{product['id']}",
        headers=h,
        json={"translations": SCARF["translations"]},
    )
    assert again["open_findings"] == len(found) - 1
    after = _findings(api, store, product["id"])
    assert len(after) == len(found)
    assert next(f for f in after if f["id"] == claim["id"])["status"] == "resolved"

    # editing the copy clears what it no longer says
    fixed = api.ok(
        "PATCH",
        f"/api/v1/products/{product['id']}",
        headers=h,
        json={"translations": [{"locale": "fr", "title": "Foulard", "description": "En coton."}]},
    )
    assert fixed["open_findings"] == 0
    assert _findings(api, store, product["id"]) == []
    rechecked = api.ok("POST", f"/api/v1/products/{product['id']}/findings/recheck", headers=h)
    assert rechecked == []


def test_resolve_needs_a_note_and_the_right_store(api: Api) -> None:
    store, other = api.store(country="FR"), api.store(country="FR")
    product = api.ok("POST", "/api/v1/products", 201, headers=store["headers"], json=SCARF)
    finding = _findings(api, store, product["id"])[0]
    url = f"/api/v1/findings/{finding['id']}/resolve"
    blank = api.client.post(url, headers=store["headers"], json={"note": "   "})
    assert blank.status_code == 422
    foreign = api.client.post(url, headers=other["headers"], json={"note": "fine"})
    assert foreign.status_code == 404
    listing = api.client.get(f"/api/v1/products/{product['id']}/findings", headers=other["headers"])
    assert listing.status_code == 404
    assert _findings(api, store, product["id"])[0]["status"] == "open"
