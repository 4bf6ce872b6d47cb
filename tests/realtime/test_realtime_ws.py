"""The live channel over a real WebSocket against a uvicorn server (``live_server``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import LiveServer
from tests.helpers import Api

SAFETY_S = 10.0  # a safety net against hangs, never a timing assertion


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), timeout=60))


def ws_url(server: LiveServer, slug: str, show_id: str, token: str, **query: Any) -> str:
    base = server.url.replace("http://", "ws://")
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"{base}/api/v1/shop/{slug}/shows/{show_id}/live?token={token}{extra}"


async def next_of(ws: ClientConnection, *kinds: str) -> dict[str, Any]:
    """The next message of one of ``kinds``, skipping the others (viewers, likes, ...)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_S))
        assert message["v"] == 1
        assert isinstance(message["seq"], int)
        if message["type"] in kinds:
            return message


async def send(ws: ClientConnection, **message: Any) -> None:
    await ws.send(json.dumps(message))


@pytest.fixture
def room(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse)
    show = api.show(store, products=[product], live=True)
    return {
        "store": store,
        "slug": store["store"]["slug"],
        "show": show,
        "product": product,
        "alice": api.shopper(store),
        "bob": api.shopper(store),
    }


def test_chat_reaches_the_other_viewer_with_increasing_seq(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    slug, show_id = room["slug"], room["show"]["id"]

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
            connect(ws_url(live_server, slug, show_id, room["bob"]["token"])) as bob,
        ):
            hello = await next_of(alice, "hello")
            assert hello["show"] == {"id": show_id, "status": "live"}
            assert hello["you"]["role"] == "shopper"
            await next_of(bob, "hello")
            await send(alice, type="chat.send", text="<script>alert(1)</script> hi")
            await send(alice, type="chat.send", text="second")
            first = await next_of(bob, "chat.message")
            second = await next_of(bob, "chat.message")
            assert first["text"] == "<script>alert(1)</script> hi"  # stored and sent as text
            assert first["role"] == "shopper"
            assert first["author"]
            assert second["text"] == "second"
            assert second["seq"] > first["seq"]
            # the sender sees its own message too, with the same seq
            assert (await next_of(alice, "chat.message"))["seq"] == first["seq"]
            await send(alice, type="chat.send", text="x" * 501)
            error = await next_of(alice, "error")
            assert error["code"] == "text_too_long"

    run(scenario)


def test_bad_token_and_unknown_show_are_refused(
    live_server: LiveServer, room: dict[str, Any], api: Api
) -> None:
    slug, show_id = room["slug"], room["show"]["id"]
    other_store = api.store()
    foreign = api.shopper(other_store)

    async def closed_with(url: str) -> int:
        async with connect(url) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), SAFETY_S)
            assert closed.value.rcvd is not None
            return closed.value.rcvd.code

    async def scenario() -> None:
        assert await closed_with(ws_url(live_server, slug, show_id, "nope")) == 4401
        assert await closed_with(ws_url(live_server, slug, show_id, foreign["token"])) == 4401
        assert await closed_with(ws_url(live_server, slug, show_id, other_store["token"])) == 4401
        token = room["alice"]["token"]
        assert await closed_with(ws_url(live_server, slug, "missing", token)) == 4404
        other_show = api.show(other_store)
        assert await closed_with(ws_url(live_server, slug, other_show["id"], token)) == 4404

    run(scenario)


def test_host_pin_over_http_reaches_every_viewer(
    live_server: LiveServer, room: dict[str, Any], api: Api
) -> None:
    slug, show_id, store = room["slug"], room["show"]["id"], room["store"]

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
            connect(ws_url(live_server, slug, show_id, room["bob"]["token"])) as bob,
            connect(ws_url(live_server, slug, show_id, store["token"])) as host,
        ):
            for ws in (alice, bob, host):
                await next_of(ws, "hello")
            await asyncio.to_thread(
                api.ok,
                "POST",
                f"/api/v1/shows/{show_id}/pin",
                headers=store["headers"],
                json={"product_id": room["product"]["id"]},
            )
            for ws in (alice, bob):
                pin = await next_of(ws, "pin")
                assert pin["product_id"] == room["product"]["id"]
            await asyncio.to_thread(
                api.ok,
                "POST",
                f"/api/v1/shows/{show_id}/transition",
                headers=store["headers"],
                json={"to": "ended"},
            )
            assert (await next_of(alice, "show.state"))["status"] == "ended"
        # a newcomer learns the pin from ``hello``
        async with connect(ws_url(live_server, slug, show_id, room["bob"]["token"])) as late:
            assert (await next_of(late, "hello"))["pinned_product_id"] == room["product"]["id"]

    run(scenario)


