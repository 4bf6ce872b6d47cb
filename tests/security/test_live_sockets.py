"""The live channel's edge (issue 11): single-use tickets instead of a bearer token in the
URL, caps on sockets per session and per address, clean refusals of bad frames, and the
request guards that sit in front of every route (NUL characters, Origin on page writes).
Real uvicorn + real WebSocket clients; the refusals are read from the close codes."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from castcart.accounts import service as accounts
from castcart.accounts.models import AuthToken
from castcart.accounts.security import token_digest
from castcart.core.clock import utcnow
from castcart.core.errors import AuthenticationError
from castcart.core.settings import Settings
from castcart.web.app import create_app
from tests.conftest import LiveServer, make_settings
from tests.helpers import PASSWORD, Api

SAFETY_S = 10.0  # a safety net against hangs, never a timing assertion


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # small caps so the test can reach them; URL tokens off, as in production
    return make_settings(
        tmp_path,
        database_url,
        live_sockets_per_viewer=2,
        live_sockets_per_address=5,
        live_url_tokens=False,
    )


@pytest.fixture
def room(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse)
    show = api.show(store, products=[product], live=True)
    return {"store": store, "slug": store["store"]["slug"], "show": show, "api": api}


def _ticket(api: Api, slug: str, headers: dict[str, str]) -> str:
    out = api.ok("POST", f"/api/v1/shop/{slug}/live-tickets", 201, headers=headers, json={})
    assert out["expires_in"] == 60
    ticket: str = out["ticket"]
    assert ticket.startswith("cct_")
    return ticket


def _url(server: LiveServer, room: dict[str, Any], query: str) -> str:
    base = server.url.replace("http://", "ws://")
    return f"{base}/api/v1/shop/{room['slug']}/shows/{room['show']['id']}/live?{query}"


async def _hello(ws: ClientConnection) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_S))
        if frame["type"] == "hello":
            return frame


async def _close_code(url: str) -> int | None:
    """Connect and read until the server closes; its close code."""
    async with connect(url, open_timeout=SAFETY_S) as ws:
        try:
            while True:
                await asyncio.wait_for(ws.recv(), SAFETY_S)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


def _run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


def test_a_ticket_admits_once_and_a_url_token_is_refused(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    api: Api = room["api"]
    shopper = api.shopper(room["store"])
    ticket = _ticket(api, room["slug"], shopper["headers"])

    async def scenario() -> None:
        async with connect(_url(live_server, room, f"ticket={ticket}&lang=en")) as ws:
            hello = await _hello(ws)
            assert hello["you"]["id"] == shopper["shopper"]["id"]
            assert hello["you"]["role"] == "shopper"
            # spent: the same ticket again (a replayed log line) is refused
            assert await _close_code(_url(live_server, room, f"ticket={ticket}")) == 4401
        assert await _close_code(_url(live_server, room, f"token={shopper['token']}")) == 4401
        assert await _close_code(_url(live_server, room, "ticket=cct_forged")) == 4401
        assert await _close_code(_url(live_server, room, "lang=en")) == 4401

    _run(scenario())


def test_a_ticket_is_bound_to_its_store_and_needs_a_session(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    api: Api = room["api"]
    other = api.store()
    stranger = api.shopper(other)
    # a shopper of another store gets no ticket here …
    refused = api.client.post(
        f"/api/v1/shop/{room['slug']}/live-tickets", headers=stranger["headers"], json={}
    )
    assert refused.status_code == 401
    assert api.client.post(f"/api/v1/shop/{room['slug']}/live-tickets", json={}).status_code == 401
    # … and a ticket minted for the other store does not open this store's show
    foreign = _ticket(api, other["store"]["slug"], stranger["headers"])
    assert _run(_close_code(_url(live_server, room, f"ticket={foreign}"))) == 4401
    # staff of the store get one with their bearer token, and connect as staff
    ticket = _ticket(api, room["slug"], room["store"]["headers"])

    async def staff() -> None:
        async with connect(_url(live_server, room, f"ticket={ticket}")) as ws:
            assert (await _hello(ws))["you"]["role"] == "owner"

    _run(staff())


def test_tickets_expire_and_a_spent_ticket_cannot_be_spent_again(app: Any, api: Api) -> None:
    store = api.store()
    shopper = api.shopper(store)
    db = app.state.ctx.db
    principal = accounts.ShopperPrincipal(
        store_id=store["store"]["id"], shopper_id=shopper["shopper"]["id"]
    )
    with db.write() as session:
        fresh = accounts.issue_live_ticket(session, principal)
        stale = accounts.issue_live_ticket(session, principal)
    with db.write() as session:
        row = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_digest(stale)))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    with db.write() as session:
        assert accounts.redeem_live_ticket(session, fresh).shopper_id == shopper["shopper"]["id"]
    for ticket in (fresh, stale):
        with pytest.raises(AuthenticationError), db.write() as session:
            accounts.redeem_live_ticket(session, ticket)
    # a ticket is no bearer token: the API refuses it
    me = api.client.get(
        f"/api/v1/shop/{store['store']['slug']}/me", headers={"Authorization": f"Bearer {fresh}"}
    )
    assert me.status_code == 401
    # the sweeper deletes what expired more than a day ago, nothing else
    with db.write() as session:
        assert accounts.purge_expired_tokens(session, utcnow()) == 0
        assert accounts.purge_expired_tokens(session, utcnow() + timedelta(days=2)) >= 2


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_sockets_racing_with_one_ticket_admit_exactly_one(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    api: Api = room["api"]
    shopper = api.shopper(room["store"])

    async def attempt(url: str) -> str:
        async with connect(url, open_timeout=SAFETY_S) as ws:
            try:
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_S))
                    if frame["type"] == "hello":
                        return "admitted"
            except ConnectionClosed as closed:
                return f"closed {closed.rcvd.code if closed.rcvd else None}"

    for _ in range(3):
        ticket = _ticket(api, room["slug"], shopper["headers"])
        url = _url(live_server, room, f"ticket={ticket}")

        async def race(url: str = url) -> list[str]:
            return list(await asyncio.gather(*(attempt(url) for _ in range(6))))

        outcomes = _run(race())
        assert sorted(outcomes) == ["admitted"] + ["closed 4401"] * 5


def test_sockets_are_capped_per_session_and_per_address(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    api: Api = room["api"]
    alice = api.shopper(room["store"])

    def url_for(shopper: dict[str, Any]) -> str:
        return _url(live_server, room, f"ticket={_ticket(api, room['slug'], shopper['headers'])}")

    async def scenario() -> None:
        first = await connect(url_for(alice))
        second = await connect(url_for(alice))
        await _hello(first)
        await _hello(second)
        # a third socket of the same session is refused with 4429, the two stay up
        assert await _close_code(url_for(alice)) == 4429
        await second.close()
        await asyncio.sleep(0.2)  # the server counts the close when its handler returns
        third = await connect(url_for(alice))
        await _hello(third)
        # per address (5): fresh guests from one address stop at the cap too
        others = []
        for _ in range(3):
            guest = await connect(url_for(api.shopper(room["store"])))
            await _hello(guest)
            others.append(guest)
        assert await _close_code(url_for(api.shopper(room["store"]))) == 4429
        for ws in (first, third, *others):
            await ws.close()

    _run(scenario())


def _raw_ws(server: LiveServer, path: str) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    raw = socket.create_connection((host, int(port)), timeout=SAFETY_S)
    raw.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += raw.recv(4096)
    assert b" 101 " in response.split(b"\r\n", 1)[0]
    return raw


def _masked_frame(opcode: int, payload: bytes) -> bytes:
    mask = b"\x01\x02\x03\x04"
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    assert len(payload) < 126
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + body


def _read_close_code(raw: socket.socket) -> int | None:
    """Read frames until the server's close frame; its code."""
    data = b""
    while True:
        chunk = raw.recv(65536)
        if not chunk:
            return None
        data += chunk
        while len(data) >= 2:
            opcode, length = data[0] & 0x0F, data[1] & 0x7F
            offset = 2
            if length == 126:
                length, offset = int.from_bytes(data[2:4], "big"), 4
            elif length == 127:
                length, offset = int.from_bytes(data[2:10], "big"), 10
            if len(data) < offset + length:
                break
            payload, data = data[offset : offset + length], data[offset + length :]
            if opcode == 0x8:
                return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None


