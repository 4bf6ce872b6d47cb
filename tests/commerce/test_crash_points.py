"""Crash tests: a real ``castcart serve`` process is killed (SIGKILL, by its own fail point,
core/failpoints.py) at the dangerous points of selling — between reservation and commit,
between commit and the response, between the gateway's "succeeded" and the order marked
paid, between the paid commit and its event, in the expiry sweep, in the outbox relay —
then restarted without the point. After the recovery (the sweep, the relay, the gateway
retrying its webhook, the shopper retrying the checkout with the same Idempotency-Key) the
database itself is checked: nothing oversold, nothing paid twice, nothing lost.

SQLite file and a PostgreSQL database of its own (marked ``postgres``)."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as email_policy
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from castcart.catalog.models import StockLevel
from castcart.commerce.models import Order, OrderLine, Payment, StockAllocation, WebhookReceipt
from castcart.commerce.payments import SIGNATURE_HEADER, sign
from castcart.core.db import Database
from castcart.events.outbox import OutboxEvent
from castcart.notifications.models import SentNotification
from tests.cluster import CLI, ROOT, free_port
from tests.helpers import Api, address_for

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
WEBHOOK_SECRET = "crash-test-webhook-secret-" + secrets.token_hex(8)
STOCK = 5
RECOVERY_TIMEOUT = 60.0


class Inbox:
    """A real SMTP server the app mails to: the order confirmations, counted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = free_port()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = BytesParser(policy=email_policy).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@dataclass
class Server:
    """One ``castcart serve`` at a time on one database; restartable, killable."""

    tmp_path: Path
    database_url: str
    smtp_port: int
    overrides: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    url: str = ""
    starts: int = 0

    def env(self, failpoints: str) -> dict[str, str]:
        return {
            **os.environ,
            "CASTCART_ENVIRONMENT": "test",
            "CASTCART_DATA_DIR": str(self.tmp_path),
            "CASTCART_DATABASE_URL": self.database_url,
            "CASTCART_REDIS_URL": "",
            "CASTCART_MEDIA_INGEST": "off",
            "CASTCART_PAYMENT_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "CASTCART_RESERVATION_SWEEP_INTERVAL_SECONDS": "0.3",
            "CASTCART_OUTBOX_RELAY_INTERVAL_SECONDS": "0.2",
            "CASTCART_OUTBOX_RECOVER_AFTER_SECONDS": "1",
            "CASTCART_OUTBOX_LEASE_SECONDS": "1",
            "CASTCART_SMTP_HOST": "127.0.0.1",
            "CASTCART_SMTP_PORT": str(self.smtp_port),
            "CASTCART_SMTP_STARTTLS": "false",
            "CASTCART_SMTP_FROM": "Shop <orders@shop.example>",
            "CASTCART_FAILPOINTS": failpoints,
            **self.overrides,
        }

    def start(self, failpoints: str = "", *, may_die_starting: bool = False) -> Api:
        """Start and wait until it answers; ``may_die_starting``: its fail point is in a
        background task that may fire before the first answer (then no wait for one)."""
        assert self.proc is None or self.proc.poll() is not None
        port = free_port()
        self.starts += 1
        log = (self.tmp_path / f"serve{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            cwd=ROOT,
            env=self.env(failpoints),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                if may_die_starting and self.proc.poll() is not None:
                    break
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not start: {self.log()}") from None
                time.sleep(0.1)
        return Api(httpx.Client(base_url=self.url, timeout=60))  # type: ignore[arg-type]

    def log(self) -> str:
        return (self.tmp_path / f"serve{self.starts}.log").read_text(errors="replace")[-3000:]

    def died_by_sigkill(self, timeout: float = 30) -> None:
        """The fail point fired: the process is gone, killed by SIGKILL (-9), not exited."""
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server did not die at its fail point: {self.log()}")
        assert code == -signal.SIGKILL, (code, self.log())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def server(tmp_path: Path, database_url: str, inbox: Inbox) -> Iterator[Server]:
    srv = Server(tmp_path, database_url, inbox.port)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def db(database_url: str, server: Server) -> Iterator[Database]:
    database = Database(database_url, pool_size=2)
    try:
        yield database
    finally:
        database.dispose()


# --- the shop, over HTTP -------------------------------------------------------------------


@dataclass
class Shop:
    store: dict[str, Any]
    variant_id: str


def open_shop(api: Api, stock: int = STOCK) -> Shop:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, stock=stock, warehouse=warehouse, price=2500)
    return Shop(store, product["variants"][0]["id"])


