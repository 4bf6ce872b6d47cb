"""Moderation, word filters, languages and metrics over a real WebSocket (``live_server``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import LiveServer
from tests.helpers import Api
from tests.realtime.test_realtime_ws import SAFETY_S, next_of, room, run, send, ws_url

__all__ = ["room"]  # the fixture, shared with test_realtime_ws


async def close_code(ws: ClientConnection) -> int | None:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), SAFETY_S)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def test_staff_moderate_over_the_socket_and_it_sticks(
    live_server: LiveServer, room: dict[str, Any], api: Api
) -> None:
    slug, show_id, store = room["slug"], room["show"]["id"], room["store"]
    alice_id = room["alice"]["shopper"]["id"]
    api.ok(
        "POST",
        "/api/v1/moderation/filters",
        201,
        headers=store["headers"],
        json={"term": "darn", "action": "mask"},
    )

    async def scenario() -> None:
        alice_url = ws_url(live_server, slug, show_id, room["alice"]["token"])
        async with (
            connect(alice_url) as alice,
            connect(ws_url(live_server, slug, show_id, room["bob"]["token"])) as bob,
            connect(ws_url(live_server, slug, show_id, store["token"])) as host,
        ):
            for ws in (alice, bob, host):
                await next_of(ws, "hello")
            await send(alice, type="chat.send", text="well D4RN, so pricey")
            line = await next_of(bob, "chat.message")
            assert line["text"] == "well ****, so pricey"
            assert line["author_id"] == alice_id
            # shoppers cannot moderate
            await send(bob, type="mod.delete", message_id=line["id"], ref="b1")
            assert (await next_of(bob, "error"))["code"] == "forbidden"
            await send(host, type="mod.delete", message_id=line["id"], reason="rude")
            assert (await next_of(bob, "chat.deleted"))["message_id"] == line["id"]
            action = await next_of(host, "moderation.action")
            assert (action["action"], action["target_viewer_id"]) == ("delete", alice_id)
            await send(host, type="mod.mute", viewer_id=alice_id, seconds=600)
            assert (await next_of(alice, "muted"))["until"]
            await send(alice, type="chat.send", text="hello?", ref=1)
            assert (await next_of(alice, "error"))["code"] == "muted"
        # the mute is persisted: reconnecting does not escape it
        async with connect(alice_url) as alice:
            hello = await next_of(alice, "hello")
            assert hello["you"]["muted_until"]
            await send(alice, type="chat.send", text="sneaky")
            assert (await next_of(alice, "error"))["code"] == "muted"
            async with connect(ws_url(live_server, slug, show_id, store["token"])) as host:
                await next_of(host, "hello")
                await send(host, type="mod.ban", viewer_id=alice_id, reason="evading")
                assert await close_code(alice) == 4403
        async with connect(alice_url) as alice:
            assert await close_code(alice) == 4403
        log = await asyncio.to_thread(
            api.ok, "GET", "/api/v1/moderation/actions", headers=store["headers"]
        )
        assert [a["action"] for a in log] == ["ban", "mute", "delete", "filter.add"]
        assert log[0]["actor_role"] == "owner"
        assert log[0]["reason"] == "evading"

    run(scenario)


def test_slow_mode_from_staff_and_metrics_for_the_console(
    live_server: LiveServer, room: dict[str, Any], api: Api
) -> None:
    slug, show_id, store = room["slug"], room["show"]["id"], room["store"]
    variant_id = room["product"]["variants"][0]["id"]

    async def scenario() -> None:
        async with (
            connect(
                ws_url(live_server, slug, show_id, room["alice"]["token"], country="br")
            ) as alice,
            connect(ws_url(live_server, slug, show_id, store["token"])) as host,
        ):
            await next_of(alice, "hello")
            await next_of(host, "hello")
            await send(host, type="mod.slow_mode", seconds=30)
            assert (await next_of(alice, "slow_mode"))["seconds"] == 30
            await send(alice, type="chat.send", text="first")
            await next_of(alice, "chat.message")
            await send(alice, type="chat.send", text="second")
            assert (await next_of(alice, "error"))["code"] == "slow_mode"
            await asyncio.to_thread(api.add_to_cart, room["alice"], variant_id, 1, show_id)
            while True:
                metrics = await next_of(host, "metrics")
                if metrics["add_to_carts"] == 1:
                    break
            assert metrics["viewers"] == 2
            assert metrics["chat_per_min"] == 1
            assert metrics["countries"]["BR"] == 1
            assert metrics["currency"] == "EUR"
            over_http = await asyncio.to_thread(
                api.ok, "GET", f"/api/v1/shows/{show_id}/metrics", headers=store["headers"]
            )
            assert over_http["add_to_carts"] == 1
            assert over_http["viewers"] == 2
            shopper_try = await asyncio.to_thread(
                api.client.get,
                f"/api/v1/shows/{show_id}/metrics",
                headers=room["alice"]["headers"],
            )
            assert shopper_try.status_code == 401

    run(scenario)


def test_host_lines_go_on_the_bus_as_chat_posted(
    live_server: LiveServer, room: dict[str, Any], app: Any
) -> None:
    slug, show_id, store = room["slug"], room["show"]["id"], room["store"]
    posted: list[Any] = []
    app.state.ctx.bus.subscribe("chat.posted", posted.append)

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, store["token"], lang="de")) as host,
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
        ):
            await next_of(host, "hello")
            await next_of(alice, "hello")
            await send(alice, type="chat.send", text="shopper line")
            await send(host, type="chat.send", text="Willkommen!")
            line = json.dumps(await next_of(host, "chat.message"))
            while "Willkommen" not in line:
                line = json.dumps(await next_of(host, "chat.message"))
            while not posted:  # noqa: ASYNC110 - the bus handler runs on a worker thread
                await asyncio.sleep(0.02)
        assert [(e.role, e.text, e.lang) for e in posted] == [("owner", "Willkommen!", "de")]

    run(scenario)


def test_word_filter_changes_apply_to_an_open_room(
    live_server: LiveServer, room: dict[str, Any], api: Api
) -> None:
    slug, show_id, store = room["slug"], room["show"]["id"], room["store"]

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
            connect(ws_url(live_server, slug, show_id, store["token"])) as host,
        ):
            await next_of(alice, "hello")
            await next_of(host, "hello")
            made = await asyncio.to_thread(
                api.ok,
                "POST",
                "/api/v1/moderation/filters",
                201,
                headers=store["headers"],
                json={"term": "scam", "action": "block"},
            )
            assert (await next_of(host, "moderation.action"))["action"] == "filter.add"
            await send(alice, type="chat.send", text="what a SCAM", ref="s1")
            refused = await next_of(alice, "error")
            assert (refused["code"], refused["ref"]) == ("blocked_word", "s1")
            await asyncio.to_thread(
                api.ok,
                "DELETE",
                f"/api/v1/moderation/filters/{made['id']}",
                204,
                headers=store["headers"],
            )
            assert (await next_of(host, "moderation.action"))["action"] == "filter.remove"
            await send(alice, type="chat.send", text="not a scam after all")
            assert (await next_of(alice, "chat.message"))["text"] == "not a scam after all"

    run(scenario)
