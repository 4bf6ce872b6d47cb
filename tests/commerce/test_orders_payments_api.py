"""Order state machine, payments, signed webhooks, reservation expiry and domain events."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from castcart.commerce.payments import SIGNATURE_HEADER, sign
from castcart.commerce.reservations import expire_unpaid_orders
from castcart.core.clock import utcnow
from castcart.events import DomainEvent
from castcart.web.context import AppContext
from tests.helpers import Api

# Every test here runs on SQLite, and on PostgreSQL when a server is configured.
pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def ctx(app: FastAPI) -> AppContext:
    context: AppContext = app.state.ctx
    return context


@pytest.fixture
def events(ctx: AppContext) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    ctx.bus.subscribe("*", seen.append)
    return seen


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, price=3000, stock=8, warehouse=warehouse)
    return {
        "store": store,
        "h": store["headers"],
        "product": product,
        "variant_id": product["variants"][0]["id"],
    }


def _order(api: Api, shop: dict[str, Any], quantity: int = 2) -> tuple[dict[str, Any], Any]:
    shopper = api.shopper(shop["store"])
    api.add_to_cart(shopper, shop["variant_id"], quantity)
    return shopper, api.checkout(shopper)


def test_paid_order_commits_stock_and_publishes_events(
    api: Api, shop: dict[str, Any], events: list[DomainEvent]
) -> None:
    shopper, order = _order(api, shop, 3)
    payment = api.pay(shopper, order["id"])
    assert payment["status"] == "succeeded"
    after = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])
    assert after["status"] == "paid"
    assert after["paid_at"] is not None
    assert [e["to_status"] for e in after["events"]] == ["pending_payment", "paid"]
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert (stock["quantity"], stock["reserved"]) == (5, 0)
    types = [e.type for e in events]
    assert types.count("order.created") == 1
    assert types.count("order.paid") == 1
    paid = next(e for e in events if e.type == "order.paid")
    assert paid.envelope()["order_id"] == order["id"]


def test_order_state_machine_with_audit_trail(api: Api, shop: dict[str, Any]) -> None:
    shopper, order = _order(api, shop)
    url = f"/api/v1/orders/{order['id']}/transition"
    early = api.client.post(url, headers=shop["h"], json={"to": "fulfilled"})
    assert early.status_code == 409
    assert early.json()["details"]["allowed"] == ["cancelled", "paid"]
    api.pay(shopper, order["id"])
    api.ok("POST", url, headers=shop["h"], json={"to": "fulfilled", "reason": "DHL 123"})
    done = api.ok("POST", url, headers=shop["h"], json={"to": "refunded", "reason": "damaged"})
    assert [(e["from_status"], e["to_status"]) for e in done["events"]] == [
        (None, "pending_payment"),
        ("pending_payment", "paid"),
        ("paid", "fulfilled"),
        ("fulfilled", "refunded"),
    ]
    assert done["events"][2]["reason"] == "DHL 123"
    assert done["events"][1]["actor"] == "gateway:sandbox"
    final = api.client.post(url, headers=shop["h"], json={"to": "cancelled"})
    assert final.status_code == 409
    unknown = api.client.post(url, headers=shop["h"], json={"to": "paid"})
    assert unknown.status_code == 422  # payment only comes from the gateway


def test_cancel_unpaid_releases_stock(
    api: Api, shop: dict[str, Any], events: list[DomainEvent]
) -> None:
    _, order = _order(api, shop, 4)
    api.ok(
        "POST",
        f"/api/v1/orders/{order['id']}/transition",
        headers=shop["h"],
        json={"to": "cancelled"},
    )
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert (stock["quantity"], stock["reserved"]) == (8, 0)
    assert any(e.type == "order.cancelled" for e in events)


def test_cancel_paid_restocks(api: Api, shop: dict[str, Any]) -> None:
    shopper, order = _order(api, shop, 4)
    api.pay(shopper, order["id"])
    api.ok(
        "POST",
        f"/api/v1/orders/{order['id']}/transition",
        headers=shop["h"],
        json={"to": "cancelled"},
    )
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert (stock["quantity"], stock["reserved"]) == (8, 0)


def test_failed_payment_leaves_order_pending(api: Api, shop: dict[str, Any]) -> None:
    shopper, order = _order(api, shop)
    assert api.pay(shopper, order["id"], "failed")["status"] == "failed"
    assert (
        api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])["status"]
        == "pending_payment"
    )
    # The shopper may try again with a new payment.
    assert api.pay(shopper, order["id"])["status"] == "succeeded"


def test_reservation_expiry_releases_stock(
    api: Api, shop: dict[str, Any], ctx: AppContext, events: list[DomainEvent]
) -> None:
    _, order = _order(api, shop, 5)
    assert expire_unpaid_orders(ctx.db, utcnow()) == []  # not yet expired
    expired = expire_unpaid_orders(
        ctx.db, utcnow() + timedelta(seconds=ctx.settings.reservation_ttl_seconds + 1)
    )
    assert [e.type for e in expired] == ["order.cancelled"]
    after = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])
    assert after["status"] == "cancelled"
    assert after["events"][-1]["reason"] == "reservation_expired"
    [stock] = api.variant_stock(shop["store"], shop["product"]["id"])
    assert stock["reserved"] == 0


def test_payment_after_expiry_is_flagged_for_refund(
    api: Api, shop: dict[str, Any], ctx: AppContext
) -> None:
    shopper, order = _order(api, shop)
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    expire_unpaid_orders(ctx.db, utcnow() + timedelta(days=1))
    result = api.ok(
        "POST", f"/api/v1/sandbox/payments/{payment['reference']}", json={"outcome": "succeeded"}
    )
    assert result["status"] == "refund_required"
    after = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])
    assert after["status"] == "cancelled"
    assert "refund required" in after["events"][-1]["reason"]


def _webhook(
    ctx: AppContext,
    reference: str,
    amount: int,
    *,
    event_id: str = "evt_1",
    currency: str = "EUR",
    secret: str | None = None,
    timestamp: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "id": event_id,
            "type": "payment.succeeded",
            "reference": reference,
            "amount": amount,
            "currency": currency,
        }
    ).encode()
    signature = sign(
        secret or ctx.settings.payment_webhook_secret, body, timestamp or int(time.time())
    )
    return body, {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}


def test_signed_webhook_pays_once(api: Api, shop: dict[str, Any], ctx: AppContext) -> None:
    shopper, order = _order(api, shop)
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    again = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    assert again["reference"] == payment["reference"]  # no second charge opened
    body, headers = _webhook(ctx, payment["reference"], order["total_amount"])
    url = "/api/v1/webhooks/payments/sandbox"
    assert api.ok("POST", url, content=body, headers=headers) == {"result": "succeeded"}
    assert api.ok("POST", url, content=body, headers=headers) == {"result": "duplicate"}
    after = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])
    assert [e["to_status"] for e in after["events"]] == ["pending_payment", "paid"]


@pytest.mark.parametrize("tamper", ["wrong_secret", "stale", "missing", "body_changed"])
def test_unsigned_or_tampered_webhooks_are_rejected(
    api: Api, shop: dict[str, Any], ctx: AppContext, tamper: str
) -> None:
    shopper, order = _order(api, shop)
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    body, headers = _webhook(ctx, payment["reference"], order["total_amount"])
    if tamper == "wrong_secret":
        body, headers = _webhook(
            ctx, payment["reference"], order["total_amount"], secret="not-the-secret"
        )
    elif tamper == "stale":
        body, headers = _webhook(
            ctx, payment["reference"], order["total_amount"], timestamp=int(time.time()) - 3600
        )
    elif tamper == "missing":
        headers.pop(SIGNATURE_HEADER)
    else:
        body = body.replace(b"EUR", b"USD")
    response = api.client.post("/api/v1/webhooks/payments/sandbox", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"].startswith("signature_")
    after = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])
    assert after["status"] == "pending_payment"


def test_webhook_amount_mismatch_does_not_pay(
    api: Api, shop: dict[str, Any], ctx: AppContext
) -> None:
    shopper, order = _order(api, shop)
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    body, headers = _webhook(ctx, payment["reference"], 1)
    result = api.ok("POST", "/api/v1/webhooks/payments/sandbox", content=body, headers=headers)
    assert result == {"result": "amount_mismatch"}
    after = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=shop["h"])
    assert after["status"] == "pending_payment"


def test_low_stock_event(api: Api, shop: dict[str, Any], events: list[DomainEvent]) -> None:
    _order(api, shop, 3)  # 8 → 5 available: at the default threshold of 5
    low = [e for e in events if e.type == "stock.low"]
    assert len(low) == 1
    assert low[0].envelope()["available"] == 5


def test_shopper_sees_only_own_orders(api: Api, shop: dict[str, Any]) -> None:
    alice, order = _order(api, shop)
    bob = api.shopper(shop["store"])
    response = api.client.get(
        f"/api/v1/shop/{bob['slug']}/orders/{order['id']}", headers=bob["headers"]
    )
    assert response.status_code == 404
    assert api.ok("GET", f"/api/v1/shop/{bob['slug']}/orders", headers=bob["headers"]) == []
    mine = api.ok("GET", f"/api/v1/shop/{alice['slug']}/orders", headers=alice["headers"])
    assert [o["id"] for o in mine] == [order["id"]]
    pay = api.client.post(
        f"/api/v1/shop/{bob['slug']}/orders/{order['id']}/payments", headers=bob["headers"]
    )
    assert pay.status_code == 404
