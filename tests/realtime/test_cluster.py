"""Two real ``castcart serve`` processes share a show through Redis: one sequence, one
backlog, one audience."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.cluster import cluster_env, serve_nodes

pytestmark = pytest.mark.redis

SAFETY_S = 20.0  # a safety net against hangs, never a timing assertion


@pytest.fixture
def nodes(tmp_path: Path, redis_url: str) -> Iterator[list[str]]:
    with serve_nodes(cluster_env(tmp_path, redis_url), tmp_path) as urls:
        yield urls


def _seed(url: str) -> dict[str, Any]:
    slug = f"cluster-{secrets.token_hex(3)}"
    with httpx.Client(base_url=url, timeout=30) as client:
        signup = client.post(
            "/api/v1/stores",
            json={
                "slug": slug,
                "name": "Cluster",
                "currency": "EUR",
                "country": "DE",
                "owner_email": f"owner@{slug}.example.com",
                "owner_password": "correct horse battery staple",
            },
        )
        assert signup.status_code == 201, signup.text
        staff = {"Authorization": f"Bearer {signup.json()['token']}"}
        show = client.post(
            "/api/v1/shows",
            headers=staff,
            json={"title": "Two nodes", "scheduled_at": "2026-12-01T18:00:00Z"},
        ).json()
        client.post(
            f"/api/v1/shows/{show['id']}/transition", headers=staff, json={"to": "live"}
        ).raise_for_status()
        product = client.post(
            "/api/v1/products",
            headers=staff,
            json={
                "handle": "scarf",
                "translations": [{"locale": "en", "title": "Scarf"}],
                "variants": [{"sku": "SCARF-1", "price_amount": 2500, "options": {}}],
            },
        )
        assert product.status_code == 201, product.text
        shoppers = []
        for country in ("DE", "FR"):
            session = client.post(
                f"/api/v1/shop/{slug}/sessions", json={"locale": "en", "country": country}
            )
            shoppers.append(session.json()["token"])
    return {
        "slug": slug,
        "show_id": show["id"],
        "staff": staff,
        "shoppers": shoppers,
        "variant_id": product.json()["variants"][0]["id"],
    }


def _ws(url: str, room: dict[str, Any], token: str, extra: str = "") -> str:
    base = url.replace("http://", "ws://")
    return f"{base}/api/v1/shop/{room['slug']}/shows/{room['show_id']}/live?token={token}{extra}"


async def _next(ws: ClientConnection, *kinds: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_S))
        if message["type"] in kinds:
            return message


async def _chat_line(ws: ClientConnection, text: str) -> dict[str, Any]:
    """The next chat line with ``text`` (in a ``chat.message`` or a ``chat.batch``)."""
    while True:
        frame = await _next(ws, "chat.message", "chat.batch")
        lines = frame["messages"] if frame["type"] == "chat.batch" else [frame]
        for line in lines:
            if line["text"] == text:
                return {**line, "seq": frame["seq"]}


async def _close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes the socket; its close code."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), SAFETY_S)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def test_two_nodes_share_chat_seq_viewers_and_resume(nodes: list[str]) -> None:
    node1, node2 = nodes
    room = _seed(node1)
    alice, bob = room["shoppers"]

    async def scenario() -> None:
        async with (
            connect(_ws(node1, room, alice, "&lang=de")) as on1,
            connect(_ws(node2, room, bob, "&lang=fr")) as on2,
        ):
            await _next(on1, "hello")
            hello2 = await _next(on2, "hello")
            # viewer counts add up across the nodes
            while (await _next(on1, "viewers"))["count"] != 2:
                pass
            await on1.send(json.dumps({"type": "chat.send", "text": "hello from node 1"}))
            seen2 = await _chat_line(on2, "hello from node 1")
            seen1 = await _chat_line(on1, "hello from node 1")
            assert seen1["seq"] == seen2["seq"]
            assert seen1["id"] == seen2["id"]
            await on2.send(json.dumps({"type": "chat.send", "text": "and back from node 2"}))
            back1 = await _chat_line(on1, "and back from node 2")
            back2 = await _chat_line(on2, "and back from node 2")
            assert back1["seq"] == back2["seq"] > seen1["seq"]
            last_seq, epoch = back2["seq"], hello2["epoch"]
            # the console's figures add up across nodes, asked of either node
            async with httpx.AsyncClient(timeout=30) as client:
                shop = {"Authorization": f"Bearer {alice}"}
                cart = f"{node1}/api/v1/shop/{room['slug']}/cart"
                attached = await client.patch(cart, headers=shop, json={"show_id": room["show_id"]})
                assert attached.status_code == 200, attached.text
                line = {"variant_id": room["variant_id"], "quantity": 1}
                added = await client.post(f"{cart}/lines", headers=shop, json=line)
                assert added.status_code == 200, added.text
                metrics = f"/api/v1/shows/{room['show_id']}/metrics"
                figures = (await client.get(node2 + metrics, headers=room["staff"])).json()
            assert figures["viewers"] == 2
            assert figures["countries"] == {"DE": 1, "FR": 1}
            assert figures["chat_per_min"] >= 2
            assert figures["add_to_carts"] == 1
            await on2.close()
            for text in ("missed one", "missed two"):
                await on1.send(json.dumps({"type": "chat.send", "text": text}))
            await _chat_line(on1, "missed two")
            # bob comes back on the OTHER node and resumes where he left
            url = _ws(node1, room, bob, f"&last_seq={last_seq}&epoch={epoch}")
            async with connect(url) as again:
                hello = await _next(again, "hello")
                assert hello["epoch"] == epoch
                first = await _chat_line(again, "missed one")
                second = await _chat_line(again, "missed two")
                assert last_seq < first["seq"] < second["seq"]

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_moderation_and_pins_reach_the_other_node(nodes: list[str]) -> None:
    node1, node2 = nodes
    room = _seed(node1)
    alice, bob = room["shoppers"]

    async def scenario() -> None:
        async with (
            connect(_ws(node1, room, alice)) as viewer1,
            connect(_ws(node2, room, bob)) as viewer2,
        ):
            await _next(viewer1, "hello")
            me = (await _next(viewer2, "hello"))["you"]["id"]
            await viewer2.send(json.dumps({"type": "chat.send", "text": "spam spam"}))
            line = await _chat_line(viewer1, "spam spam")
            # a moderator acts over HTTP on node 1; node 2's viewer is affected
            async with httpx.AsyncClient(base_url=node1, timeout=30) as client:
                deleted = await client.post(
                    f"/api/v1/shows/{room['show_id']}/moderation/delete",
                    headers=room["staff"],
                    json={"message_id": line["id"], "viewer_id": me, "reason": "spam"},
                )
                assert deleted.status_code == 200, deleted.text
                ban = await client.post(
                    f"/api/v1/shows/{room['show_id']}/moderation/ban",
                    headers=room["staff"],
                    json={"viewer_id": me, "reason": "spam"},
                )
                assert ban.status_code == 200, ban.text
            gone = await _next(viewer1, "chat.deleted")
            assert gone["message_id"] == line["id"]
            assert await _close_code(viewer2) == 4403
        # the ban holds on either node
        for node in (node1, node2):
            async with connect(_ws(node, room, bob)) as retry:
                assert await _close_code(retry) == 4403

    asyncio.run(asyncio.wait_for(scenario(), 90))
