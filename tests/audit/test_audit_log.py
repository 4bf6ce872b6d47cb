"""The show audit log through HTTP: what a show displayed is recorded in order, the hash
chain verifies, the database refuses updates, tampering shows, retention removes whole shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from castcart.audit.chain import GENESIS_HASH
from castcart.web.context import AppContext
from tests.helpers import Api

pytestmark = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def _flush(app: FastAPI) -> None:
    from castcart.audit import AuditRecorder

    recorder = app.state.ctx.services.get(AuditRecorder)
    assert recorder is not None
    recorder.flush()


def _live_show(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    products = [api.product(store, price=4000, stock=50, warehouse=warehouse) for _ in range(2)]
    show = api.show(store, products)
    url, h = f"/api/v1/shows/{show['id']}", store["headers"]
    api.ok("POST", f"{url}/transition", headers=h, json={"to": "live"})
    api.ok("POST", f"{url}/pin", headers=h, json={"product_id": products[0]["id"]})
    variant = products[0]["variants"][0]["id"]
    api.ok(
        "PUT",
        f"{url}/live-prices",
        headers=h,
        json={"prices": [{"variant_id": variant, "price_amount": 3500}]},
    )
    now = datetime.now(UTC)
    api.ok(
        "POST",
        f"{url}/flash-sales",
        201,
        headers=h,
        json={
            "variant_id": variant,
            "price_amount": 2900,
            "quantity_cap": 5,
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(minutes=10)).isoformat(),
        },
    )
    api.ok("POST", f"{url}/pin", headers=h, json={"product_id": None})
    api.ok("POST", f"{url}/transition", headers=h, json={"to": "ended"})
    return {"store": store, "show": show, "url": url, "h": h, "variant": variant}


def test_what_the_show_displayed_is_recorded_in_order(api: Api, app: FastAPI) -> None:
    s = _live_show(api)
    _flush(app)
    page = api.ok("GET", f"{s['url']}/audit", headers=s["h"])
    kinds = [e["kind"] for e in page["entries"]]
    assert kinds == ["show.started", "pin", "live_prices", "flash_sale", "unpin", "show.ended"]
    assert [e["seq"] for e in page["entries"]] == [1, 2, 3, 4, 5, 6]
    prices = page["entries"][2]
    assert prices["payload"] == {"prices": [{"variant_id": s["variant"], "price_amount": 3500}]}
    assert prices["actor"]  # the staff member who set them
    assert page["entries"][3]["payload"]["price_amount"] == 2900
    assert page["entries"][0]["prev_hash"] == GENESIS_HASH
    assert page["next_after_seq"] is None
    verified = api.ok("GET", f"{s['url']}/audit/verify", headers=s["h"])
    assert verified == {"valid": True, "checked": 6, "first_bad_seq": None, "reason": None}
    second = api.ok("GET", f"{s['url']}/audit?after_seq=4&limit=1", headers=s["h"])
    assert [e["seq"] for e in second["entries"]] == [5]
    assert second["next_after_seq"] == 5


def test_updates_are_refused_and_tampering_shows(api: Api, app: FastAPI) -> None:
    s = _live_show(api)
    _flush(app)
    ctx: AppContext = app.state.ctx
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.write() as session:
        session.execute(
            text("UPDATE show_audit_entries SET payload = '{}' WHERE show_id = :s AND seq = 3"),
            {"s": s["show"]["id"]},
        )
    # Someone with raw database access replaces entry 3 (delete + insert, as an UPDATE is
    # refused) with other prices but the old hashes: the chain no longer fits.
    with ctx.db.write() as session:
        row = (
            session.execute(
                text("SELECT * FROM show_audit_entries WHERE show_id = :s AND seq = 3"),
                {"s": s["show"]["id"]},
            )
            .mappings()
            .one()
        )
        session.execute(text("DELETE FROM show_audit_entries WHERE id = :i"), {"i": row["id"]})
        forged = {**row, "payload": '{"prices":[]}'}
        session.execute(
            text(
                "INSERT INTO show_audit_entries (id, store_id, show_id, seq, event_id, kind, "
                "actor, occurred_at, recorded_at, payload, prev_hash, hash) VALUES (:id, "
                ":store_id, :show_id, :seq, :event_id, :kind, :actor, :occurred_at, "
                ":recorded_at, :payload, :prev_hash, :hash)"
            ),
            forged,
        )
    verified = api.ok("GET", f"{s['url']}/audit/verify", headers=s["h"])
    assert verified["valid"] is False
    assert verified["first_bad_seq"] == 3
    assert verified["reason"] == "entry was altered"


def test_only_the_owner_reads_the_log_and_other_stores_see_nothing(api: Api) -> None:
    s = _live_show(api)
    other = api.store()
    response = api.client.get(f"{s['url']}/audit", headers=other["headers"])
    assert response.status_code == 404
    host = api.ok(
        "POST",
        "/api/v1/staff",
        201,
        headers=s["h"],
        json={
            "email": "mod@example.com",
            "password": "correct horse battery staple",
            "role": "moderator",
            "display_name": "Mo",
        },
    )
    assert host["role"] == "moderator"
    login = api.ok(
        "POST",
        "/api/v1/auth/login",
        json={
            "store": s["store"]["store"]["slug"],
            "email": "mod@example.com",
            "password": "correct horse battery staple",
        },
    )
    denied = api.client.get(
        f"{s['url']}/audit", headers={"Authorization": f"Bearer {login['token']}"}
    )
    assert denied.status_code == 403


def test_retention_removes_whole_shows_past_the_policy(api: Api, app: FastAPI) -> None:
    s = _live_show(api)
    _flush(app)
    assert api.ok("GET", "/api/v1/audit/policy", headers=s["h"]) == {"retention_days": 730}
    bad = api.client.put("/api/v1/audit/policy", headers=s["h"], json={"retention_days": 3})
    assert bad.status_code == 422
    api.ok("PUT", "/api/v1/audit/policy", headers=s["h"], json={"retention_days": 30})
    kept = api.ok("POST", "/api/v1/privacy/retention/run", headers=s["h"], json={})
    assert kept["deleted_audit_entries"] == 0  # the show ended just now
    ctx: AppContext = app.state.ctx
    with ctx.db.write() as session:
        session.execute(
            text("UPDATE shows SET ended_at = :t WHERE id = :s"),
            {
                "t": datetime.now(UTC).replace(tzinfo=None) - timedelta(days=31),
                "s": s["show"]["id"],
            },
        )
    purged = api.ok("POST", "/api/v1/privacy/retention/run", headers=s["h"], json={})
    assert purged["deleted_audit_entries"] == 6
    assert api.ok("GET", f"{s['url']}/audit", headers=s["h"])["entries"] == []
