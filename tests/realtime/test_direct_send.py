"""The direct send path (issue 18): a broadcast is framed once and written to every attached
socket; the slow-viewer bound, the close and ordering hold on it; the chat tick adapts to
what a frame costs to fan out; and a real uvicorn socket gets its frames this way."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import pytest
from fastapi import FastAPI
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from castcart.realtime import Close, HubLimits, RealtimeHub, ShowHub, Viewer
from castcart.realtime.api import realtime_hub
from castcart.realtime.frames import wire
from tests.conftest import LiveServer
from tests.helpers import Api
from tests.realtime.test_hub import eventually, run

ALICE = Viewer(id="a", display_name="Alice", role="shopper")
BOB = Viewer(id="b", display_name="Bob", role="shopper")


class FakeSink:
    """A socket: what was written, how much is "buffered", and the close it was sent."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.backlog = 0
        self.closed: tuple[int, str] | None = None

    def send_frame(self, data: bytes) -> None:
        assert self.closed is None, "no frame after the close"
        self.writes.append(data)

    def buffered(self) -> int:
        return self.backlog

    def close_frame(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(unframe(data)) for data in self.writes]


def unframe(data: bytes) -> str:
    """Parse one server frame as a client does (websockets' own parser)."""

    def read_exact(n: int) -> Any:
        nonlocal data
        chunk, data = data[:n], data[n:]
        if len(chunk) < n:
            raise AssertionError("truncated frame")
        return chunk
        yield  # pragma: no cover - a generator, as Frame.parse expects

    parser = Frame.parse(read_exact, mask=False)
    try:
        while True:
            next(parser)
    except StopIteration as done:
        frame: Frame = done.value
    assert frame.opcode is Opcode.TEXT
    assert frame.fin
    assert data == b"", "one frame, nothing after it"
    return bytes(frame.data).decode()


