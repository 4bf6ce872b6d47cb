"""The live guard checks what the host says against each market the show is aimed at."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from castcart.shows.live_guard import LiveGuard, SpokenLine, checkable_markets
from tests.helpers import Api


def _show(api: Api, markets: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    store = api.store(country="DE")
    warehouse = api.warehouse(store)
    product = api.product(
        store,
        stock=40,
        warehouse=warehouse,
        attributes={"category": "electronics", "capacity": "3000 mAh"},
    )
    show = api.show(store, [product])
    api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/markets",
        headers=store["headers"],
        json={"markets": markets},
    )
    return store, show


def test_show_markets_are_validated(api: Api) -> None:
    store, show = _show(api, ["FR", "DE", "US"])
    url = f"/api/v1/shows/{show['id']}"
    assert api.ok("GET", url, headers=store["headers"])["show"]["markets"] == ["FR", "DE", "US"]
    for bad in (["XX"], ["fr"], ["FRA"]):
        response = api.client.put(f"{url}/markets", headers=store["headers"], json={"markets": bad})
        assert response.status_code == 422, bad


def test_one_line_breaks_rules_in_three_markets(api: Api, app: FastAPI) -> None:
    store, show = _show(api, ["FR", "DE", "US", "BR"])
    guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)
    line = SpokenLine(
        store_id=store["store"]["id"],
        show_id=show["id"],
        source="host_chat",
        ref="m1",
        text="The best charger in the world, 100% safe, only today!",
        lang="en",
    )
    alert = guard.check(line)
    assert alert is not None
    assert alert.markets == ["FR", "DE", "US"]  # no rule pack for Brazil yet: not checked
    by_market: dict[str, set[str]] = {}
    for finding in alert.findings:
        by_market.setdefault(str(finding["market"]), set()).add(str(finding["category"]))
    assert set(by_market) == {"FR", "DE", "US"}
    assert all("absolute_claim" in cats for cats in by_market.values())
    # "only today" with no flash sale running is fake urgency in the EU markets
    assert "fake_urgency" in by_market["FR"]
    assert alert.frame_payload()["source"] == "host_chat"


def test_compliant_line_and_a_running_flash_sale_raise_nothing(api: Api, app: FastAPI) -> None:
    store, show = _show(api, ["FR"])
    guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)
    quiet = SpokenLine(
        store_id=store["store"]["id"],
        show_id=show["id"],
        source="caption",
        ref="c1",
        text="This charger holds 3000 mAh and ships from Berlin.",
        lang="en",
    )
    assert guard.check(quiet) is None
    wrong_fact = SpokenLine(
        store_id=store["store"]["id"],
        show_id=show["id"],
        source="caption",
        ref="c2",
        text="This one holds 5000 mAh.",
        lang="en",
    )
    detail = api.ok("GET", f"/api/v1/shows/{show['id']}", headers=store["headers"])
    product_id = detail["showcase"][0]["product_id"]
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=store["headers"],
        json={"product_id": product_id},
    )
    alert = guard.check(wrong_fact)
    assert alert is not None
    assert [f["category"] for f in alert.findings] == ["fact_contradiction"]
    other_store = api.store()
    foreign = SpokenLine(
        store_id=other_store["store"]["id"],
        show_id=show["id"],
        source="caption",
        ref="c3",
        text="The best charger in the world",
        lang="en",
    )
    assert guard.check(foreign) is None  # a show is only checked for its own store


def test_markets_without_a_rule_pack_are_skipped() -> None:
    assert checkable_markets(["BR", "FR", "SA", "MY"]) == ["FR", "SA", "MY"]