def shopper_with_cart(api: Api, shop: Shop, quantity: int = 1) -> dict[str, Any]:
    buyer = api.shopper(shop.store)
    api.add_to_cart(buyer, shop.variant_id, quantity)
    return buyer


def checkout_call(buyer: dict[str, Any], key: str) -> tuple[str, dict[str, Any]]:
    url = f"/api/v1/shop/{buyer['slug']}/checkout"
    body = {"shipping_address": address_for("DE"), "contact_email": "alex@example.com"}
    return url, {"json": body, "headers": {**buyer["headers"], "Idempotency-Key": key}}


def checkout_dies(api: Api, buyer: dict[str, Any], key: str) -> None:
    url, kwargs = checkout_call(buyer, key)
    with pytest.raises(httpx.TransportError):  # the connection drops: no answer at all
        api.client.request("POST", url, **kwargs)


def signed_webhook(payment: dict[str, Any], outcome: str = "succeeded") -> dict[str, Any]:
    """What the PSP posts (and, unanswered, posts again): one event id, one signature."""
    body = json.dumps(
        {
            "id": f"evt_{secrets.token_hex(8)}",
            "type": f"payment.{outcome}",
            "reference": payment["reference"],
            "amount": payment["amount"],
            "currency": payment["currency"],
        }
    ).encode()
    return {
        "content": body,
        "headers": {
            SIGNATURE_HEADER: sign(WEBHOOK_SECRET, body, int(time.time())),
            "Content-Type": "application/json",
        },
    }


def start_payment(api: Api, buyer: dict[str, Any], order_id: str) -> dict[str, Any]:
    return api.ok(  # type: ignore[no-any-return]
        "POST",
        f"/api/v1/shop/{buyer['slug']}/orders/{order_id}/payments",
        201,
        headers=buyer["headers"],
    )


WEBHOOK = "/api/v1/webhooks/payments/sandbox"


# --- the database, read directly -----------------------------------------------------------


def orders_of(db: Database, store_id: str) -> list[Order]:
    with db.read() as session:
        return list(session.scalars(select(Order).where(Order.store_id == store_id)).all())


def wait_until(what: str, check: Callable[[], bool], timeout: float = RECOVERY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"recovery did not happen: {what}")
        time.sleep(0.1)


def outbox_rows(db: Database, event_type: str, order_id: str) -> list[OutboxEvent]:
    with db.read() as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.type == event_type)).all()
        return [row for row in rows if row.envelope.get("order_id") == order_id]


def unpublished(db: Database) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(select(OutboxEvent.type).where(OutboxEvent.published_at.is_(None)))
        )


def events_delivered(db: Database, event_type: str, order_id: str) -> bool:
    rows = outbox_rows(db, event_type, order_id)
    return len(rows) == 1 and rows[0].published_at is not None