def test_resume_after_reconnect_replays_missed_messages(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    slug, show_id = room["slug"], room["show"]["id"]

    async def scenario() -> None:
        async with connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice:
            await next_of(alice, "hello")
            async with connect(ws_url(live_server, slug, show_id, room["bob"]["token"])) as bob:
                hello = await next_of(bob, "hello")
                await send(alice, type="chat.send", text="seen")
                last_seq = (await next_of(bob, "chat.message"))["seq"]
            for text in ("missed 1", "missed 2"):
                await send(alice, type="chat.send", text=text)
            for _ in range(3):  # "seen" and both missed ones are out before bob returns
                await next_of(alice, "chat.message")
            url = ws_url(live_server, slug, show_id, room["bob"]["token"])
            # with a ``resume`` message after reconnecting
            async with connect(url) as bob:
                await next_of(bob, "hello")
                await send(bob, type="resume", last_seq=last_seq, epoch=hello["epoch"])
                replay = [await next_of(bob, "chat.message") for _ in range(2)]
                assert [m["text"] for m in replay] == ["missed 1", "missed 2"]
                assert replay[0]["seq"] > last_seq
            # or atomically, with ``last_seq`` on the URL
            async with connect(f"{url}&last_seq={last_seq}&epoch={hello['epoch']}") as bob:
                await next_of(bob, "hello")
                replay = [await next_of(bob, "chat.message") for _ in range(2)]
                assert [m["text"] for m in replay] == ["missed 1", "missed 2"]
                await send(bob, type="resume", last_seq=0, epoch="stale")
                assert (await next_of(bob, "resync"))["epoch"] == hello["epoch"]

    run(scenario)


def test_chat_rate_limit_over_the_socket(live_server: LiveServer, room: dict[str, Any]) -> None:
    slug, show_id = room["slug"], room["show"]["id"]

    async def scenario() -> None:
        async with connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice:
            await next_of(alice, "hello")
            for n in range(6):
                await send(alice, type="chat.send", text=f"spam {n}", ref=n)
            outcomes = [await next_of(alice, "chat.message", "error") for _ in range(6)]
            errors = [m for m in outcomes if m["type"] == "error"]
            assert len(errors) == 1
            assert errors[0]["code"] == "rate_limited"
            assert errors[0]["ref"] == 5

    run(scenario)


def test_likes_are_aggregated(live_server: LiveServer, room: dict[str, Any]) -> None:
    slug, show_id = room["slug"], room["show"]["id"]

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
            connect(ws_url(live_server, slug, show_id, room["bob"]["token"])) as bob,
        ):
            await next_of(alice, "hello")
            await next_of(bob, "hello")  # bob is in the room before the likes go out
            for _ in range(7):
                await send(alice, type="like")
            total = 0
            frames = 0
            while total < 7:
                total = (await next_of(bob, "likes"))["total"]
                frames += 1
            assert total == 7
            assert frames <= 7

    run(scenario)


def test_host_chat_is_checked_and_alerts_reach_staff_only(
    live_server: LiveServer, room: dict[str, Any]
) -> None:
    slug, show_id = room["slug"], room["show"]["id"]

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, room["store"]["token"])) as host,
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
        ):
            await next_of(host, "hello")
            await next_of(alice, "hello")
            text = "The best charger in the world, 100% safe!"
            await send(host, type="chat.send", text=text)
            alert = await next_of(host, "compliance.alert")
            categories = {f["category"] for f in alert["findings"]}
            assert "absolute_claim" in categories
            for finding in alert["findings"]:
                assert text[finding["start"] : finding["end"]]
            assert alert["text"] == text
            # The viewer sees the chat line but never the alert: read her frames up to her
            # own next message and check none of them is an alert.
            await send(alice, type="chat.send", text="is it in stock?")
            seen = []
            while True:
                message = json.loads(await asyncio.wait_for(alice.recv(), SAFETY_S))
                seen.append(message["type"])
                if message["type"] == "chat.message" and message["text"] == "is it in stock?":
                    break
            assert "compliance.alert" not in seen
            assert "chat.message" in seen
            # A shopper's own chat is not checked as host speech, nor is a harmless host
            # line alerted. The guard checks lines in order, so once the alert of a later
            # claim arrives, any alert about the lines before it would have arrived too.
            await send(alice, type="chat.send", text="the best show in the world")
            await send(host, type="chat.send", text="Thanks for joining!")
            await send(host, type="chat.send", text="It is 100% safe.")
            alerted = []
            while True:
                follow = await next_of(host, "compliance.alert")
                alerted.append(follow["text"])
                if follow["text"] == "It is 100% safe.":
                    break
            assert "the best show in the world" not in alerted
            assert "Thanks for joining!" not in alerted

    run(scenario)


def test_low_stock_after_a_paid_order_alerts_the_staff_of_the_stores_open_shows_only(
    live_server: LiveServer, room: dict[str, Any], api: Api
) -> None:
    slug, show_id, store = room["slug"], room["show"]["id"], room["store"]
    scarce = api.product(store, stock=6, warehouse=api.warehouse(store, "LOW"))
    variant = scarce["variants"][0]

    def buy_and_pay() -> None:
        shopper = room["bob"]
        api.add_to_cart(shopper, variant["id"], 1)
        order = api.checkout(shopper)
        api.pay(shopper, order["id"])

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, store["token"])) as host,
            connect(ws_url(live_server, slug, show_id, room["alice"]["token"])) as alice,
        ):
            await next_of(host, "hello")
            await next_of(alice, "hello")
            await asyncio.to_thread(buy_and_pay)  # 6 on hand, 1 sold: 5 left, the threshold
            alert = await next_of(host, "stock.low")
            assert (alert["variant_id"], alert["sku"], alert["available"]) == (
                variant["id"],
                variant["sku"],
                5,
            )
            await send(alice, type="chat.send", text="still there?")
            seen = []
            while True:
                message = json.loads(await asyncio.wait_for(alice.recv(), SAFETY_S))
                seen.append(message["type"])
                if message["type"] == "chat.message" and message["text"] == "still there?":
                    break
            assert "stock.low" not in seen  # shoppers never see the store's stock figures

    run(scenario)
