"""The live guard judges a host's price reference from the recorded price history, not from
the words: "was €99, now €49" is flagged when the 30-day low was €59 and not when it was €99;
a comparison the store has substantiated raises no alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from castcart.catalog import prices
from castcart.shows.live_guard import LiveGuard, SpokenLine
from tests.helpers import Api

CAPTION = "Was €99, now €49!"


def _live_show(
    api: Api, monkeypatch: pytest.MonkeyPatch, *, dip: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A product at €99 for 40 days (with a one-day €59 dip 20 days ago when ``dip``), in a
    live show for Germany with a live price of €49."""
    real = datetime.now(UTC)
    clock = [real - timedelta(days=40)]
    monkeypatch.setattr(prices, "utcnow", lambda: clock[0])
    store = api.store(country="DE")
    product = api.product(store, price=9900)
    variant_url = f"/api/v1/variants/{product['variants'][0]['id']}"
    if dip:
        clock[0] = real - timedelta(days=20)
        api.ok("PATCH", variant_url, headers=store["headers"], json={"price_amount": 5900})
        clock[0] = real - timedelta(days=19)
        api.ok("PATCH", variant_url, headers=store["headers"], json={"price_amount": 9900})
    monkeypatch.setattr(prices, "utcnow", lambda: datetime.now(UTC))
    show = api.show(store, [product], live=True)
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=store["headers"],
        json={"product_id": product["id"]},
    )
    api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/live-prices",
        headers=store["headers"],
        json={"prices": [{"variant_id": product["variants"][0]["id"], "price_amount": 4900}]},
    )
    return store, show


def _line(store: dict[str, Any], show: dict[str, Any], text: str) -> SpokenLine:
    return SpokenLine(
        store_id=store["store"]["id"],
        show_id=show["id"],
        source="caption",
        ref="c1",
        text=text,
        lang="en",
    )


def test_was_99_now_49_is_flagged_when_the_30_day_low_was_59(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, show = _live_show(api, monkeypatch, dip=True)
    guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)
    alert = guard.check(_line(store, show, CAPTION))
    assert alert is not None
    [finding] = [f for f in alert.findings if f["category"] == "price_reference_misleading"]
    assert finding["market"] == "DE"
    assert finding["excerpt"].startswith("Was €99")
    evidence = finding["evidence"]
    assert evidence["claimed_reference"] == "99.00"
    assert evidence["lowest_30d"] == "59.00"
    assert evidence["current"] == "49.00"
    assert evidence["currency"] == "EUR"
    dip_day = (datetime.now(UTC) - timedelta(days=20)).date().isoformat()
    assert evidence["low_from"].startswith(dip_day)
    assert "59.00 EUR" in finding["suggestion"]
    assert dip_day in finding["suggestion"]
    # the frame staff receive carries the numbers too
    assert alert.frame_payload()["findings"][0]["evidence"]["lowest_30d"] == "59.00"


def test_was_99_now_49_is_not_flagged_when_the_30_day_low_was_99(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, show = _live_show(api, monkeypatch, dip=False)
    guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)
    assert guard.check(_line(store, show, CAPTION)) is None
    # the same words with a reference above the 30-day low are flagged: facts, not words
    alert = guard.check(_line(store, show, "Was €129, now €49!"))
    assert alert is not None
    assert alert.findings[0]["evidence"]["lowest_30d"] == "99.00"


def test_a_substantiated_comparison_raises_no_alert(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, show = _live_show(api, monkeypatch, dip=False)
    guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)
    line = _line(store, show, "It's cheaper than on Amazon.")
    alert = guard.check(line)
    assert alert is not None
    assert [f["category"] for f in alert.findings] == ["unverified_comparison"]
    record = api.ok(
        "POST",
        "/api/v1/claim-evidence",
        201,
        headers=store["headers"],
        json={
            "claim": "cheaper than on Amazon",
            "evidence_text": "Amazon.de listing 2026-12-07: 54.99 EUR",
            "valid_until": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
        },
    )
    assert guard.check(line) is None
    review = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/script-review",
        headers=store["headers"],
        json={"text": line.text, "lang": "en", "markets": ["DE"]},
    )
    assert review["findings"] == []
    [cleared] = review["cleared"]
    assert cleared["cleared_by"] == record["id"]
    assert cleared["evidence"]["cites"].startswith("Amazon.de listing")
