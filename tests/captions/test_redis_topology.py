"""The production topology: two app nodes on Redis and a captions worker. Every segment
the worker publishes reaches the viewers of both nodes, and the once-per-cluster work (the
live compliance guard, the audit log) happens exactly once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.captions.conftest import need
from tests.cluster import CLI, ROOT, cluster_env, serve_nodes
from tests.helpers import Api

pytestmark = pytest.mark.redis

SAFETY_S = 120.0  # a safety net against hangs, never a timing assertion


def _room(url: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        store = api.store()
        # cotton, so the worker's "a beautiful linen dress" contradicts the pinned product
        product = api.product(store, warehouse=api.warehouse(store))
        show = api.show(store, [product], live=True)
        api.ok(
            "PUT",
            f"/api/v1/shows/{show['id']}/markets",
            headers=store["headers"],
            json={"markets": ["DE"]},
        )
        api.ok(
            "POST",
            f"/api/v1/shows/{show['id']}/pin",
            headers=store["headers"],
            json={"product_id": product["id"]},
        )
        slug = store["store"]["slug"]
        tokens = [
            api.ok("POST", f"/api/v1/shop/{slug}/sessions", 201, json={"country": "DE"})["token"]
            for _ in range(2)
        ]
    return {"slug": slug, "show_id": show["id"], "staff": store["headers"], "tokens": tokens}


async def _captions(ws: ClientConnection, quiet_s: float, done: asyncio.Event) -> list[Any]:
    """Caption frames until the worker is done and the socket has been quiet a while."""
    frames: list[Any] = []
    while True:
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), quiet_s))
        except TimeoutError:
            if done.is_set():
                return frames
            continue
        if message["type"] == "caption":
            frames.append(message)


def test_worker_segments_reach_both_nodes_the_guard_and_the_audit_log_once(
    tmp_path: Path, redis_url: str, english_wav: Path, model_cache: Path
) -> None:
    need("ffmpeg")
    env = cluster_env(tmp_path, redis_url)
    with serve_nodes(env, tmp_path) as (node1, node2):
        room = _room(node1)
        show_id = room["show_id"]

        def ws_url(node: str, token: str) -> str:
            base = node.replace("http://", "ws://")
            return f"{base}/api/v1/shop/{room['slug']}/shows/{show_id}/live?token={token}"

        worker_env = {
            **env,
            "CASTCART_MEDIA_DIR": str(tmp_path / "media"),
            "CASTCART_MODEL_CACHE_DIR": str(model_cache),
            "CASTCART_MT_ENGINES": "apertium",
        }

        async def scenario() -> tuple[list[Any], list[Any]]:
            async with (
                connect(ws_url(node1, room["tokens"][0])) as on1,
                connect(ws_url(node2, room["tokens"][1])) as on2,
            ):
                for ws in (on1, on2):
                    while json.loads(await ws.recv())["type"] != "hello":
                        pass
                done = asyncio.Event()
                readers = [asyncio.create_task(_captions(ws, 3.0, done)) for ws in (on1, on2)]
                worker = await asyncio.to_thread(
                    subprocess.run,
                    [*CLI, "worker", "captions", "--show", show_id, "--url", str(english_wav)],
                    cwd=ROOT, env=worker_env, capture_output=True, text=True, timeout=300,
                )  # fmt: skip
                assert worker.returncode == 0, worker.stderr[-3000:]
                done.set()
                first, second = await asyncio.gather(*readers)
                return first, second

        seen1, seen2 = asyncio.run(asyncio.wait_for(scenario(), SAFETY_S * 3))
        finals = [f for f in seen1 if f["final"]]
        assert finals, "no caption reached the viewer on node 1"
        assert any("linen" in f["text"].lower() for f in finals)
        # one numbering across the cluster: the same frames, in the same order, on both nodes
        key = [(f["seq"], f["segment_id"], f["final"], f["text"]) for f in seen1]
        assert key == [(f["seq"], f["segment_id"], f["final"], f["text"]) for f in seen2]
        assert len({f["seq"] for f in seen1}) == len(seen1)  # no frame delivered twice

        # the audit log (written by the node that took each segment) holds every final once,
        # and the guard's alert on the linen claim once
        wanted = Counter(f["segment_id"] for f in finals)
        deadline = time.monotonic() + SAFETY_S
        while True:
            entries = httpx.get(
                f"{node2}/api/v1/shows/{show_id}/audit",
                headers=room["staff"],
                params={"limit": 1000},
                timeout=30,
            ).json()["entries"]
            captions = Counter(
                e["payload"]["segment_id"] for e in entries if e["kind"] == "caption"
            )
            alerts = [e for e in entries if e["kind"] == "compliance_alert"]
            if (captions == wanted and alerts) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert captions == wanted
        alerted = Counter(e["payload"]["ref"] for e in alerts)
        assert alerted
        assert max(alerted.values()) == 1
        linen = [a for a in alerts if "linen" in a["payload"]["text"].lower()]
        assert linen
        categories = {f["category"] for f in linen[0]["payload"]["findings"]}
        assert "fact_contradiction" in categories
