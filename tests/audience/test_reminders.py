"""Show reminders against a real local SMTP server (aiosmtpd), with the sender's clock set
by the test: 24 h and 10 min before and at go-live, once each, in the language and time
zone booked, only with marketing consent, one-click unsubscribe (RFC 8058), retries, and
two senders racing for the same reminders."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from castcart.audience.models import ReminderSend
from castcart.audience.sender import ReminderSender
from castcart.privacy.models import ConsentRecord
from tests.audience.conftest import Clock, Inbox, upcoming_show
from tests.helpers import Api

pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


def _book(api: Api, s: dict[str, Any], **body: Any) -> dict[str, Any]:
    payload = {
        "channel": "email",
        "email": "jana@example.com",
        "time_zone": "Europe/Berlin",
        "lang": "de",
        "consent": True,
        **body,
    }
    response = api.client.post(
        f"/api/v1/shop/{s['slug']}/shows/{s['show']['id']}/reminders",
        headers=s["shopper"]["headers"],
        json=payload,
    )
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _sender(app: FastAPI, clock: Clock, name: str = "w1") -> ReminderSender:
    ctx = app.state.ctx
    return ReminderSender(ctx.db, ctx.settings, clock=clock, name=name)


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_reminders_go_out_24h_10m_and_at_go_live_once_each(
    api: Api, app: FastAPI, inbox: Inbox
) -> None:
    s = upcoming_show(api)
    booked = _book(api, s)
    starts: datetime = s["starts"]
    clock = Clock(starts - timedelta(hours=25))
    sender = _sender(app, clock)

    assert sender.run_once().sent == []  # a day and an hour before: nothing yet
    clock.at = starts - timedelta(hours=24)
    assert sender.run_once().sent == [(booked["id"], "24h")]
    assert sender.run_once().sent == []  # never twice
    [day_before] = inbox.wait_for(1)
    assert day_before["To"] == "jana@example.com"
    assert day_before["Subject"] == f"Morgen: Winter knits bei {s['store']['store']['name']}"
    assert day_before["Content-Language"] == "de"
    body = _text(day_before)
    # the time in the booked zone (Berlin), in German
    berlin = starts.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert f"{berlin:%H:%M}" in body
    assert "Europe/Berlin" in body
    assert f"Produkt {s['product']['handle']}" in body  # the showcase, in German
    assert f"https://atelier.example/s/{s['slug']}/shows/{s['show']['id']}" in body
    # RFC 8058 one-click unsubscribe
    assert day_before["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(day_before["List-Unsubscribe"]).strip("<>")
    assert link.startswith("https://atelier.example/unsubscribe/")
    assert link in body

    clock.at = starts - timedelta(minutes=10)
    assert sender.run_once().sent == [(booked["id"], "10m")]
    api.ok(
        "POST",
        f"/api/v1/shows/{s['show']['id']}/transition",
        headers=s["store"]["headers"],
        json={"to": "live"},
    )
    clock.at = datetime.now(UTC) + timedelta(seconds=5)
    assert sender.run_once().sent == [(booked["id"], "live")]
    assert sender.run_once().sent == []
    messages = inbox.wait_for(3)
    assert [m["Subject"].split(":")[0] for m in messages] == [
        "Morgen",
        "In 10 Minuten",
        "Jetzt live",
    ]


def test_booking_needs_marketing_consent_and_records_it(api: Api, app: FastAPI) -> None:
    s = upcoming_show(api)
    url = f"/api/v1/shop/{s['slug']}/shows/{s['show']['id']}/reminders"
    body = {"channel": "email", "email": "a@example.com", "time_zone": "Asia/Jakarta"}
    refused = api.client.post(url, headers=s["shopper"]["headers"], json=body)
    assert refused.status_code == 422
    assert refused.json()["code"] == "consent_required"
    bad_zone = api.client.post(
        url,
        headers=s["shopper"]["headers"],
        json={**body, "consent": True, "time_zone": "Mars/Base"},
    )
    assert bad_zone.status_code == 422
    assert bad_zone.json()["code"] == "bad_time_zone"
    first = api.client.post(url, headers=s["shopper"]["headers"], json={**body, "consent": True})
    assert first.status_code == 201
    again = api.client.post(url, headers=s["shopper"]["headers"], json=body)  # consent on record
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    with app.state.ctx.db.read() as session:
        consent = session.scalars(select(ConsentRecord)).one()
        assert consent.purpose == "marketing"
        assert consent.withdrawn_at is None
    no_login = api.client.post(url, json={**body, "consent": True})
    assert no_login.status_code == 401
    api.ok(
        "POST",
        f"/api/v1/shows/{s['show']['id']}/transition",
        headers=s["store"]["headers"],
        json={"to": "live"},
    )
    started = api.client.post(url, headers=s["shopper"]["headers"], json=body)
    assert started.status_code == 409
    assert started.json()["code"] == "show_not_upcoming"


def test_a_withdrawn_consent_stops_the_next_reminder(api: Api, app: FastAPI, inbox: Inbox) -> None:
    s = upcoming_show(api)
    _book(api, s)
    api.ok(
        "DELETE", f"/api/v1/shop/{s['slug']}/consents/marketing", headers=s["shopper"]["headers"]
    )
    clock = Clock(s["starts"] - timedelta(hours=23))
    report = _sender(app, clock).run_once()
    assert report.sent == []
    assert report.skipped == 1
    with app.state.ctx.db.read() as session:
        row = session.scalars(select(ReminderSend)).one()
        assert (row.status, row.last_error) == ("skipped", "no marketing consent")
    assert inbox.wait_for(1, timeout=0.5) == []


def test_two_senders_racing_send_each_reminder_once(api: Api, app: FastAPI, inbox: Inbox) -> None:
    s = upcoming_show(api)
    addresses = [f"viewer{n}@example.com" for n in range(8)]
    for address in addresses:
        _book(api, s, email=address)
    clock = Clock(s["starts"] - timedelta(hours=20))
    senders = [_sender(app, clock, name) for name in ("w1", "w2")]
    # both find the same eight due reminders before either claims one
    found = [sender.due(clock.at) for sender in senders]
    assert len(found[0]) == len(found[1]) == 8
    barrier = threading.Barrier(2)
    results: dict[str, list[tuple[str, str]]] = {}

    def run(sender: ReminderSender) -> None:
        barrier.wait()
        results[sender.name] = sender.run_once().sent

    threads = [threading.Thread(target=run, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    sent = results["w1"] + results["w2"]
    assert len(sent) == 8
    assert len(set(sent)) == 8
    messages = inbox.wait_for(8)
    assert sorted(str(m["To"]) for m in messages) == sorted(addresses)
    assert len(inbox.wait_for(9, timeout=0.5)) == 8
    with app.state.ctx.db.read() as session:
        rows = session.scalars(select(ReminderSend)).all()
        assert len(rows) == 8
        assert {r.status for r in rows} == {"sent"}


def test_a_down_smtp_server_is_retried_until_it_answers(
    api: Api, app: FastAPI, inbox: Inbox, smtp_port: int
) -> None:
    s = upcoming_show(api)
    _book(api, s)
    ctx = app.state.ctx
    broken = ctx.settings.model_copy(update={"smtp_port": 1})
    clock = Clock(s["starts"] - timedelta(hours=23))
    first = ReminderSender(ctx.db, broken, clock=clock).run_once()
    assert first.retrying == 1
    assert first.sent == []
    with ctx.db.read() as session:
        row = session.scalars(select(ReminderSend)).one()
        assert row.status == "pending"
        assert row.attempts == 1
        assert row.last_error
    # not yet due again; then due: sent once
    assert _sender(app, clock).run_once().sent == []
    clock.at += timedelta(seconds=2)
    assert len(_sender(app, clock).run_once().sent) == 1
    assert len(inbox.wait_for(1)) == 1


def test_one_click_unsubscribe_stops_the_reminders(
    api: Api, client: TestClient, app: FastAPI, inbox: Inbox
) -> None:
    s = upcoming_show(api)
    booked = _book(api, s)
    clock = Clock(s["starts"] - timedelta(hours=23))
    _sender(app, clock).run_once()
    [mail] = inbox.wait_for(1)
    path = urlsplit(str(mail["List-Unsubscribe"]).strip("<>")).path
    page = client.get(path)  # a GET (a link scanner) only asks
    assert page.status_code == 200
    assert "<form" in page.text
    one_click = client.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200
    assert "cc-unsubscribed" in one_click.text
    clock.at = s["starts"] - timedelta(minutes=9)
    assert _sender(app, clock).run_once().sent == []
    assert len(inbox.wait_for(2, timeout=0.5)) == 1
    forged = client.post(f"/unsubscribe/{booked['id']}.AAAAAAAAAAAAAAAAAAAAAAAA")
    assert forged.status_code == 404
    # booking again re-subscribes
    _book(api, s)
    assert _sender(app, clock).run_once().sent == [(booked["id"], "10m")]
