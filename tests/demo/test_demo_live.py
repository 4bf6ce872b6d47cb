"""The demo's simulated viewers chat over the real WebSocket; its product pictures render."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from fastapi import FastAPI
from fastapi.testclient import TestClient

from castcart.demo.chatters import run_chatters
from castcart.demo.seed import DEMO_SLUG, seed_demo
from castcart.web.context import AppContext
from tests.conftest import LiveServer
from tests.helpers import Api


def test_demo_pictures_are_svg(client: TestClient, api: Api) -> None:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    seed_demo(ctx.db)
    products = api.ok("GET", f"/api/v1/shop/{DEMO_SLUG}/products")
    url = products[0]["images"][0]["url"]
    assert url.startswith("/demo-assets/")
    picture = client.get(url)
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/svg+xml"
    assert picture.text.startswith("<svg")
    assert "aria-label" in picture.text
    assert client.get("/demo-assets/..%2Fsecret.svg").status_code in (404, 422)


def test_simulated_chatters_fill_the_room(live_server: LiveServer, app: FastAPI, api: Api) -> None:
    ctx: AppContext = app.state.ctx
    demo = seed_demo(ctx.db)
    viewer = api.shopper({"store": {"slug": DEMO_SLUG}})

    async def scenario() -> set[str]:
        ws = live_server.url.replace("http://", "ws://")
        url = f"{ws}/api/v1/shop/{DEMO_SLUG}/shows/{demo.show_id}/live?token={viewer['token']}"
        authors: set[str] = set()
        chatters = asyncio.create_task(
            run_chatters(live_server.url, DEMO_SLUG, demo.show_id, count=3, pace=(0.05, 0.2))
        )
        try:
            async with websockets.connect(url) as socket:
                while len(authors) < 2:
                    frame: dict[str, Any] = json.loads(await socket.recv())
                    if frame["type"] == "chat.message":
                        authors.add(frame["author"])
                    elif frame["type"] == "chat.batch":  # a busy room batches chat
                        authors.update(m["author"] for m in frame["messages"])
        finally:
            chatters.cancel()
            await asyncio.gather(chatters, return_exceptions=True)
        return authors

    authors = asyncio.run(asyncio.wait_for(scenario(), timeout=30))
    assert len(authors & {"Maya", "Lucía", "Jonas"}) >= 2
