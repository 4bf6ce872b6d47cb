"""The hub's logic without a web server: sequence, backlog, resume, drops, limits, bus."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from castcart.events import (
    FlashSaleCreated,
    InProcessEventBus,
    OrderPaid,
    ProductPinned,
    ShowBroadcast,
    ShowStarted,
    StockLow,
)
from castcart.events.types import ShowInterrupted, ShowResumed
from castcart.realtime import (
    Close,
    Connection,
    HubLimits,
    RealtimeHub,
    ShowHub,
    TokenBucket,
    Viewer,
)

ALICE = Viewer(id="a", display_name="Alice", role="shopper")
BOB = Viewer(id="b", display_name="Bob", role="shopper")
HOST = Viewer(id="h", display_name="Hana", role="host")


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), timeout=10))


async def eventually(condition: Callable[[], bool]) -> None:
    """Let the loop run timers until ``condition`` holds (``run`` bounds the wait)."""
    while not condition():  # noqa: ASYNC110 - polling hub state, not waiting for an event
        await asyncio.sleep(0.01)


def drain(conn: Connection) -> list[dict[str, Any]]:
    """Everything queued for ``conn`` right now, decoded."""
    out: list[dict[str, Any]] = []
    while conn.pending:
        frame = conn._frames.popleft()[0]  # test-only peek at the queue
        out.append(json.loads(frame))
    conn._live = 0
    return out


def of_type(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["type"] == kind]


def chat(hub: ShowHub, conn: Connection, text: str) -> None:
    hub.receive(conn, json.dumps({"type": "chat.send", "text": text}))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hello_chat_and_increasing_seq() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show", pinned_product_id="p1")
        a, b = hub.join(ALICE), hub.join(BOB)
        hello = drain(b)[0]
        assert hello["type"] == "hello"
        assert hello["v"] == 1
        assert hello["seq"] == 0
        assert hello["pinned_product_id"] == "p1"
        assert hello["viewers"] == 2
        chat(hub, a, "hi <b>there</b>")
        chat(hub, a, "second")
        got = of_type(drain(b), "chat.message")
        assert [m["text"] for m in got] == ["hi <b>there</b>", "second"]
        assert got[0]["author"] == "Alice"
        assert got[0]["role"] == "shopper"
        assert got[0]["seq"] < got[1]["seq"]
        assert {"id", "at", "v"} <= set(got[0])

    run(scenario)


def test_chat_validation() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show")
        a = hub.join(ALICE)
        drain(a)
        chat(hub, a, "x" * 501)
        chat(hub, a, "   ")
        hub.receive(a, json.dumps({"type": "chat.send", "text": {"html": "<i>"}}))
        hub.receive(a, "not json")
        hub.receive(a, json.dumps({"type": "nope"}))
        codes = [m["code"] for m in drain(a)]
        assert codes == [
            "text_too_long",
            "invalid_text",
            "invalid_text",
            "bad_message",
            "unknown_type",
        ]
        assert hub.seq == 0  # errors take no sequence number
        chat(hub, a, "x" * 500)
        assert of_type(drain(a), "chat.message")[0]["text"] == "x" * 500

    run(scenario)


def test_token_bucket_refills() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5, 10.0, clock)
    assert all(bucket.take() for _ in range(5))
    assert not bucket.take()
    clock.now += 2.0  # one token per 2 s
    assert bucket.take()
    assert not bucket.take()


def test_chat_rate_limit_and_slow_mode() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        hub = ShowHub("s", "show", clock=clock)
        a, host = hub.join(ALICE), hub.join(HOST)
        for n in range(6):
            chat(hub, a, f"m{n}")
        msgs = drain(a)
        assert len(of_type(msgs, "chat.message")) == 5
        assert [m["code"] for m in of_type(msgs, "error")] == ["rate_limited"]
        clock.now += 40  # past both the bucket refill and the slow-mode window
        hub.set_slow_mode(30)
        chat(hub, a, "one")
        chat(hub, a, "two")
        chat(hub, host, "staff are exempt")
        chat(hub, host, "from slow mode")
        msgs = drain(a)
        assert of_type(msgs, "slow_mode")[0]["seconds"] == 30
        assert [m["text"] for m in of_type(msgs, "chat.message")] == [
            "one",
            "staff are exempt",
            "from slow mode",
        ]
        assert [m["code"] for m in of_type(msgs, "error")] == ["slow_mode"]

    run(scenario)


def test_slow_viewer_is_dropped_without_stalling_the_room() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show", limits=HubLimits(send_queue=3))
        fast, slow = hub.join(ALICE), hub.join(BOB)
        received: list[dict[str, Any]] = []

        async def reader() -> None:
            while True:
                frame = await fast.next_frame()
                assert not isinstance(frame, Close)
                received.append(json.loads(frame))

        task = asyncio.create_task(reader())
        for n in range(10):
            hub.broadcast("notice", {"n": n})
            await asyncio.sleep(0)  # the fast reader keeps up; the slow one never reads
        await asyncio.sleep(0)
        assert [m["n"] for m in received if m["type"] == "notice"] == list(range(10))
        assert slow.closed
        assert hub.dropped == 1
        assert hub.viewer_count == 1
        closing = await slow.next_frame()
        assert closing == Close(4408, "too slow, resync")
        task.cancel()

    run(scenario)


def test_resume_replays_missed_and_resyncs_when_too_old() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show", limits=HubLimits(backlog=5))
        a = hub.join(ALICE)
        for n in range(4):
            chat(hub, a, f"m{n}")
        seen = of_type(drain(a), "chat.message")[1]["seq"]  # missed the last two
        b = hub.join(BOB, last_seq=seen, epoch=hub.epoch)
        replay = drain(b)
        assert replay[0]["type"] == "hello"
        assert [m["text"] for m in of_type(replay, "chat.message")] == ["m2", "m3"]
        # the same through a ``resume`` message, with no duplicates of later live frames
        c = hub.join(BOB)
        chat(hub, a, "live")
        hub.receive(c, json.dumps({"type": "resume", "last_seq": seen}))
        texts = [m["text"] for m in of_type(drain(c), "chat.message")]
        assert sorted(texts) == ["live", "m2", "m3"]
        # too old for the backlog, or another epoch: resync
        for n in range(10):
            hub.broadcast("notice", {"n": n})
        d = hub.join(BOB, last_seq=1)
        assert of_type(drain(d), "resync")[0]["reason"] == "backlog_exceeded"
        e = hub.join(BOB, last_seq=hub.seq, epoch="other")
        assert of_type(drain(e), "resync")
        f = hub.join(BOB, last_seq=hub.seq, epoch=hub.epoch)
        assert [m["type"] for m in drain(f)] == ["hello"]

    run(scenario)


def test_likes_and_viewers_are_coalesced() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show", limits=HubLimits(likes_interval=0.05, viewers_interval=0.05))
        a = hub.join(ALICE)
        others = [hub.join(BOB) for _ in range(4)]
        for _ in range(10):
            hub.receive(a, '{"type": "like"}')
        hub.leave(others[0])
        await eventually(
            lambda: (
                hub.counters.likes_total == hub.counters.likes_sent_total
                and not hub.presence.flush_scheduled
            )
        )
        msgs = drain(a)
        likes = of_type(msgs, "likes")
        assert len(likes) == 1
        assert likes[0]["total"] == 10
        viewers = of_type(msgs, "viewers")
        assert len(viewers) == 1
        assert viewers[0]["count"] == 4

    run(scenario)


def test_bus_events_from_another_thread_reach_the_show() -> None:
    async def scenario() -> None:
        bus = InProcessEventBus()
        registry = RealtimeHub(bus)
        hub = registry.show("s", "show")
        other = registry.show("s", "other")
        a, b = hub.join(ALICE), other.join(BOB)
        drain(a), drain(b)

        def publish() -> None:  # like a sync route in the threadpool
            bus.publish(ShowStarted(store_id="s", show_id="show"))
            bus.publish(ProductPinned(store_id="s", show_id="show", product_id="p9"))
            bus.publish(ProductPinned(store_id="intruder", show_id="show", product_id="px"))
            now = ShowStarted(store_id="s", show_id="x").occurred_at
            bus.publish(
                FlashSaleCreated(
                    store_id="s",
                    show_id="show",
                    flash_sale_id="f",
                    variant_id="v",
                    price_amount=990,
                    quantity_cap=3,
                    starts_at=now,
                    ends_at=now,
                )
            )

        thread = threading.Thread(target=publish)
        thread.start()
        await asyncio.to_thread(thread.join)
        await eventually(lambda: hub.seq >= 3)
        msgs = [m for m in drain(a) if m["type"] != "viewers"]
        assert [m["type"] for m in msgs] == ["show.state", "pin", "flash_sale"]
        assert msgs[0]["status"] == "live"
        assert msgs[1]["product_id"] == "p9"
        assert hub.pinned_product_id == "p9"
        assert hub.status == "live"
        assert not [m for m in drain(b) if m["type"] != "viewers"]
        registry.close()
        assert a.closed
        assert not bus._handlers["*"]

    run(scenario)


class _CountdownTick(ShowBroadcast):
    frame_type: ClassVar[str] = "test.countdown"
    seconds_left: int


class _StaffNote(ShowBroadcast):
    frame_type: ClassVar[str] = "test.staff_note"
    audience: ClassVar[str] = "staff"
    note: str


def test_show_broadcast_events_become_frames_and_other_events_stay_out() -> None:
    async def scenario() -> None:
        bus = InProcessEventBus()
        registry = RealtimeHub(bus)
        hub = registry.show("s", "show")
        a, h = hub.join(ALICE), hub.join(HOST)
        drain(a), drain(h)
        bus.publish(_StaffNote(store_id="s", show_id="show", note="for staff"))
        bus.publish(_CountdownTick(store_id="s", show_id="show", seconds_left=9))
        # not for the room at all: an order event
        paid = OrderPaid(store_id="s", order_id="o", show_id="show", total_amount=1, currency="EUR")
        bus.publish(paid)
        # store-wide and staff-only: low stock (issue 12 gave stock.low this consumer)
        bus.publish(StockLow(store_id="s", variant_id="v", sku="X", available=1))
        await eventually(lambda: hub.seq >= 1)
        await asyncio.sleep(0.05)
        frames = [m for m in drain(a) if m["type"] != "viewers"]
        assert [(m["type"], m["seconds_left"]) for m in frames] == [("test.countdown", 9)]
        assert "store_id" not in frames[0]
        staff = [m for m in drain(h) if m["type"] not in ("viewers", "metrics")]
        assert [m["type"] for m in staff] == ["test.staff_note", "test.countdown", "stock.low"]
        assert staff[0]["seq"] == 0  # staff-only frames never take a seq
        assert (staff[2]["sku"], staff[2]["available"], staff[2]["seq"]) == ("X", 1, 1)
        registry.close()

    run(scenario)


def test_idle_hub_is_forgotten() -> None:
    async def scenario() -> None:
        registry = RealtimeHub(None, HubLimits(idle_ttl=0.01))
        hub = registry.show("s", "show")
        hub.leave(hub.join(ALICE))
        await eventually(lambda: registry.get("show") is None)
        assert registry.show("s", "show").epoch != hub.epoch

    run(scenario)


def test_a_viewer_joining_during_an_interruption_is_told_so() -> None:
    async def scenario() -> None:
        bus = InProcessEventBus()
        registry = RealtimeHub(bus)
        hub = registry.show("s", "show", status="live")
        a = hub.join(ALICE)
        drain(a)
        at = ShowStarted(store_id="s", show_id="x").occurred_at
        bus.publish(ShowInterrupted(store_id="s", show_id="show", at=at, grace_seconds=60))
        await eventually(lambda: hub.status == "interrupted")
        late = hub.join(BOB)
        hello = drain(late)[0]
        assert hello["type"] == "hello"
        assert hello["show"]["status"] == "interrupted"
        bus.publish(ShowResumed(store_id="s", show_id="show", at=at))
        await eventually(lambda: hub.status == "live")
        registry.close()

    run(scenario)