def check_integrity(db: Database, shop: Shop, initial: int = STOCK) -> dict[str, int]:
    """The invariants a crash must never break, from the tables themselves."""
    store_id = shop.store["store"]["id"]
    with db.read() as session:
        [level] = session.scalars(
            select(StockLevel).where(StockLevel.variant_id == shop.variant_id)
        ).all()
        allocations = session.execute(
            select(StockAllocation.state, func.sum(StockAllocation.quantity), Order.status)
            .join(Order, Order.id == StockAllocation.order_id)
            .where(Order.store_id == store_id)
            .group_by(StockAllocation.state, Order.status)
        ).all()
        by_state: Counter[str] = Counter()
        for state, quantity, order_status in allocations:
            by_state[state] += int(quantity)
            expected = {"reserved": "pending_payment", "committed": "paid", "released": "cancelled"}
            assert order_status == expected[state], (state, order_status)
        sold, reserved = by_state["committed"], by_state["reserved"]
        available = level.quantity - level.reserved
        # nothing oversold, nothing lost: every unit is on the shelf, held, or sold
        assert level.reserved == reserved >= 0
        assert available >= 0
        assert initial == sold + reserved + available, (initial, sold, reserved, available)
        orders = session.scalars(select(Order).where(Order.store_id == store_id)).all()
        for order in orders:
            lines = session.scalar(
                select(func.count()).select_from(OrderLine).where(OrderLine.order_id == order.id)
            )
            assert lines, f"order {order.id} has no lines"
            payments = Counter(
                session.scalars(select(Payment.status).where(Payment.order_id == order.id)).all()
            )
            assert payments["succeeded"] <= 1, payments  # never paid twice
            assert payments["pending"] <= 1, payments
            if order.status == "paid":
                assert payments["succeeded"] == 1, payments
        paid = [o.id for o in orders if o.status == "paid"]
    for order_id in paid:  # one order.paid each, and the relay saw it delivered
        rows = outbox_rows(db, "order.paid", order_id)
        assert len(rows) == 1, rows
        assert rows[0].published_at is not None, rows
    return {"sold": sold, "reserved": reserved, "available": available, "orders": len(orders)}


def mails_for(inbox: Inbox, number: str) -> list[EmailMessage]:
    return [m for m in inbox.messages if number in str(m["Subject"]) + m.as_string()]


def one_confirmation(db: Database, inbox: Inbox, order: Order) -> None:
    """The shopper hears "paid" exactly once, however often the event was delivered."""
    wait_until(
        "the confirmation mail was sent",
        lambda: _mail_state(db, order.id) == ["sent"] and bool(mails_for(inbox, order.number)),
    )
    time.sleep(1.5)  # a second delivery (relay tick, lease) would have mailed by now
    assert _mail_state(db, order.id) == ["sent"]
    assert len(mails_for(inbox, order.number)) == 1


def _mail_state(db: Database, order_id: str) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(SentNotification.status).where(
                    SentNotification.order_id == order_id, SentNotification.kind == "order_paid"
                )
            ).all()
        )


