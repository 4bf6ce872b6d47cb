"""Claim evidence: a merchant's substantiation record for a comparison, validated, scoped to
the store, clearing the product-copy finding it backs (cited) and re-opening it when revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers import Api

SOON = (datetime.now(UTC) + timedelta(days=30)).isoformat()


def _product_with_comparison(api: Api, store: dict[str, Any]) -> dict[str, Any]:
    return api.ok(
        "POST",
        "/api/v1/products",
        201,
        headers=store["headers"],
        json={
            "handle": "fast-charger",
            "translations": [
                {
                    "locale": "en",
                    "title": "Fast charger",
                    "description": "Cheaper than on Amazon. Better than any other brand.",
                }
            ],
            "variants": [{"sku": "FC-1", "price_amount": 2900}],
        },
    )


def _findings(api: Api, store: dict[str, Any], product_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = api.ok(
        "GET", f"/api/v1/products/{product_id}/findings", headers=store["headers"]
    )
    return rows


def test_evidence_resolves_the_finding_it_backs_with_the_record_cited(api: Api) -> None:
    store = api.store(country="DE")
    product = _product_with_comparison(api, store)
    before = {f["excerpt"]: f for f in _findings(api, store, product["id"])}
    assert before["Cheaper than on Amazon"]["status"] == "open"
    assert before["Better than any other brand"]["status"] == "open"

    record = api.ok(
        "POST",
        "/api/v1/claim-evidence",
        201,
        headers=store["headers"],
        json={
            "claim": "cheaper than on Amazon",
            "product_id": product["id"],
            "evidence_text": "Price survey of 3 Dec 2026: Amazon.de 34.99 EUR",
            "url": "https://example.com/surveys/2026-12-03.pdf",
            "valid_until": SOON,
            "markets": ["DE"],
        },
    )
    assert record["markets"] == ["DE"]
    assert record["created_by"].startswith("staff:")
    after = {f["excerpt"]: f for f in _findings(api, store, product["id"])}
    cheaper = after["Cheaper than on Amazon"]
    assert cheaper["status"] == "resolved"
    assert cheaper["resolved_by"] == f"evidence:{record['id']}"
    assert "Price survey of 3 Dec 2026" in cheaper["note"]
    assert after["Better than any other brand"]["status"] == "open"  # not what it backs
    counted = api.ok("GET", f"/api/v1/products/{product['id']}", headers=store["headers"])
    assert counted["open_findings"] == 1

    # saving the copy again keeps it resolved; revoking the record re-opens it
    api.ok("POST", f"/api/v1/products/{product['id']}/findings/recheck", headers=store["headers"])
    assert {f["excerpt"]: f["status"] for f in _findings(api, store, product["id"])}[
        "Cheaper than on Amazon"
    ] == "resolved"
    revoked = api.ok("DELETE", f"/api/v1/claim-evidence/{record['id']}", headers=store["headers"])
    assert revoked["revoked_at"] is not None
    again = {f["excerpt"]: f for f in _findings(api, store, product["id"])}
    assert again["Cheaper than on Amazon"]["status"] == "open"
    assert api.ok("GET", "/api/v1/claim-evidence", headers=store["headers"]) == []
    kept = api.ok(
        "GET", "/api/v1/claim-evidence", headers=store["headers"], params={"include_revoked": True}
    )
    assert [r["id"] for r in kept] == [record["id"]]


def test_a_store_wide_record_rechecks_every_product_with_such_a_finding(api: Api) -> None:
    store = api.store(country="DE")
    product = _product_with_comparison(api, store)
    api.ok(
        "POST",
        "/api/v1/claim-evidence",
        201,
        headers=store["headers"],
        json={
            "claim": "better than any other brand",
            "file_ref": "s3://evidence/test-lab.pdf",
            "valid_until": SOON,
        },
    )
    statuses = {f["excerpt"]: f["status"] for f in _findings(api, store, product["id"])}
    assert statuses == {"Cheaper than on Amazon": "open", "Better than any other brand": "resolved"}


def test_evidence_input_is_validated(api: Api) -> None:
    store = api.store()
    base = {"claim": "cheaper than on Amazon", "evidence_text": "survey", "valid_until": SOON}
    cases: list[tuple[dict[str, Any], int, str | None]] = [
        ({**base, "valid_until": "2020-01-01T00:00:00Z"}, 422, "evidence_expired"),
        ({**base, "valid_until": "2030-01-01T00:00:00"}, 422, None),  # no time zone
        ({**base, "claim": "cheaper"}, 422, "claim_too_vague"),
        ({**base, "claim": ""}, 422, None),
        ({**base, "evidence_text": ""}, 422, "evidence_missing"),
        ({**base, "url": "ftp://example.com/x"}, 422, None),
        ({**base, "url": "not a url"}, 422, None),
        ({**base, "file_ref": "a\nb"}, 422, None),
        ({**base, "markets": ["de"]}, 422, None),
        ({**base, "surprise": 1}, 422, None),
        ({**base, "product_id": "0" * 32}, 404, "product_not_found"),
    ]
    for body, status, code in cases:
        response = api.client.post("/api/v1/claim-evidence", headers=store["headers"], json=body)
        assert response.status_code == status, (body, response.text)
        if code is not None:
            assert response.json()["code"] == code, body
    assert api.client.post("/api/v1/claim-evidence", json=base).status_code == 401


def test_evidence_is_tenant_scoped(api: Api) -> None:
    store = api.store()
    other = api.store()
    foreign_product = api.product(other)
    response = api.client.post(
        "/api/v1/claim-evidence",
        headers=store["headers"],
        json={
            "claim": "cheaper than on Amazon",
            "evidence_text": "survey",
            "valid_until": SOON,
            "product_id": foreign_product["id"],
        },
    )
    assert response.status_code == 404  # another store's product is not there
    mine = api.ok(
        "POST",
        "/api/v1/claim-evidence",
        201,
        headers=store["headers"],
        json={"claim": "cheaper than on Amazon", "evidence_text": "survey", "valid_until": SOON},
    )
    assert api.ok("GET", "/api/v1/claim-evidence", headers=other["headers"]) == []
    response = api.client.delete(f"/api/v1/claim-evidence/{mine['id']}", headers=other["headers"])
    assert response.status_code == 404
    assert response.json()["code"] == "evidence_not_found"
    assert [r["id"] for r in api.ok("GET", "/api/v1/claim-evidence", headers=store["headers"])] == [
        mine["id"]
    ]
