"""Recording through the real paths of a running app: the live room (socket join, like,
chat, leave), the domain events of a cart, checkout and payment, the consent-gated beacon,
erasure, and the staff API (tenant isolation)."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from castcart.analytics.recorder import Analytics
from tests.helpers import Api


def _analytics(app: FastAPI) -> Analytics:
    found = app.state.ctx.services.get(Analytics)
    assert found is not None
    return found


def _consent(api: Api, shopper: dict[str, Any]) -> None:
    api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/consents",
        201,
        headers=shopper["headers"],
        json={"purpose": "analytics", "policy_version": "2026-01"},
    )


def _beacon(client: TestClient, slug: str, body: dict[str, Any]) -> Any:
    response = client.post(
        f"/api/v1/shop/{slug}/analytics/beacon",
        content=json.dumps(body),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )
    return response


def _dashboard(api: Api, store: dict[str, Any], show_id: str) -> dict[str, Any]:
    return api.ok(  # type: ignore[no-any-return]
        "GET", f"/api/v1/analytics/shows/{show_id}/dashboard", headers=store["headers"]
    )


def test_a_shopper_watches_and_buys(app: FastAPI, client: TestClient, api: Api) -> None:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse, price=2500)
    show = api.show(store, products=[product], live=True)
    slug, show_id = store["store"]["slug"], show["id"]
    alice = api.shopper(store, country="FR")
    bob = api.shopper(store, country="DE")
    _consent(api, alice)  # bob gives none

    base = f"/api/v1/shop/{slug}/shows/{show_id}/live"
    with (
        client.websocket_connect(f"{base}?token={alice['token']}&lang=fr") as a,
        client.websocket_connect(f"{base}?token={bob['token']}&lang=de") as b,
        client.websocket_connect(f"{base}?token={store['token']}") as host,
    ):
        for ws in (a, b, host):
            assert ws.receive_json()["type"] == "hello"
        landing = {
            "session": "page-session-0001",
            "token": alice["token"],
            "show_id": show_id,
            "source": {"utm_source": "Instagram", "referrer": "https://l.instagram.com/x"},
            "events": [
                {"kind": "landing"},
                {"kind": "product_impression", "product_id": product["id"], "detail": "card"},
                {"kind": "product_click", "product_id": product["id"], "detail": "card"},
            ],
        }
        assert _beacon(client, slug, landing).json() == {"accepted": 3, "refused": 0}
        refused = {**landing, "token": bob["token"], "session": "page-session-0002"}
        assert _beacon(client, slug, refused).json() == {"accepted": 0, "refused": 3}
        anonymous = {**landing, "token": None, "session": "page-session-0003"}
        assert _beacon(client, slug, anonymous).json() == {"accepted": 0, "refused": 3}
        a.send_json({"type": "like"})
        a.send_json({"type": "chat.send", "text": "love it"})
        b.send_json({"type": "chat.send", "text": "price?"})
        # both lines went round the room: the activity was seen on the loop
        seen = 0
        while seen < 2:
            if a.receive_json()["type"] == "chat.message":
                seen += 1
        time.sleep(1.1)  # a second of watching
    api.add_to_cart(alice, product["variants"][0]["id"], 2, show_id=show_id)
    order = api.checkout(alice)
    api.pay(alice, order["id"])
    api.add_to_cart(bob, product["variants"][0]["id"], 1, show_id=show_id)
    order_b = api.checkout(bob)
    api.pay(bob, order_b["id"])

    assert _analytics(app).flush()
    figures = _dashboard(api, store, show_id)
    assert figures["unique_viewers"] == 2  # staff are not viewers
    assert figures["peak_viewers"] == 2
    assert figures["concurrent_viewers"] == 0
    assert figures["watch_ms"] >= 2 * 1000
    assert figures["orders"] == 2
    assert figures["gmv"] == order["total_amount"] + order_b["total_amount"]
    assert figures["product_clicks"] == 1  # alice's; bob's beacon was refused
    # alice (consent) chatted and liked; bob's chat line is not his to count without consent
    assert figures["chatters"] == 1
    assert figures["likers"] == 1
    assert figures["interaction_rate"] == 0.5
    assert {c["country"] for c in figures["countries"]} == {"FR", "DE"}
    assert {c["lang"] for c in figures["languages"]} == {"fr", "de"}
    assert figures["top_products"][0]["product_id"] == product["id"]
    # bob's order counts in GMV, but without consent it joins no funnel
    steps = {s["step"]: s["viewers"] for s in figures["funnel"]["steps"]}
    assert steps == {"viewed": 2, "clicked": 1, "carted": 1, "checked_out": 1, "paid": 1}
    by_source = {r["source"]: r["paid"] for r in figures["funnel"]["by_source"]}
    assert by_source == {"instagram": 1, "direct": 0}
    last = {r["source"]: r["orders"] for r in figures["attribution"]["last_touch"]}
    assert last == {"instagram": 1, "direct": 1}

    # another store's staff get a 404 for this show, the shopper a 401/403
    other = api.store()
    response = client.get(f"/api/v1/analytics/shows/{show_id}/dashboard", headers=other["headers"])
    assert response.status_code == 404
    response = client.get(f"/api/v1/analytics/shows/{show_id}/dashboard", headers=alice["headers"])
    assert response.status_code in (401, 403)

    # erasure removes alice's events
    api.ok(
        "POST", f"/api/v1/privacy/shoppers/{alice['shopper']['id']}/erase", headers=store["headers"]
    )
    assert _analytics(app).flush()
    after = _dashboard(api, store, show_id)
    assert after["unique_viewers"] == 1
    assert after["product_clicks"] == 0
    assert after["orders"] == 1  # bob's unlinked sale stays counted


def test_bad_beacons_get_clear_errors(client: TestClient, api: Api) -> None:
    store = api.store()
    slug = store["store"]["slug"]
    bad = _beacon(client, slug, {"session": "x", "events": []})
    assert bad.status_code == 422
    assert bad.json()["code"] == "bad_beacon"
    unknown = _beacon(client, slug, {"session": "page-session-01", "events": [{"kind": "nope"}]})
    assert unknown.status_code == 422
    assert "unknown beacon event kind" in unknown.text
    big = client.post(f"/api/v1/shop/{slug}/analytics/beacon", content="x" * 200_000)
    assert big.status_code == 413
    assert big.json()["code"] == "payload_too_large"
    assert client.post("/api/v1/shop/nope-nope/analytics/beacon", content="{}").status_code == 404


def test_unknown_figure_is_a_404(api: Api) -> None:
    store = api.store()
    show = api.show(store)
    response = api.client.get(
        f"/api/v1/analytics/shows/{show['id']}/figures/nope", headers=store["headers"]
    )
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_analytics_query"
    rows = api.ok(
        "GET", f"/api/v1/analytics/shows/{show['id']}/figures/summary", headers=store["headers"]
    )["rows"]
    assert rows[0]["unique_viewers"] == 0


def test_events_export_csv_and_parquet(app: FastAPI, client: TestClient, api: Api) -> None:
    import csv
    import io

    import pyarrow.parquet as pq

    store = api.store()
    show = api.show(store, live=True)
    slug, show_id = store["store"]["slug"], show["id"]
    alice = api.shopper(store, country="FR")
    with client.websocket_connect(
        f"/api/v1/shop/{slug}/shows/{show_id}/live?token={alice['token']}"
    ) as ws:
        assert ws.receive_json()["type"] == "hello"
    assert _analytics(app).flush()
    url = f"/api/v1/analytics/shows/{show_id}/events"
    response = client.get(f"{url}.csv", headers=store["headers"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["kind"] for r in rows] == ["session_start", "session_end"]
    assert rows[0]["country"] == "FR"
    parquet = client.get(f"{url}.parquet", headers=store["headers"])
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.column("kind").to_pylist() == ["session_start", "session_end"]
    assert str(table.schema.field("at_ms").type) == "int64"
    assert client.get(f"{url}.xml", headers=store["headers"]).status_code in (404, 422)
    other = api.store()
    assert client.get(f"{url}.csv", headers=other["headers"]).status_code == 404