# --- the crashes ---------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_kill_between_reservation_and_commit_holds_nothing(server: Server, db: Database) -> None:
    api = server.start("checkout.after_reserve")
    shop = open_shop(api)
    buyer = shopper_with_cart(api, shop, 2)
    key = secrets.token_hex(8)

    checkout_dies(api, buyer, key)
    server.died_by_sigkill()

    # the reservation died with its transaction: no order, no unit held, the cart intact
    assert orders_of(db, shop.store["store"]["id"]) == []
    assert check_integrity(db, shop) == {"sold": 0, "reserved": 0, "available": 5, "orders": 0}
    api = server.start()
    url, kwargs = checkout_call(buyer, key)
    first = api.client.post(url, **kwargs)
    assert first.status_code == 201, first.text  # the retry is the first real checkout
    again = api.client.post(url, **kwargs)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert check_integrity(db, shop) == {"sold": 0, "reserved": 2, "available": 3, "orders": 1}


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_kill_after_commit_the_retry_gets_the_same_order(server: Server, db: Database) -> None:
    api = server.start("checkout.after_commit")
    shop = open_shop(api)
    buyer = shopper_with_cart(api, shop, 2)
    key = secrets.token_hex(8)

    checkout_dies(api, buyer, key)
    server.died_by_sigkill()

    [order] = orders_of(db, shop.store["store"]["id"])  # committed, never answered
    api = server.start()
    url, kwargs = checkout_call(buyer, key)
    retried = api.client.post(url, **kwargs)
    assert retried.status_code == 200, retried.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["id"] == order.id
    other_key = checkout_call(buyer, secrets.token_hex(8))
    assert api.client.post(other_key[0], **other_key[1]).status_code == 409  # cart was claimed
    # order.created was committed with the order; the relay publishes it after the crash
    wait_until("order.created delivered", lambda: events_delivered(db, "order.created", order.id))
    assert len(orders_of(db, shop.store["store"]["id"])) == 1
    assert check_integrity(db, shop) == {"sold": 0, "reserved": 2, "available": 3, "orders": 1}


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_kill_between_gateway_success_and_paid_the_retried_webhook_pays_once(
    server: Server, db: Database, inbox: Inbox
) -> None:
    api = server.start("payment.after_gateway_success")
    shop = open_shop(api)
    buyer = shopper_with_cart(api, shop, 2)
    order = api.checkout(buyer)
    payment = start_payment(api, buyer, order["id"])
    notice = signed_webhook(payment)

    with pytest.raises(httpx.TransportError):
        api.client.post(WEBHOOK, **notice)
    server.died_by_sigkill()

    with db.read() as session:  # the PSP heard no 2xx: nothing of that delivery stuck
        assert session.get_one(Order, order["id"]).status == "pending_payment"
        assert session.get_one(Payment, payment["id"]).status == "pending"
        assert session.scalar(select(func.count()).select_from(WebhookReceipt)) == 0
    api = server.start()
    assert api.ok("POST", WEBHOOK, **notice) == {"result": "succeeded"}  # the PSP retries
    assert api.ok("POST", WEBHOOK, **notice) == {"result": "duplicate"}
    wait_until("order.paid delivered", lambda: events_delivered(db, "order.paid", order["id"]))
    assert check_integrity(db, shop) == {"sold": 2, "reserved": 0, "available": 3, "orders": 1}
    [paid] = orders_of(db, shop.store["store"]["id"])
    one_confirmation(db, inbox, paid)


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_kill_after_paid_commit_and_in_the_relay_delivers_order_paid_once(
    server: Server, db: Database, inbox: Inbox
) -> None:
    server.overrides["CASTCART_LOW_STOCK_THRESHOLD"] = "0"  # no stock.low beside order.paid
    # the killed process may have claimed the mail before dying: let the next one retake it
    # after 5 s rather than the production lease of 2 minutes
    server.overrides["CASTCART_NOTIFICATIONS_LEASE_SECONDS"] = "5"
    api = server.start("payment.after_commit")
    shop = open_shop(api)
    buyer = shopper_with_cart(api, shop, 1)
    order = api.checkout(buyer)
    payment = start_payment(api, buyer, order["id"])
    notice = signed_webhook(payment)
    # the checkout's own events are marked first, so the one row left behind is this crash's
    wait_until("the relay marked everything so far", lambda: unpublished(db) == [])

    with pytest.raises(httpx.TransportError):
        api.client.post(WEBHOOK, **notice)
    server.died_by_sigkill()

    # paid and committed, order.paid written with it but never published
    assert unpublished(db) == ["order.paid"]
    [row] = outbox_rows(db, "order.paid", order["id"])
    assert row.published_at is None
    assert inbox.messages == []

    # the relay of the next process republishes it and dies before marking it delivered
    server.start("outbox.after_publish", may_die_starting=True)
    server.died_by_sigkill()
    [row] = outbox_rows(db, "order.paid", order["id"])
    assert row.published_at is None
    assert row.claimed_at is not None

    # the third process takes the row over once the lease ran out, and marks it
    api = server.start()
    wait_until("order.paid delivered", lambda: events_delivered(db, "order.paid", order["id"]))
    assert api.ok("POST", WEBHOOK, **notice) == {"result": "duplicate"}
    assert check_integrity(db, shop) == {"sold": 1, "reserved": 0, "available": 4, "orders": 1}
    [paid] = orders_of(db, shop.store["store"]["id"])
    one_confirmation(db, inbox, paid)  # delivered twice, mailed once


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_kill_during_expiry_then_the_sweep_releases_once(server: Server, db: Database) -> None:
    server.overrides["CASTCART_RESERVATION_TTL_SECONDS"] = "10"  # the shortest allowed
    api = server.start("expiry.after_release")
    shop = open_shop(api)
    buyer = shopper_with_cart(api, shop, 2)
    order = api.checkout(buyer)
    payment = start_payment(api, buyer, order["id"])
    assert check_integrity(db, shop)["reserved"] == 2

    server.died_by_sigkill(timeout=40)  # the sweep reached the order after its 10 s TTL

    with db.read() as session:  # the release died with its transaction
        assert session.get_one(Order, order["id"]).status == "pending_payment"
    assert check_integrity(db, shop) == {"sold": 0, "reserved": 2, "available": 3, "orders": 1}
    api = server.start()
    wait_until(
        "the restarted sweep cancelled the order",
        lambda: orders_of(db, shop.store["store"]["id"])[0].status == "cancelled",
    )
    wait_until(
        "order.cancelled delivered", lambda: events_delivered(db, "order.cancelled", order["id"])
    )
    assert check_integrity(db, shop) == {"sold": 0, "reserved": 0, "available": 5, "orders": 1}
    # money arriving for the released order is flagged for a refund, never ships stock
    assert api.ok("POST", WEBHOOK, **signed_webhook(payment)) == {"result": "refund_required"}
    assert check_integrity(db, shop) == {"sold": 0, "reserved": 0, "available": 5, "orders": 1}


