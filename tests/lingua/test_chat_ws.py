"""Chat translation and captions as viewers get them: over a real WebSocket to a uvicorn
server, with the app's own wiring (the ``ChatTranslation`` service) and real Apertium."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect

from castcart.captions.publish import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from castcart.core.settings import Settings
from tests.conftest import LiveServer
from tests.helpers import Api
from tests.lingua.apertium_support import apertium_with
from tests.realtime.test_realtime_ws import next_of, run, send, ws_url


def test_a_spanish_line_reaches_an_english_viewer_translated(
    api: Api, live_server: LiveServer
) -> None:
    apertium_with(("es", "en"))
    store = api.store()
    api.ok(
        "PUT",
        "/api/v1/lingua/languages",
        headers=store["headers"],
        json={"languages": ["en", "es"]},
    )
    api.ok("POST", "/api/v1/lingua/glossary", 201, headers=store["headers"], json={"term": "Sol"})
    show = api.show(store, live=True)
    slug = store["store"]["slug"]
    alice, bob = api.shopper(store), api.shopper(store)

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show["id"], alice["token"], lang="es")) as es,
            connect(ws_url(live_server, slug, show["id"], bob["token"], lang="en")) as en,
        ):
            await next_of(es, "hello")
            await next_of(en, "hello")
            await send(es, type="chat.send", text="¿Cuánto cuesta el vestido Sol azul?")
            line = await next_of(en, "chat.message")
            translated = await next_of(en, "chat.translated")
            assert translated["message_id"] == line["id"]
            assert translated["lang"] == "es"
            english = translated["translations"]["en"]
            assert "dress" in english
            assert "Sol" in english  # the glossary keeps the product name
            assert "Sun" not in english

    run(scenario)


def test_caption_frames_reach_viewers(
    api: Api, live_server: LiveServer, settings: Settings
) -> None:
    store = api.store()
    show = api.show(store, live=True)
    viewer = api.shopper(store)
    body = json.dumps(
        {
            "segments": [
                {
                    "segment_id": "s-0",
                    "start_ms": 0,
                    "end_ms": 1200,
                    "text": "Welcome!",
                    "lang": "en",
                    "final": True,
                    "translations": {"es": "¡Bienvenidos!"},
                }
            ]
        }
    ).encode()

    async def scenario() -> None:
        async with connect(
            ws_url(live_server, store["store"]["slug"], show["id"], viewer["token"])
        ) as ws:
            await next_of(ws, "hello")
            stamp = str(int(time.time()))
            response = await asyncio.to_thread(
                api.client.post,
                f"/api/v1/internal/captions/{show['id']}",
                content=body,
                headers={
                    "Content-Type": "application/json",
                    TIMESTAMP_HEADER: stamp,
                    SIGNATURE_HEADER: sign(settings.secret_key, stamp, body),
                },
            )
            assert response.status_code == 200
            frame: dict[str, Any] = await next_of(ws, "caption")
            assert frame["segment_id"] == "s-0"
            assert (frame["start_ms"], frame["end_ms"]) == (0, 1200)
            assert frame["translations"] == {"es": "¡Bienvenidos!"}
            assert frame["final"] is True

    run(scenario)
