"""Web Push against a local push endpoint the test runs (the request a push service gets:
VAPID JWT signed with the operator's key, aes128gcm payload only the browser's key opens),
a gone subscription, the VAPID key command, the .ics file and the store's shows page."""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fastapi import FastAPI
from icalendar import Calendar
from sqlalchemy import select
from typer.testing import CliRunner

from castcart.audience.models import ReminderSend, ShowReminder
from castcart.audience.push import generate_vapid_keys
from castcart.audience.sender import ReminderSender
from castcart.cli import app as cli
from castcart.core.settings import Settings
from tests.audience.conftest import Clock, upcoming_show
from tests.conftest import make_settings
from tests.helpers import Api


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """A push service endpoint: records each POST and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 201
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()


@pytest.fixture
def vapid_public(tmp_path: Path) -> str:
    return generate_vapid_keys(tmp_path / "keys" / "vapid.pem")


@pytest.fixture
def settings(tmp_path: Path, database_url: str, vapid_public: str) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        public_base_url="https://atelier.example",
        smtp_from="Atelier <shows@atelier.example>",
        vapid_private_key_file=tmp_path / "keys" / "vapid.pem",
    )


class Browser:
    """The browser side of a push subscription (RFC 8291 receiver keys)."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = secrets.token_bytes(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> Any:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def _verify_vapid(authorization: str, public_b64: str, audience: str) -> dict[str, Any]:
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert fields["k"] == public_b64
    header, claims, signature = fields["t"].split(".")
    raw = unb64url(signature)
    assert len(raw) == 64  # ES256: r || s
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_b64))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    decoded = json.loads(unb64url(claims))
    assert decoded["aud"] == audience
    return dict(decoded)


def test_a_push_reminder_reaches_the_push_service_encrypted_and_signed(
    api: Api, app: FastAPI, push_service: PushService, vapid_public: str
) -> None:
    s = upcoming_show(api)
    key = api.ok("GET", f"/api/v1/shop/{s['slug']}/push-key")
    assert key["public_key"] == vapid_public
    browser = Browser(f"{push_service.url}/push/v2/abc123")
    booked = api.ok(
        "POST",
        f"/api/v1/shop/{s['slug']}/shows/{s['show']['id']}/reminders",
        201,
        headers=s["shopper"]["headers"],
        json={
            "channel": "push",
            "subscription": browser.subscription,
            "time_zone": "Asia/Jakarta",
            "lang": "id",
            "consent": True,
        },
    )
    ctx = app.state.ctx
    clock = Clock(s["starts"] - timedelta(minutes=10))
    assert ReminderSender(ctx.db, ctx.settings, clock=clock).run_once().sent == [
        (booked["id"], "10m")
    ]
    [request] = push_service.requests
    assert request["path"] == "/push/v2/abc123"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == "1800"
    claims = _verify_vapid(headers["authorization"], vapid_public, push_service.url)
    assert claims["sub"] == "mailto:shows@atelier.example"
    assert claims["exp"] > datetime.now(UTC).timestamp()
    assert b"Winter knits" not in request["body"]  # encrypted
    payload = browser.decrypt(request["body"])
    assert payload["title"] == "Mulai dalam 10 menit: Winter knits"
    assert payload["url"] == f"https://atelier.example/s/{s['slug']}/shows/{s['show']['id']}"
    assert "Asia/Jakarta" in payload["body"]
    # another browser's key cannot read it
    with pytest.raises(Exception):  # noqa: B017, PT011 - http_ece raises a bare error
        Browser(push_service.url).decrypt(request["body"])


def test_a_gone_subscription_unsubscribes_the_reminder(
    api: Api, app: FastAPI, push_service: PushService
) -> None:
    s = upcoming_show(api)
    push_service.status = 410
    browser = Browser(f"{push_service.url}/push/gone")
    api.ok(
        "POST",
        f"/api/v1/shop/{s['slug']}/shows/{s['show']['id']}/reminders",
        201,
        headers=s["shopper"]["headers"],
        json={"channel": "push", "subscription": browser.subscription, "consent": True},
    )
    ctx = app.state.ctx
    report = ReminderSender(
        ctx.db, ctx.settings, clock=Clock(s["starts"] - timedelta(hours=23))
    ).run_once()
    assert report.skipped == 1
    assert len(push_service.requests) == 1
    with ctx.db.read() as session:
        assert session.scalars(select(ShowReminder)).one().unsubscribed_at is not None
        assert session.scalars(select(ReminderSend)).one().status == "skipped"


def test_bad_push_subscriptions_are_refused(api: Api) -> None:
    s = upcoming_show(api)
    url = f"/api/v1/shop/{s['slug']}/shows/{s['show']['id']}/reminders"
    for subscription in (
        {"endpoint": "ftp://push.example/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
        {"endpoint": "https://push.example/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
        {"endpoint": "http://push.example/x", "keys": Browser("x").subscription["keys"]},
    ):
        response = api.client.post(
            url,
            headers=s["shopper"]["headers"],
            json={"channel": "push", "subscription": subscription, "consent": True},
        )
        assert response.status_code == 422, subscription
        assert response.json()["code"] == "bad_push_subscription"


def test_vapid_keys_command_writes_a_private_key_once(tmp_path: Path) -> None:
    out = tmp_path / "vapid.pem"
    runner = CliRunner()
    result = runner.invoke(cli, ["audience", "vapid-keys", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"CASTCART_VAPID_PRIVATE_KEY_FILE={out.resolve()}" in result.output
    assert os.stat(out).st_mode & 0o777 == 0o600
    key = serialization.load_pem_private_key(out.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert b64url(public) in result.output
    again = runner.invoke(cli, ["audience", "vapid-keys", "--out", str(out)])
    assert again.exit_code != 0
    assert "exists" in again.output


def test_the_calendar_file_of_a_show(api: Api) -> None:
    s = upcoming_show(api)
    response = api.client.get(
        f"/s/{s['slug']}/shows/{s['show']['id']}/calendar.ics", params={"lang": "fr"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == s["starts"]
    assert str(event["uid"]) == f"show-{s['show']['id']}@atelier.example"
    assert str(event["url"]) == f"https://atelier.example/s/{s['slug']}/shows/{s['show']['id']}"
    assert s["product"]["handle"] in str(event["description"])
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(minutes=10)
    assert str(alarm["description"]).startswith("Dans 10 minutes")
    missing = api.client.get(f"/s/{s['slug']}/shows/nope/calendar.ics")
    assert missing.status_code == 404


def test_the_store_page_lists_upcoming_shows_in_the_viewers_zone(api: Api) -> None:
    s = upcoming_show(api)
    page = api.client.get(f"/s/{s['slug']}/shows", params={"lang": "de", "tz": "Asia/Tokyo"})
    assert page.status_code == 200
    tokyo = s["starts"].astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert "Kommende Shows" in page.text
    assert "Asia/Tokyo" in page.text
    assert f"{tokyo:%H:%M}" in page.text
    assert f"Produkt {s['product']['handle']}" in page.text
    assert f"/s/{s['slug']}/shows/{s['show']['id']}/calendar.ics" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    embed = api.client.get(f"/s/{s['slug']}/shows", params={"embed": 1, "tz": "Mars/Base"})
    assert embed.status_code == 200
    assert "UTC" in embed.text
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert api.client.get("/s/no-such-store/shows").status_code == 404
