"""Every price a variant is offered at is kept: catalog changes, live-show prices (applying
only while the show is live) and flash sales, readable per variant with the 30-day facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from castcart.catalog import prices
from tests.helpers import Api


def _history(api: Api, store: dict[str, Any], variant_id: str, **params: str) -> Any:
    return api.ok(
        "GET",
        f"/api/v1/variants/{variant_id}/price-history",
        headers=store["headers"],
        params=params,
    )


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_catalog_prices_are_kept_and_an_unchanged_price_adds_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime.now(UTC) - timedelta(days=40)]
    monkeypatch.setattr(prices, "utcnow", lambda: clock[0])
    store = api.store()
    product = api.product(store, price=9900)
    variant = product["variants"][0]
    url = f"/api/v1/variants/{variant['id']}"
    clock[0] += timedelta(days=20)
    api.ok("PATCH", url, headers=store["headers"], json={"price_amount": 5900})
    clock[0] += timedelta(days=1)
    api.ok("PATCH", url, headers=store["headers"], json={"price_amount": 9900})
    api.ok("PATCH", url, headers=store["headers"], json={"price_amount": 9900})  # no change
    clock[0] += timedelta(days=10)
    api.ok("PATCH", url, headers=store["headers"], json={"price_amount": 4900})

    data = _history(api, store, variant["id"])
    changes = data["changes"]
    assert [(c["kind"], c["amount"], c["previous_amount"]) for c in changes] == [
        ("list", 4900, 9900),
        ("list", 9900, 5900),
        ("list", 5900, 9900),
        ("list", 9900, None),
    ]
    assert changes[0]["ends_at"] is None
    for newer, older in zip(changes, changes[1:], strict=False):
        assert older["ends_at"] == newer["starts_at"]  # one window closes as the next opens
    assert all(c["actor"] and c["actor"].startswith("staff:") for c in changes)
    assert data["currency"] == "EUR"
    facts = data["facts"]
    # the reduction to 49 began 9 days ago; the 30 days before it hold the 59 dip
    assert facts["current"] == 4900
    assert facts["lowest_30d"] == 5900
    assert _at(facts["reduction_since"]) == _at(changes[0]["starts_at"])
    assert _at(facts["lowest_30d_from"]) == _at(changes[2]["starts_at"])
    assert _at(facts["lowest_30d_to"]) == _at(changes[2]["ends_at"])


def test_live_prices_apply_only_while_the_show_is_live(api: Api) -> None:
    store = api.store(country="DE")
    product = api.product(store, price=9900)
    variant = product["variants"][0]
    show = api.show(store, [product])
    api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/markets",
        headers=store["headers"],
        json={"markets": ["FR", "DE"]},
    )
    live_url = f"/api/v1/shows/{show['id']}/live-prices"
    body = {"prices": [{"variant_id": variant["id"], "price_amount": 4900}]}
    api.ok("PUT", live_url, headers=store["headers"], json=body)
    [waiting] = [c for c in _history(api, store, variant["id"])["changes"] if c["kind"] == "live"]
    assert waiting["starts_at"] is None
    assert waiting["ends_at"] is None
    assert waiting["markets"] == ["FR", "DE"]
    assert waiting["show_id"] == show["id"]
    # replaced before the show went live: it never applied
    body["prices"][0]["price_amount"] = 5500
    api.ok("PUT", live_url, headers=store["headers"], json=body)
    transition = f"/api/v1/shows/{show['id']}/transition"
    api.ok("POST", transition, headers=store["headers"], json={"to": "live"})
    live = [c for c in _history(api, store, variant["id"])["changes"] if c["kind"] == "live"]
    assert [(c["amount"], c["starts_at"] is None, c["ends_at"] is None) for c in live] == [
        (5500, False, True),
        (4900, True, False),
    ]
    assert _history(api, store, variant["id"], market="FR")["facts"]["current"] == 5500
    # not offered to Spain: the catalog price applies there
    assert _history(api, store, variant["id"], market="ES")["facts"]["current"] == 9900
    api.ok("POST", transition, headers=store["headers"], json={"to": "ended"})
    ended = [c for c in _history(api, store, variant["id"])["changes"] if c["kind"] == "live"][0]
    assert ended["ends_at"] is not None
    assert _history(api, store, variant["id"], market="FR")["facts"]["current"] == 9900


def test_flash_sales_are_kept_with_their_window(api: Api) -> None:
    store = api.store(country="DE")
    product = api.product(store, price=9900)
    variant = product["variants"][0]
    show = api.show(store, [product])
    starts = datetime.now(UTC) - timedelta(minutes=5)
    ends = starts + timedelta(hours=1)
    sale = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/flash-sales",
        201,
        headers=store["headers"],
        json={
            "variant_id": variant["id"],
            "price_amount": 6900,
            "quantity_cap": 10,
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(),
        },
    )
    data = _history(api, store, variant["id"], market="DE")
    [flash] = [c for c in data["changes"] if c["kind"] == "flash"]
    assert flash["flash_sale_id"] == sale["id"]
    assert flash["amount"] == 6900
    assert datetime.fromisoformat(flash["ends_at"]) == ends
    assert flash["markets"] == ["DE"]
    assert data["facts"]["current"] == 6900


def test_price_history_is_tenant_scoped_and_validated(api: Api) -> None:
    store = api.store()
    other = api.store()
    variant = api.product(store)["variants"][0]
    response = api.client.get(
        f"/api/v1/variants/{variant['id']}/price-history", headers=other["headers"]
    )
    assert response.status_code == 404
    assert response.json()["code"] == "variant_not_found"
    for market in ("XX", "de", "DEU"):
        response = api.client.get(
            f"/api/v1/variants/{variant['id']}/price-history",
            headers=store["headers"],
            params={"market": market},
        )
        assert response.status_code == 422, market
    assert api.client.get(f"/api/v1/variants/{variant['id']}/price-history").status_code == 401


def test_a_price_reference_in_product_copy_is_judged_from_the_history(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime.now(UTC) - timedelta(days=40)]
    monkeypatch.setattr(prices, "utcnow", lambda: clock[0])
    store = api.store(country="DE")
    product = api.product(store, price=9900)
    clock[0] = datetime.now(UTC) - timedelta(days=1)
    api.ok(
        "PATCH",
        f"/api/v1/variants/{product['variants'][0]['id']}",
        headers=store["headers"],
        json={"price_amount": 4900},
    )

    def copy_findings(description: str) -> list[dict[str, Any]]:
        saved = api.ok(
            "PATCH",
            f"/api/v1/products/{product['id']}",
            headers=store["headers"],
            json={
                "translations": [{"locale": "de", "title": "Tasche", "description": description}]
            },
        )
        return [
            f for f in saved["compliance_findings"] if f["category"] == "price_reference_misleading"
        ]

    assert copy_findings("Statt 99 € jetzt nur 49 €.") == []  # 99 was the 30-day low
    [finding] = copy_findings("Statt 119 € jetzt nur 49 €.")
    assert "99.00 EUR" in finding["suggestion"]