BUYERS = 20


async def _burst(base_url: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    limits = httpx.Limits(max_connections=BUYERS, max_keepalive_connections=BUYERS)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:

        async def one(url: str, kwargs: dict[str, Any]) -> Any:
            try:
                return await client.post(url, **kwargs)
            except httpx.TransportError as exc:
                return exc

        return list(await asyncio.gather(*(one(url, kw) for url, kw in calls)))


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_twenty_buyers_five_units_killed_mid_sale_never_oversell(
    server: Server, db: Database
) -> None:
    # the third reservation kills the server: up to two orders committed, the rest in flight
    api = server.start("checkout.after_reserve=kill:after=2")
    shop = open_shop(api)
    buyers = [shopper_with_cart(api, shop, 1) for _ in range(BUYERS)]
    calls = [checkout_call(b, secrets.token_hex(8)) for b in buyers]

    first = asyncio.run(_burst(server.url, calls))
    server.died_by_sigkill()

    dropped = [c for c, r in zip(calls, first, strict=True) if isinstance(r, Exception)]
    answered = Counter(r.status_code for r in first if not isinstance(r, Exception))
    assert dropped, answered  # the kill happened mid-sale
    assert set(answered) <= {201, 409}, answered
    survived = check_integrity(db, shop)
    # at most the two that passed the point committed (on PostgreSQL one may still have been
    # committing, or committed with its answer unsent, when the third killed the process)
    assert survived["orders"] == survived["reserved"] <= 2
    assert answered[201] <= survived["orders"]

    # every buyer who heard nothing retries with the same key
    api = server.start()
    retried = asyncio.run(_burst(server.url, dropped))
    assert not [r for r in retried if isinstance(r, Exception)]
    assert {r.status_code for r in retried} <= {201, 200, 409}
    after = check_integrity(db, shop)
    assert after == {"sold": 0, "reserved": 5, "available": 0, "orders": 5}

    # everyone who holds units pays: five sold, none oversold
    by_shopper = {b["shopper"]["id"]: b for b in buyers}
    for order in orders_of(db, shop.store["store"]["id"]):
        buyer = by_shopper[order.shopper_id]
        payment = start_payment(api, buyer, order.id)
        assert api.ok("POST", WEBHOOK, **signed_webhook(payment)) == {"result": "succeeded"}
    for order in orders_of(db, shop.store["store"]["id"]):
        wait_until("order.paid delivered", partial(events_delivered, db, "order.paid", order.id))
    assert check_integrity(db, shop) == {"sold": 5, "reserved": 0, "available": 0, "orders": 5}
