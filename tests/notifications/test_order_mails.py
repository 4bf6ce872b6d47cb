"""Order mails against a real local SMTP server (aiosmtpd): the confirmation on payment
and the shipping notice, in the shopper's language, text + HTML with the order page link
and totals; once per (order, kind) however often the event arrives; a down SMTP server
leaves the mail pending for the retry, logged without the address; no SMTP configured →
no mail, a log line, checkout unaffected."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy import select

from castcart.core.clock import utcnow
from castcart.core.settings import Settings
from castcart.events import OrderPaid
from castcart.money.display import format_money
from castcart.notifications.models import SentNotification
from castcart.notifications.subscriber import OrderMails
from tests.cluster import free_port
from tests.conftest import make_settings
from tests.helpers import Api, bearer

pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp_port: int) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="Shop <orders@shop.example>",
        public_base_url="https://shop.example",
        notifications_retry_seconds=0.01,
    )


def _buy(api: Api, locale: str = "de") -> dict[str, Any]:
    store = api.store()
    berlin = api.warehouse(store, "BER")
    product = api.product(store, price=1900, stock=5, warehouse=berlin, skus=2)
    shopper = api.ok(
        "POST",
        f"/api/v1/shop/{store['store']['slug']}/sessions",
        201,
        json={"locale": locale, "country": "DE"},
    )
    shopper["headers"] = bearer(shopper["token"])
    shopper["slug"] = store["store"]["slug"]
    api.add_to_cart(shopper, product["variants"][1]["id"], 2)
    order = api.checkout(shopper, contact_email="jana.kunde@example.com", payment_method="card")
    return {"store": store, "shopper": shopper, "order": order}


def _wait_for(inbox: Inbox, count: int, app: FastAPI) -> None:
    for _ in range(100):
        app.state.ctx.services.get(OrderMails).flush()
        if len(inbox.messages) >= count:
            return
        time.sleep(0.05)  # aiosmtpd hands the message over on its own loop


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, subtype
    return str(part.get_content())


def test_paid_order_gets_one_confirmation_in_the_shoppers_language(
    api: Api, app: FastAPI, inbox: Inbox
) -> None:
    bought = _buy(api, "de")
    order = bought["order"]
    seen: list[Any] = []
    app.state.ctx.bus.subscribe("order.paid", seen.append)
    api.pay(bought["shopper"], order["id"])
    _wait_for(inbox, 1, app)
    [message] = inbox.messages
    assert inbox.recipients == [["jana.kunde@example.com"]]
    assert message["Subject"] == f"Bestellung {order['number']} bestätigt"
    assert message["Content-Language"] == "de"
    assert message["From"] == "Shop <orders@shop.example>"
    text, html = _body(message, "plain"), _body(message, "html")
    total = format_money(order["total_amount"], order["currency"], "de")
    assert total in text
    assert total in html
    assert "Danke für Ihre Bestellung" in text
    [link] = [w for w in text.split() if w.startswith("https://shop.example/shop/")]
    assert link.endswith("&lang=de")
    assert f'href="{link.replace("&", "&amp;")}"' in html
    # the link opens the order page without any session
    parts = urlsplit(link)
    page = api.client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    assert order["number"] in page.text

    # the outbox relay redelivers what was never marked published (here: everything, as
    # if the node died after commit), and a copy arrives once more: no second mail
    later = utcnow() + timedelta(minutes=5)
    assert app.state.ctx.outbox.recover(now=later) >= 1
    assert len(seen) == 2
    app.state.ctx.bus.publish(OrderPaid.model_validate(seen[0].model_dump()))
    app.state.ctx.services.get(OrderMails).flush()
    assert len(inbox.messages) == 1
    with app.state.ctx.db.read() as session:
        rows = session.scalars(select(SentNotification)).all()
        assert [(r.kind, r.status, r.attempts) for r in rows] == [("order_paid", "sent", 0)]


def test_shipped_mail_carries_the_tracking_link(api: Api, app: FastAPI, inbox: Inbox) -> None:
    bought = _buy(api, "fr")
    order = bought["order"]
    api.pay(bought["shopper"], order["id"])
    _wait_for(inbox, 1, app)
    api.ok(
        "POST",
        f"/api/v1/orders/{order['id']}/shipments",
        headers=bought["store"]["headers"],
        json={
            "carrier": "DHL",
            "tracking_number": "JD014600001",
            "tracking_url": "https://www.dhl.com/track?id=JD014600001",
        },
    )
    _wait_for(inbox, 2, app)
    shipped = inbox.messages[1]
    assert shipped["Subject"] == f"Votre commande {order['number']} a été expédiée"
    text, html = _body(shipped, "plain"), _body(shipped, "html")
    assert "JD014600001" in text
    assert "https://www.dhl.com/track?id=JD014600001" in text
    assert 'href="https://www.dhl.com/track?id=JD014600001"' in html
    # the service in French, not its code ("standard")
    assert "DHL · Livraison standard · " in text
    assert '<span class="service">Livraison standard</span>' in html
    assert "· standard" not in text
    # the confirmation did not name a tracking number
    assert "JD014600001" not in _body(inbox.messages[0], "plain")


def test_smtp_down_keeps_the_mail_pending_and_the_retry_sends_it(
    api: Api, app: FastAPI, smtp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    bought = _buy(api, "en")
    order = bought["order"]
    with caplog.at_level(logging.WARNING, logger="castcart.notifications"):
        api.pay(bought["shopper"], order["id"])  # nothing listens on smtp_port yet
        app.state.ctx.services.get(OrderMails).flush()
    assert (
        api.ok("GET", f"/api/v1/orders/{order['id']}", headers=bought["store"]["headers"])["status"]
        == "paid"
    )
    with app.state.ctx.db.read() as session:
        [row] = session.scalars(select(SentNotification)).all()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "j***@example.com" in logged
    assert "jana.kunde@example.com" not in logged

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        time.sleep(0.05)  # past next_attempt_at (retry interval 0.01 s)
        assert app.state.ctx.services.get(OrderMails).retry_due() == 1
        assert app.state.ctx.services.get(OrderMails).retry_due() == 0  # sent rows are done
        for _ in range(40):
            if box.messages:
                break
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(box.messages) == 1
    assert box.messages[0]["Subject"] == f"Order {order['number']} confirmed"


def test_no_smtp_configured_sends_nothing_and_logs(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from fastapi.testclient import TestClient

    from castcart.web.app import create_app

    app = create_app(make_settings(tmp_path, database_url), background_tasks=False)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="castcart.notifications"):
        api = Api(client)
        bought = _buy(api, "en")
        api.pay(bought["shopper"], bought["order"]["id"])
        app.state.ctx.services.get(OrderMails).flush()
        with app.state.ctx.db.read() as session:
            assert session.scalars(select(SentNotification)).all() == []
    assert any("no SMTP server configured" in r.getMessage() for r in caplog.records)


def _transition(api: Api, bought: dict[str, Any], to: str, reason: str = "") -> None:
    api.ok(
        "POST",
        f"/api/v1/orders/{bought['order']['id']}/transition",
        headers=bought["store"]["headers"],
        json={"to": to, "reason": reason},
    )


def test_a_cancelled_order_tells_the_shopper_once_in_their_language(
    api: Api, app: FastAPI, inbox: Inbox
) -> None:
    bought = _buy(api, "es")
    order = bought["order"]
    cancelled: list[Any] = []
    app.state.ctx.bus.subscribe("order.cancelled", cancelled.append)
    _transition(api, bought, "cancelled", "out of stock")
    _wait_for(inbox, 1, app)
    [mail] = inbox.messages
    assert mail["Subject"] == f"Tu pedido {order['number']} ha sido cancelado"
    assert inbox.recipients == [["jana.kunde@example.com"]]
    assert "ha sido cancelado" in _body(mail, "plain")
    assert mail["Content-Language"] == "es"
    # the relay redelivering the event (or a second node) mails nothing more
    app.state.ctx.services.get(OrderMails).on_event(cancelled[0])
    app.state.ctx.services.get(OrderMails).flush()
    time.sleep(0.2)
    assert len(inbox.messages) == 1
    with app.state.ctx.db.read() as session:
        [row] = session.scalars(select(SentNotification)).all()
        assert (row.kind, row.status, row.event_id) == ("order_cancelled", "sent", cancelled[0].id)


def test_a_refund_is_announced_after_the_confirmation(api: Api, app: FastAPI, inbox: Inbox) -> None:
    bought = _buy(api, "ar")
    order = bought["order"]
    api.pay(bought["shopper"], order["id"])
    _wait_for(inbox, 1, app)
    _transition(api, bought, "refunded")
    _wait_for(inbox, 2, app)
    assert [m["Subject"] for m in inbox.messages] == [
        inbox.messages[0]["Subject"],
        f"تم استرداد مبلغ الطلب {order['number']}",
    ]
    assert 'dir="rtl"' in _body(inbox.messages[1], "html")
    with app.state.ctx.db.read() as session:
        kinds = sorted(row.kind for row in session.scalars(select(SentNotification)))
    assert kinds == ["order_paid", "order_refunded"]


def test_an_erased_shoppers_waiting_mails_are_never_sent(
    api: Api, app: FastAPI, smtp_port: int
) -> None:
    bought = _buy(api, "en")
    order = bought["order"]
    api.pay(bought["shopper"], order["id"])  # SMTP is down: the confirmation waits
    app.state.ctx.services.get(OrderMails).flush()
    with app.state.ctx.db.read() as session:
        [row] = session.scalars(select(SentNotification)).all()
        assert row.status == "pending"
    shopper_id = bought["shopper"]["shopper"]["id"]
    api.ok(
        "POST",
        f"/api/v1/privacy/shoppers/{shopper_id}/erase",
        headers=bought["store"]["headers"],
    )
    with app.state.ctx.db.read() as session:
        [row] = session.scalars(select(SentNotification)).all()
        assert (row.status, row.last_error) == ("skipped", "shopper erased")
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        time.sleep(0.05)  # past next_attempt_at
        assert app.state.ctx.services.get(OrderMails).retry_due() == 0
    finally:
        controller.stop()
    assert box.messages == []