@pytest.mark.parametrize("size", [0, 1, 125, 126, 200, 65535, 65536, 100_000])
def test_wire_is_the_frame_websockets_itself_would_send(size: int) -> None:
    text = "é" * (size // 2) + "x" * (size % 2)  # multi-byte UTF-8: length is in bytes
    framed = wire(text)
    assert framed == Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    assert unframe(framed) == text


def test_attach_writes_the_queue_first_then_every_push_in_order() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show")
        a = hub.join(ALICE)  # hello is queued before the transport attaches
        hub.broadcast("pin", {"product_id": "p1"})
        sink = FakeSink()
        a.attach(sink)
        assert a.pending == 0
        hub.broadcast("pin", {"product_id": "p2"})
        hub.send(a, "pong", {})
        got = sink.messages()
        assert [m["type"] for m in got] == ["hello", "pin", "pin", "pong"]
        assert [m.get("product_id") for m in got[1:3]] == ["p1", "p2"]
        assert [m["seq"] for m in got] == [0, 1, 2, 2]

    run(scenario)


def test_a_broadcast_is_framed_once_for_every_attached_socket() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show")
        sinks = []
        for n in range(5):
            conn = hub.join(Viewer(id=f"v{n}", display_name=f"V{n}", role="shopper"))
            sink = FakeSink()
            conn.attach(sink)
            sinks.append(sink)
        hub.broadcast("pin", {"product_id": "p1"})
        last = [sink.writes[-1] for sink in sinks]
        assert all(data is last[0] for data in last), "the same bytes object for everyone"
        assert json.loads(unframe(last[0]))["product_id"] == "p1"

    run(scenario)


def test_a_socket_whose_buffer_is_full_is_dropped_but_a_replay_is_not() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show", limits=HubLimits(send_buffer=1000))
        slow, fast = hub.join(ALICE), hub.join(BOB)
        slow_sink, fast_sink = FakeSink(), FakeSink()
        slow.attach(slow_sink)
        fast.attach(fast_sink)
        hub.broadcast("pin", {"product_id": "p1"})
        slow_sink.backlog = 1000  # at the bound: still fits
        hub.broadcast("pin", {"product_id": "p2"})
        assert hub.is_member(slow)
        # a resume replays with force: never a drop, even over the bound
        slow_sink.backlog = 5000
        hub.receive(slow, json.dumps({"type": "resume", "last_seq": 0}))
        assert hub.is_member(slow)
        assert [m.get("product_id") for m in slow_sink.messages()[-2:]] == ["p1", "p2"]
        # a live frame over the bound: dropped with 4408, the room goes on
        hub.broadcast("pin", {"product_id": "p3"})
        assert not hub.is_member(slow)
        assert slow_sink.closed == (4408, "too slow, resync")
        assert hub.dropped == 1
        assert fast_sink.messages()[-1]["product_id"] == "p3"
        assert await slow.next_frame() == Close(4408, "too slow, resync")
        hub.broadcast("pin", {"product_id": "p4"})  # nothing more reaches the closed one
        assert slow_sink.messages()[-1]["product_id"] == "p2"

    run(scenario)


def test_a_connection_shut_before_it_attached_closes_at_attach() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show")
        conn = hub.join(ALICE)
        hub.drop(conn, 4403, "banned")
        sink = FakeSink()
        conn.attach(sink)
        assert sink.writes == []
        assert sink.closed == (4403, "banned")

    run(scenario)


def test_the_chat_tick_follows_the_fanout_cost_within_its_bounds() -> None:
    async def scenario() -> None:
        limits = HubLimits(chat_batch_interval=0.1, chat_batch_min_interval=0.02)
        hub = ShowHub("s", "show", limits=limits)
        hub.fanout_cost = 0.0
        assert hub.chat.tick() == pytest.approx(0.02)
        hub.fanout_cost = 0.01  # 10 ms a frame: 5x that
        assert hub.chat.tick() == pytest.approx(0.05)
        hub.fanout_cost = 1.0
        assert hub.chat.tick() == pytest.approx(0.1)

    run(scenario)


def test_busy_chat_sends_at_once_when_no_frame_left_within_the_tick() -> None:
    now = [100.0]

    async def scenario() -> None:
        limits = HubLimits(
            chat_burst=1000,
            chat_batch_after=3,
            chat_batch_interval=0.1,
            chat_batch_min_interval=0.1,
        )
        hub = ShowHub("s", "show", limits=limits, clock=lambda: now[0])
        a, b = hub.join(ALICE), hub.join(BOB)
        sink = FakeSink()
        b.attach(sink)

        def say(text: str) -> None:
            hub.receive(a, json.dumps({"type": "chat.send", "text": text}))

        for n in range(3):  # calm, then busy: the 3rd line in a second
            say(f"line {n}")
            now[0] += 0.2
        # busy, but the last frame left 0.2 s ago (> the tick): this line leaves at once
        say("line 3")
        assert sink.messages()[-1]["text"] == "line 3"
        # two more within the same tick wait and leave together when it ends
        now[0] += 0.01
        say("line 4")
        say("line 5")
        assert sink.messages()[-1]["text"] == "line 3"
        assert hub.chat.pending == 2
        await eventually(lambda: not hub.chat.pending)
        last = sink.messages()[-1]
        assert last["type"] == "chat.batch"
        assert [m["text"] for m in last["messages"]] == ["line 4", "line 5"]

    run(scenario)


def test_a_real_socket_is_served_through_the_direct_path(app: FastAPI, api: Api) -> None:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse)
    show = api.show(store, products=[product], live=True)
    slug = store["store"]["slug"]
    shopper = api.shopper(store)
    with LiveServer(app) as server:
        url = (
            server.url.replace("http://", "ws://")
            + f"/api/v1/shop/{slug}/shows/{show['id']}/live?token={shopper['token']}"
        )

        async def scenario() -> tuple[list[dict[str, Any]], int | None, bool]:
            async with connect(url) as ws:
                hello = json.loads(await ws.recv())
                registry: RealtimeHub = realtime_hub(app)
                room = registry.get(show["id"])
                assert room is not None
                conn = room.connections[0]
                attached = conn.attached
                await ws.send(json.dumps({"type": "ping"}))
                pong = json.loads(await ws.recv())
                while pong["type"] != "pong":  # a ``viewers`` frame may come first
                    pong = json.loads(await ws.recv())
                assert registry.loop is not None
                registry.loop.call_soon_threadsafe(room.drop, conn, 4403, "banned")
                with contextlib.suppress(ConnectionClosed):  # the close is what we wait for
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                code = ws.close_code
            return [hello, pong], code, attached

        messages, code, attached = asyncio.run(scenario())
    assert attached, "uvicorn served the live channel without the direct path"
    assert [m["type"] for m in messages] == ["hello", "pong"]
    assert code == 4403
