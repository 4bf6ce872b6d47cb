"""The admin's view of an order's mails (issue 10): which were sent, when, with what result,
the failed tries and their error; "resend" queues one again (orders.write only; cookie
sessions need the CSRF header like every admin write), logged with who asked. Against a
real local SMTP server (aiosmtpd), as the order mails' own tests."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any, get_args

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient

from castcart.notifications.api import MailKind
from castcart.notifications.compose import KINDS
from castcart.notifications.subscriber import OrderMails
from tests.helpers import PASSWORD, Api, bearer
from tests.notifications.test_order_mails import (  # noqa: F401 (fixtures)
    Inbox,
    _buy,
    _wait_for,
    inbox,
    settings,
    smtp_port,
)

DATABASES = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


def _mails(api: Api, bought: dict[str, Any], expected: int = 200, **kw: Any) -> Any:
    order_id = bought["order"]["id"]
    kw.setdefault("headers", bought["store"]["headers"])
    return api.ok("GET", f"/api/v1/orders/{order_id}/mails", expected, **kw)


def _resend(api: Api, bought: dict[str, Any], kind: str, expected: int = 202, **kw: Any) -> Any:
    order_id = bought["order"]["id"]
    kw.setdefault("headers", bought["store"]["headers"])
    return api.ok("POST", f"/api/v1/orders/{order_id}/mails/{kind}/resend", expected, **kw)


def test_the_kinds_the_api_takes_are_the_mails_there_are() -> None:
    assert set(get_args(MailKind)) == set(KINDS)


@DATABASES
def test_sent_mails_are_listed_with_their_time(
    api: Api,
    app: FastAPI,
    inbox: Inbox,  # noqa: F811
) -> None:
    bought = _buy(api, "de")
    assert _mails(api, bought) == []  # not paid: no mail yet
    api.pay(bought["shopper"], bought["order"]["id"])
    _wait_for(inbox, 1, app)
    api.ok(
        "POST",
        f"/api/v1/orders/{bought['order']['id']}/shipments",
        headers=bought["store"]["headers"],
        json={"carrier": "DHL", "tracking_number": "JD014600001"},
    )
    _wait_for(inbox, 2, app)
    mails = _mails(api, bought)
    assert [(m["kind"], m["status"], m["attempts"], m["last_error"]) for m in mails] == [
        ("order_paid", "sent", 0, ""),
        ("order_shipped", "sent", 0, ""),
    ]
    for mail in mails:
        assert datetime.fromisoformat(mail["sent_at"]) >= datetime.fromisoformat(mail["created_at"])
        assert mail["next_attempt_at"] is None
        assert mail["sending"] is False


@DATABASES
def test_a_failed_mail_shows_its_tries_and_resend_sends_it(
    api: Api,
    app: FastAPI,
    smtp_port: int,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    bought = _buy(api, "en")
    api.pay(bought["shopper"], bought["order"]["id"])  # nothing listens on smtp_port yet
    app.state.ctx.services.get(OrderMails).flush()
    [mail] = _mails(api, bought)
    assert (mail["kind"], mail["status"], mail["attempts"]) == ("order_paid", "pending", 1)
    assert mail["last_error"]
    assert mail["sent_at"] is None
    assert mail["next_attempt_at"] is not None

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with caplog.at_level(logging.INFO, logger="castcart.notifications"):
            queued = _resend(api, bought, "order_paid")
            assert (queued["status"], queued["attempts"], queued["last_error"]) == (
                "pending",
                0,
                "",
            )
            _wait_for(box, 1, app)
    finally:
        controller.stop()
    assert box.messages[0]["Subject"] == f"Order {bought['order']['number']} confirmed"
    [mail] = _mails(api, bought)
    assert (mail["status"], mail["attempts"], mail["last_error"]) == ("sent", 0, "")
    logged = [r.getMessage() for r in caplog.records if "re-queued" in r.getMessage()]
    assert len(logged) == 1
    assert f"order_paid mail of order {bought['order']['id']} (was pending)" in logged[0]
    assert logged[0].startswith("staff ")


@DATABASES
def test_resend_of_a_sent_mail_sends_it_again(
    api: Api,
    app: FastAPI,
    inbox: Inbox,  # noqa: F811
) -> None:
    bought = _buy(api, "de")
    api.pay(bought["shopper"], bought["order"]["id"])
    _wait_for(inbox, 1, app)
    _resend(api, bought, "order_paid")
    _wait_for(inbox, 2, app)
    assert len(inbox.messages) == 2
    assert inbox.messages[0]["Subject"] == inbox.messages[1]["Subject"]
    assert [m["status"] for m in _mails(api, bought)] == ["sent"]


@DATABASES
def test_resend_is_for_owners_of_this_store_and_mails_the_order_had(
    api: Api,
    app: FastAPI,
    client: TestClient,
    inbox: Inbox,  # noqa: F811
) -> None:
    bought = _buy(api, "de")
    api.pay(bought["shopper"], bought["order"]["id"])
    _wait_for(inbox, 1, app)
    assert _resend(api, bought, "order_shipped", 404)["code"] == "mail_not_found"
    assert _resend(api, bought, "order_lost", 422)
    # a host reads the mails but may not resend them
    slug = bought["store"]["store"]["slug"]
    email = f"host@{slug}.example.com"
    api.ok(
        "POST",
        "/api/v1/staff",
        201,
        headers=bought["store"]["headers"],
        json={"email": email, "password": PASSWORD, "role": "host"},
    )
    login = {"store": slug, "email": email, "password": PASSWORD}
    host = bearer(api.ok("POST", "/api/v1/auth/login", json=login)["token"])
    assert len(_mails(api, bought, headers=host)) == 1
    assert _resend(api, bought, "order_paid", 403, headers=host)
    # another store's staff: the order is not there
    other = api.store()
    assert _mails(api, bought, 404, headers=other["headers"])
    assert _resend(api, bought, "order_paid", 404, headers=other["headers"])
    # a shopper's token is no staff token
    assert _mails(api, bought, 401, headers=bought["shopper"]["headers"])
    time.sleep(0.05)
    assert len(inbox.messages) == 1  # none of these sent anything


@DATABASES
def test_a_cookie_session_needs_the_csrf_header_to_resend(
    api: Api,
    app: FastAPI,
    client: TestClient,
    inbox: Inbox,  # noqa: F811
) -> None:
    bought = _buy(api, "de")
    api.pay(bought["shopper"], bought["order"]["id"])
    _wait_for(inbox, 1, app)
    slug = bought["store"]["store"]["slug"]
    login = {"store": slug, "email": f"owner@{slug}.example.com", "password": PASSWORD}
    assert client.post("/api/v1/auth/session", json=login).status_code == 204
    url = f"/api/v1/orders/{bought['order']['id']}/mails/order_paid/resend"
    refused = client.post(url)
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    token = client.cookies.get("castcart_csrf")
    assert token
    assert client.post(url, headers={"X-CSRF-Token": token}).status_code == 202
    client.cookies.clear()
