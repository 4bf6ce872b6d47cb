"""Privacy rights through HTTP: consents, export, erasure that keeps the tax records, tenant
isolation, and the guest retention job."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from castcart.accounts.models import Shopper
from castcart.core.clock import utcnow
from castcart.privacy.service import purge_inactive_guests
from tests.helpers import PASSWORD, Api

EMAIL = "layla.haddad@example.org"
NAME = "Layla Haddad"


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse, price=4200)
    show = api.show(store, [product])
    offer = api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/share-offers",
        201,
        headers=store["headers"],
        json={"percent_off": 10, "invites_required": 2},
    )
    shopper = api.ok(
        "POST",
        f"/api/v1/shop/{store['store']['slug']}/sessions",
        201,
        json={"locale": "en", "country": "SA", "display_name": NAME},
    )
    shopper["headers"] = {"Authorization": f"Bearer {shopper['token']}"}
    shopper["slug"] = store["store"]["slug"]
    api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/account",
        headers=shopper["headers"],
        json={"email": EMAIL, "password": PASSWORD},
    )
    code = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/share-offers/{offer['id']}/code",
        headers=shopper["headers"],
    )
    api.add_to_cart(shopper, product["variants"][0]["id"], 2)
    order = api.checkout(shopper)
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)  # a cart left behind
    return {"store": store, "shopper": shopper, "order": order, "code": code, "product": product}


def _url(shopper: dict[str, Any], path: str) -> str:
    return f"/api/v1/shop/{shopper['slug']}{path}"


def test_consent_grant_withdraw_and_history(api: Api, shop: dict[str, Any]) -> None:
    shopper = shop["shopper"]
    h = shopper["headers"]
    first = api.ok(
        "POST",
        _url(shopper, "/consents"),
        201,
        headers=h,
        json={"purpose": "marketing", "policy_version": "2026-01"},
    )
    again = api.ok(
        "POST",
        _url(shopper, "/consents"),
        200,
        headers=h,
        json={"purpose": "marketing", "policy_version": "2026-01"},
    )
    assert again["id"] == first["id"]
    api.ok(
        "POST",
        _url(shopper, "/consents"),
        201,
        headers=h,
        json={"purpose": "analytics", "policy_version": "2026-01"},
    )
    state = api.ok("GET", _url(shopper, "/consents"), headers=h)
    assert state["current"] == {"marketing": True, "analytics": True, "personalisation": False}

    withdrawn = api.ok("DELETE", _url(shopper, "/consents/marketing"), headers=h)
    assert withdrawn["id"] == first["id"]
    assert withdrawn["withdrawn_at"] is not None
    assert withdrawn["end_reason"] == "withdrawn"
    missing = api.ok("DELETE", _url(shopper, "/consents/marketing"), 404, headers=h)
    assert missing["code"] == "consent_not_found"

    regrant = api.ok(
        "POST",
        _url(shopper, "/consents"),
        201,
        headers=h,
        json={"purpose": "marketing", "policy_version": "2026-02"},
    )
    assert regrant["id"] != first["id"]
    state = api.ok("GET", _url(shopper, "/consents"), headers=h)
    assert state["current"]["marketing"] is True
    marketing = [r for r in state["history"] if r["purpose"] == "marketing"]
    assert [(r["policy_version"], r["withdrawn_at"] is None) for r in marketing] == [
        ("2026-01", False),
        ("2026-02", True),
    ]
    # Bad input: unknown purpose, extra fields.
    api.ok(
        "POST",
        _url(shopper, "/consents"),
        422,
        headers=h,
        json={"purpose": "selling", "policy_version": "1"},
    )
    api.ok("DELETE", _url(shopper, "/consents/selling"), 422, headers=h)
    api.ok("GET", _url(shopper, "/consents"), 401)


def test_export_contains_everything_personal(api: Api, shop: dict[str, Any]) -> None:
    shopper, order = shop["shopper"], shop["order"]
    api.ok(
        "POST",
        _url(shopper, "/consents"),
        201,
        headers=shopper["headers"],
        json={"purpose": "personalisation", "policy_version": "v3"},
    )
    export = api.ok("GET", _url(shopper, "/me/export"), headers=shopper["headers"])
    assert export["profile"]["email"] == EMAIL
    assert export["profile"]["display_name"] == NAME
    assert export["profile"]["erased_at"] is None
    assert [o["id"] for o in export["orders"]] == [order["id"]]
    assert export["orders"][0]["lines"][0]["quantity"] == 2
    assert export["orders"][0]["total_amount"] == order["total_amount"]
    assert [c["purpose"] for c in export["consents"]] == ["personalisation"]
    assert [c["code"] for c in export["share_codes"]] == [shop["code"]["code"]]
    assert export["cart"][0]["quantity"] == 1
    assert export["sessions"]
    assert "token" not in json.dumps(export["sessions"])
    assert [r["kind"] for r in export["privacy_requests"]] == ["export"]

    staff_export = api.ok(
        "GET",
        f"/api/v1/privacy/shoppers/{shopper['shopper']['id']}/export",
        headers=shop["store"]["headers"],
    )
    assert staff_export["profile"]["email"] == EMAIL
    assert staff_export["privacy_requests"][-1]["requested_by"].startswith("staff:")


def test_erasure_leaves_nothing_personal_and_keeps_the_order(
    api: Api, shop: dict[str, Any]
) -> None:
    store, shopper, order = shop["store"], shop["shopper"], shop["order"]
    shopper_id = shopper["shopper"]["id"]
    api.ok(
        "POST",
        _url(shopper, "/consents"),
        201,
        headers=shopper["headers"],
        json={"purpose": "marketing", "policy_version": "2026-01"},
    )
    result = api.ok("POST", _url(shopper, "/me/erase"), headers=shopper["headers"])
    assert result["shopper_id"] == shopper_id
    assert result["orders_kept"] == 1
    assert result["consents_kept"] == 1
    assert result["tokens_revoked"] >= 1
    assert result["already_erased"] is False

    # The session is gone, and the old password no longer logs in.
    api.ok("GET", _url(shopper, "/me/export"), 401, headers=shopper["headers"])
    api.ok("POST", _url(shopper, "/login"), 401, json={"email": EMAIL, "password": PASSWORD})

    export = api.ok(
        "GET", f"/api/v1/privacy/shoppers/{shopper_id}/export", headers=store["headers"]
    )
    dumped = json.dumps(export)
    assert EMAIL not in dumped
    assert NAME not in dumped
    assert export["profile"]["email"] is None
    assert export["profile"]["display_name"] == ""
    assert export["profile"]["erased_at"] is not None
    assert export["cart"] == []
    assert all(s["revoked_at"] is not None for s in export["sessions"])
    # Consent kept as proof, tied to the now anonymous subject.
    assert [c["purpose"] for c in export["consents"]] == ["marketing"]

    # The order, its lines and amounts are intact; the merchant's order list still works.
    kept = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=store["headers"])
    for field in ("number", "currency", "subtotal_amount", "discount_amount", "total_amount"):
        assert kept[field] == order[field]
    assert kept["lines"] == order["lines"]
    listed = api.ok("GET", "/api/v1/orders", headers=store["headers"])
    assert [o["id"] for o in listed] == [order["id"]]

    # Repeating is harmless.
    again = api.ok("POST", f"/api/v1/privacy/shoppers/{shopper_id}/erase", headers=store["headers"])
    assert again["already_erased"] is True
    assert again["erased_at"] == result["erased_at"]


def test_only_the_owner_handles_requests_and_other_stores_get_404(
    api: Api, shop: dict[str, Any]
) -> None:
    store, shopper_id = shop["store"], shop["shopper"]["shopper"]["id"]
    other = api.store()
    for method, path in (
        ("GET", f"/api/v1/privacy/shoppers/{shopper_id}/export"),
        ("POST", f"/api/v1/privacy/shoppers/{shopper_id}/erase"),
    ):
        denied = api.ok(method, path, 404, headers=other["headers"])
        assert denied["code"] == "shopper_not_found"
    # A shopper token of the other store cannot reach this store's shop routes either.
    stranger = api.shopper(other)
    api.ok(
        "GET",
        f"/api/v1/shop/{shop['shopper']['slug']}/me/export",
        401,
        headers=stranger["headers"],
    )
    host = api.ok(
        "POST",
        "/api/v1/staff",
        201,
        headers=store["headers"],
        json={"email": "host@example.com", "password": PASSWORD, "role": "host"},
    )
    assert host
    login = api.ok(
        "POST",
        "/api/v1/auth/login",
        json={
            "store": store["store"]["slug"],
            "email": "host@example.com",
            "password": PASSWORD,
        },
    )
    host_headers = {"Authorization": f"Bearer {login['token']}"}
    api.ok("POST", f"/api/v1/privacy/shoppers/{shopper_id}/erase", 403, headers=host_headers)
    # Nothing was erased by the refused calls.
    export = api.ok(
        "GET", f"/api/v1/privacy/shoppers/{shopper_id}/export", headers=store["headers"]
    )
    assert export["profile"]["email"] == EMAIL


def test_retention_deletes_idle_guests_without_orders(
    api: Api, app: FastAPI, shop: dict[str, Any]
) -> None:
    store = shop["store"]
    idle = api.shopper(store)
    api.ok(
        "POST",
        _url(idle, "/consents"),
        201,
        headers=idle["headers"],
        json={"purpose": "analytics", "policy_version": "1"},
    )
    buyer_id = shop["shopper"]["shopper"]["id"]
    db = app.state.ctx.db
    with db.write() as session:
        assert purge_inactive_guests(session, older_than=timedelta(days=30), now=utcnow()) == 0
    with db.write() as session:
        deleted = purge_inactive_guests(
            session, older_than=timedelta(days=30), now=utcnow() + timedelta(days=31)
        )
    assert deleted == 1
    with db.read() as session:
        assert session.get(Shopper, idle["shopper"]["id"]) is None
        assert session.get(Shopper, buyer_id) is not None  # has an order: kept
    api.ok("GET", _url(idle, "/consents"), 401, headers=idle["headers"])
    ran = api.ok(
        "POST",
        "/api/v1/privacy/retention/run",
        headers=store["headers"],
        json={"older_than_days": 30},
    )
    assert ran == {"deleted_guests": 0, "deleted_audit_entries": 0}