def test_invalid_utf8_closes_the_socket_cleanly_without_a_traceback(
    live_server: LiveServer, room: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    api: Api = room["api"]
    shopper = api.shopper(room["store"])
    ticket = _ticket(api, room["slug"], shopper["headers"])
    path = f"/api/v1/shop/{room['slug']}/shows/{room['show']['id']}/live?ticket={ticket}"
    caplog.set_level(logging.WARNING)
    raw = _raw_ws(live_server, path)
    try:
        raw.sendall(_masked_frame(0x1, b'{"type":"chat.send","text":"\xff\xfe"}'))
        assert _read_close_code(raw) == 1007  # invalid frame payload data
    finally:
        raw.close()
    # the room goes on: a binary frame is answered with an error frame, not a crash
    ticket = _ticket(api, room["slug"], shopper["headers"])

    async def binary() -> None:
        async with connect(_url(live_server, room, f"ticket={ticket}")) as ws:
            await _hello(ws)
            await ws.send(b"\x00\x01")
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_S))
                if frame["type"] == "error":
                    assert frame["code"] == "bad_message"
                    return

    _run(binary())
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_nul_characters_are_refused_at_the_edge_on_every_database(
    client: TestClient, api: Api
) -> None:
    store = api.store()
    slug = store["store"]["slug"]
    sessions = f"/api/v1/shop/{slug}/sessions"
    escaped = '{"locale": "en", "country": "DE", "display_name": "Eve\\u0000lyn"}'
    refused = client.post(sessions, content=escaped, headers={"Content-Type": "application/json"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "nul_character"
    # a literal backslash followed by "u0000" is text, not a NUL, and passes
    literal = '{"locale": "en", "country": "DE", "display_name": "Eve\\\\u0000lyn"}'
    ok = client.post(sessions, content=literal, headers={"Content-Type": "application/json"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["shopper"]["display_name"] == "Eve\\u0000lyn"
    # in a query string
    assert client.get(f"/api/v1/shop/{slug}/products?q=a%00b").json()["code"] == "nul_character"
    # and in a staff write (a product title)
    body = json.dumps({"title": "Tote", "price": 100}).replace("Tote", "To\\u0000te")
    product = client.post(
        "/api/v1/products",
        content=body,
        headers={**store["headers"], "Content-Type": "application/json"},
    )
    assert (product.status_code, product.json()["code"]) == (422, "nul_character")


def test_page_writes_from_another_origin_are_refused(client: TestClient, api: Api) -> None:
    store = api.store()
    login = {
        "store": store["store"]["slug"],
        "email": f"owner@{store['store']['slug']}.example.com",
        "password": PASSWORD,
    }
    evil = {"Origin": "https://evil.example"}
    refused = client.post("/api/v1/auth/session", json=login, headers=evil)
    assert (refused.status_code, refused.json()["code"]) == (403, "origin_refused")
    assert client.post("/api/v1/auth/session", json=login).status_code == 204
    csrf = client.cookies.get("castcart_csrf")
    assert csrf
    slug = store["store"]["slug"]
    tickets = f"/api/v1/shop/{slug}/live-tickets"
    # the console's cookie: CSRF header required, and the Origin must be this site's
    assert client.post(tickets, json={}).json()["code"] == "csrf_failed"
    cross = client.post(tickets, json={}, headers={"X-CSRF-Token": csrf, **evil})
    assert (cross.status_code, cross.json()["code"]) == (403, "origin_refused")
    same = client.post(
        tickets, json={}, headers={"X-CSRF-Token": csrf, "Origin": "http://testserver"}
    )
    assert same.status_code == 201
    assert same.json()["ticket"].startswith("cct_")


def test_url_tokens_still_open_the_channel_where_the_operator_allows_them(
    tmp_path: Path, database_url: str
) -> None:
    app = create_app(make_settings(tmp_path, database_url), background_tasks=False)
    with TestClient(app) as client:
        api = Api(client)
        store = api.store()
        warehouse = api.warehouse(store)
        show = api.show(store, products=[api.product(store, warehouse=warehouse)], live=True)
        shopper = api.shopper(store)
        path = f"/api/v1/shop/{store['store']['slug']}/shows/{show['id']}/live"
        with client.websocket_connect(f"{path}?token={shopper['token']}") as ws:
            assert ws.receive_json()["type"] == "hello"
