"""One shopper racing themselves (a double click, a script): one cart becomes one order, a
limit-1 coupon is redeemed once, an order has one open payment. Real concurrent requests
against a real server on SQLite and PostgreSQL, plus the database constraints themselves."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from castcart.commerce.models import Coupon, CouponRedemption, Order, Payment
from castcart.commerce.promotions import check_coupon, claim_coupon_use
from castcart.core.clock import utcnow
from castcart.core.errors import UnprocessableError
from castcart.core.ids import new_id
from tests.conftest import LiveServer
from tests.helpers import Api, address_for

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
N = 30


async def _burst(base_url: str, requests: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    limits = httpx.Limits(max_connections=N, max_keepalive_connections=N)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        return list(
            await asyncio.gather(
                *(client.request(method, url, **kw) for method, url, kw in requests)
            )
        )


def _checkouts(buyer: dict[str, Any], count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """``count`` checkouts of one cart, each with its own Idempotency-Key."""
    url = f"/api/v1/shop/{buyer['slug']}/checkout"
    country = buyer["shopper"]["country"] or "DE"
    body = {"shipping_address": address_for(country), "contact_email": "alex@example.com"}
    return [
        ("POST", url, {"json": body, "headers": {**buyer["headers"], "Idempotency-Key": k}})
        for k in (secrets.token_hex(8) for _ in range(count))
    ]


def _shop(api: Api, stock: int = 100) -> tuple[dict[str, Any], dict[str, Any], str]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, stock=stock, warehouse=warehouse)
    return store, product, product["variants"][0]["id"]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_concurrent_checkouts_of_one_cart_make_one_order(api: Api, live_server: LiveServer) -> None:
    store, product, variant_id = _shop(api)
    buyer = api.shopper(store)
    api.add_to_cart(buyer, variant_id, 2)

    responses = asyncio.run(_burst(live_server.url, _checkouts(buyer, N)))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: N - 1}, statuses
    [order] = [r.json() for r in responses if r.status_code == 201]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {e["code"] for e in refused} == {"cart_checked_out"}
    orders = api.ok("GET", "/api/v1/orders?limit=100", headers=store["headers"])
    assert [o["id"] for o in orders] == [order["id"]]
    [stock] = api.variant_stock(store, product["id"])
    assert stock["reserved"] == 2  # the losers hold nothing


def test_a_second_checkout_right_after_names_the_order(api: Api) -> None:
    store, _product, variant_id = _shop(api)
    buyer = api.shopper(store)
    api.add_to_cart(buyer, variant_id, 1)
    order = api.checkout(buyer)
    again = api.checkout(buyer, expected=409)
    assert again["code"] == "cart_checked_out"
    assert again["details"]["order_id"] == order["id"]


def _limited_coupon(api: Api, store: dict[str, Any], limit: int) -> str:
    code = "ONCE" + secrets.token_hex(2).upper()
    api.ok(
        "POST",
        "/api/v1/coupons",
        201,
        headers=store["headers"],
        json={"code": code, "kind": "percent", "percent_off": 10, "max_uses_per_customer": limit},
    )
    return code


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_a_limit_one_coupon_is_redeemed_once_by_a_burst(
    api: Api, app: FastAPI, live_server: LiveServer
) -> None:
    store, _product, variant_id = _shop(api)
    code = _limited_coupon(api, store, 1)
    buyer = api.shopper(store)
    api.add_to_cart(buyer, variant_id, 1)
    api.ok("PATCH", f"/api/v1/shop/{buyer['slug']}/cart", headers=buyer["headers"],
           json={"coupon_code": code})  # fmt: skip

    responses = asyncio.run(_burst(live_server.url, _checkouts(buyer, N)))

    assert sum(r.status_code == 201 for r in responses) == 1
    with app.state.ctx.db.read() as session:
        redemptions = session.scalar(select(func.count()).select_from(CouponRedemption))
        discounted = session.scalar(
            select(func.count()).select_from(Order).where(Order.coupon_id.is_not(None))
        )
    assert (redemptions, discounted) == (1, 1)


def _two_orders(api: Api, store: dict[str, Any], variant_id: str) -> tuple[str, list[str]]:
    buyer = api.shopper(store)
    order_ids = []
    for _ in range(2):
        api.add_to_cart(buyer, variant_id, 1)
        order_ids.append(api.checkout(buyer)["id"])
    return buyer["shopper"]["id"], order_ids


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_transactions_cannot_both_redeem_a_limit_one_coupon(api: Api, app: FastAPI) -> None:
    """The read-then-write race itself, on two real connections: both transactions check the
    limit before either commits. Only the database can refuse the second redemption."""
    store, _product, variant_id = _shop(api)
    code = _limited_coupon(api, store, 1)
    shopper_id, order_ids = _two_orders(api, store, variant_id)
    db = app.state.ctx.db
    first_checked = threading.Event()
    second_checked = threading.Event()
    outcomes: dict[int, str] = {}

    def redeem(n: int) -> None:
        try:
            with db.write() as session:
                coupon = session.scalar(select(Coupon).where(Coupon.code == code))
                assert coupon is not None
                check_coupon(session, coupon, shopper_id, 10_000, utcnow())
                order = session.get(Order, order_ids[n])
                assert order is not None
                if n == 0:
                    first_checked.set()
                    second_checked.wait(10)  # both have passed the read-only check
                else:
                    second_checked.set()
                claim_coupon_use(session, coupon, shopper_id, order)
                session.flush()
            outcomes[n] = "redeemed"
        except UnprocessableError as exc:
            outcomes[n] = exc.code

    threads = [threading.Thread(target=redeem, args=(n,)) for n in (0, 1)]
    threads[0].start()
    assert first_checked.wait(10)
    threads[1].start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes.values()) == ["coupon_customer_limit", "redeemed"], outcomes
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(CouponRedemption)) == 1


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_the_database_refuses_a_redemption_over_the_per_customer_limit(
    api: Api, app: FastAPI
) -> None:
    store, _product, variant_id = _shop(api)
    code = _limited_coupon(api, store, 1)
    shopper_id, order_ids = _two_orders(api, store, variant_id)
    db = app.state.ctx.db
    with db.read() as session:
        coupon_id = session.scalar(select(Coupon.id).where(Coupon.code == code))
    insert = text(
        "INSERT INTO coupon_redemptions (id, coupon_id, shopper_id, order_id, sequence) "
        "VALUES (:id, :coupon, :shopper, :order, 1)"
    )
    with db.write() as session:
        session.execute(
            insert,
            {
                "id": new_id(),
                "coupon": coupon_id,
                "shopper": shopper_id,
                "order": order_ids[0],
            },  # fmt: skip
        )
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(
            insert,
            {
                "id": new_id(),
                "coupon": coupon_id,
                "shopper": shopper_id,
                "order": order_ids[1],
            },  # fmt: skip
        )


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_concurrent_payment_starts_open_one_payment(
    api: Api, app: FastAPI, live_server: LiveServer
) -> None:
    store, _product, variant_id = _shop(api)
    buyer = api.shopper(store)
    api.add_to_cart(buyer, variant_id, 1)
    order = api.checkout(buyer)
    url = f"/api/v1/shop/{buyer['slug']}/orders/{order['id']}/payments"

    responses = asyncio.run(
        _burst(live_server.url, [("POST", url, {"headers": buyer["headers"]})] * N)
    )

    assert {r.status_code for r in responses} <= {200, 201}, Counter(
        r.status_code for r in responses
    )
    assert len({r.json()["reference"] for r in responses}) == 1
    with app.state.ctx.db.read() as session:
        rows = session.scalars(select(Payment).where(Payment.order_id == order["id"])).all()
    assert [p.status for p in rows] == ["pending"]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_the_database_refuses_a_second_open_payment(api: Api, app: FastAPI) -> None:
    store, _product, variant_id = _shop(api)
    buyer = api.shopper(store)
    api.add_to_cart(buyer, variant_id, 1)
    order = api.checkout(buyer)
    first = api.ok(
        "POST", f"/api/v1/shop/{buyer['slug']}/orders/{order['id']}/payments", 201,
        headers=buyer["headers"],
    )  # fmt: skip
    db = app.state.ctx.db
    insert = text(
        "INSERT INTO payments (id, store_id, order_id, gateway, reference, amount, currency, "
        "status, created_at, updated_at) SELECT :id, store_id, order_id, gateway, :ref, amount, "
        "currency, :status, created_at, updated_at FROM payments WHERE reference = :first"
    )
    # A closed attempt beside the open one is fine; a second open one is not.
    with db.write() as session:
        session.execute(insert, {"id": new_id(), "ref": "x1", "status": "failed",
                                 "first": first["reference"]})  # fmt: skip
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(insert, {"id": new_id(), "ref": "x2", "status": "pending",
                                 "first": first["reference"]})  # fmt: skip
