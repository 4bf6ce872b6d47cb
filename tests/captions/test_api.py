"""The internal caption endpoint, and the caption worker as a real process posting to a real
server (``castcart worker captions``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from castcart.captions.publish import SIGNATURE_HEADER, TIMESTAMP_HEADER, HttpPublisher, sign
from castcart.core.settings import Settings
from castcart.events.types import CaptionSegment, DomainEvent
from tests.captions.conftest import need
from tests.conftest import LiveServer
from tests.helpers import Api
from tests.lingua.apertium_support import apertium_with


def caught(app: FastAPI) -> list[CaptionSegment]:
    events: list[CaptionSegment] = []

    def keep(event: DomainEvent) -> None:
        if isinstance(event, CaptionSegment):
            events.append(event)

    app.state.ctx.bus.subscribe("caption.segment", keep)
    return events


def segment(**overrides: Any) -> dict[str, Any]:
    return {
        "segment_id": "s-0",
        "start_ms": 1000,
        "end_ms": 2500,
        "text": "Welcome to the show.",
        "lang": "en",
        "final": True,
        "translations": {"es": "Bienvenidos al programa."},
        **overrides,
    }


def post(api: Api, settings: Settings, show_id: str, body: Any, **kw: Any) -> httpx.Response:
    raw = json.dumps(body).encode()
    timestamp = str(kw.pop("timestamp", int(time.time())))
    signature = kw.pop("signature", None) or sign(settings.secret_key, timestamp, raw)
    return api.client.post(
        f"/api/v1/internal/captions/{show_id}",
        content=raw,
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature,
        },
    )


def test_signed_segments_are_published_on_the_bus(
    api: Api, app: FastAPI, settings: Settings
) -> None:
    store = api.store()
    show = api.show(store)
    events = caught(app)
    response = post(
        api,
        settings,
        show["id"],
        {"segments": [segment(), segment(segment_id="s-1", final=False, translations={})]},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 2}
    assert [(e.segment_id, e.final) for e in events] == [("s-0", True), ("s-1", False)]
    first = events[0]
    assert first.store_id == store["store"]["id"]
    assert first.show_id == show["id"]
    assert first.frame_payload()["translations"] == {"es": "Bienvenidos al programa."}


def test_bad_posts_are_refused_without_publishing(
    api: Api, app: FastAPI, settings: Settings
) -> None:
    show = api.show(api.store())
    events = caught(app)
    body = {"segments": [segment()]}
    wrong = post(api, settings, show["id"], body, signature="0" * 64)
    assert (wrong.status_code, wrong.json()["code"]) == (401, "bad_signature")
    stale = post(api, settings, show["id"], body, timestamp=int(time.time()) - 3600)
    assert (stale.status_code, stale.json()["code"]) == (401, "bad_signature")
    unknown = post(api, settings, "nosuchshow", body)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "show_not_found")
    bad = post(api, settings, show["id"], {"segments": [segment(lang="english")]})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_segments")
    backwards = post(api, settings, show["id"], {"segments": [segment(end_ms=10)]})
    assert (backwards.status_code, backwards.json()["code"]) == (422, "invalid_segments")
    forged = post(api, settings, show["id"], {"segments": [{**segment(), "store_id": "x"}]})
    assert forged.status_code == 422
    assert events == []


def test_http_publisher_reaches_a_running_app(app: FastAPI, settings: Settings) -> None:
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        show = api.show(api.store())
        events = caught(app)
        publisher = HttpPublisher(server.url, settings.secret_key, show["id"])
        publisher.publish([CaptionSegment(store_id="ignored", show_id="ignored", **segment())])
        assert publisher.failures == 0
        assert [e.text for e in events] == ["Welcome to the show."]
        assert events[0].show_id == show["id"]
        assert events[0].store_id != "ignored"
        bad = HttpPublisher(server.url, "not-the-secret", show["id"])
        bad.publish([CaptionSegment(store_id="x", show_id="x", **segment())])
        assert bad.failures == 1
        assert len(events) == 1


def test_worker_command_captions_a_show_end_to_end(
    app: FastAPI, settings: Settings, english_wav: Path, model_cache: Path, tmp_path: Path
) -> None:
    need("ffmpeg")
    apertium_with(("en", "es"))
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        store = api.store()
        api.ok(
            "PUT",
            "/api/v1/lingua/languages",
            headers=store["headers"],
            json={"languages": ["en", "es"]},
        )
        show = api.show(store)
        events = caught(app)
        env = {
            **os.environ,
            "CASTCART_DATABASE_URL": settings.effective_database_url,
            "CASTCART_DATA_DIR": str(tmp_path),
            "CASTCART_MEDIA_DIR": str(tmp_path / "media"),
            "CASTCART_MODEL_CACHE_DIR": str(model_cache),
            "CASTCART_MT_ENGINES": "apertium",
            "CASTCART_REDIS_URL": "",
            "CASTCART_SECRET_KEY": settings.secret_key,
        }
        done = subprocess.run(
            [
                sys.executable, "-m", "castcart.cli", "worker", "captions",
                "--show", show["id"], "--url", str(english_wav), "--app-url", server.url,
            ],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        finals = [e for e in events if e.final]
        assert finals, done.stdout
        assert all(e.lang == "en" and "es" in e.translations for e in finals)
        assert "vestido" in " ".join(e.translations["es"] for e in finals)
        captions = tmp_path / "media" / "shows" / show["id"] / "captions"
        assert (captions / "es.vtt").read_text().count(" --> ") == len(finals)
        assert (captions / "en.m3u8").is_file()
        missing = subprocess.run(
            [sys.executable, "-m", "castcart.cli", "worker", "captions", "--show", "nope",
             "--url", "x"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert missing.returncode == 2
        assert "no show nope" in missing.stderr
