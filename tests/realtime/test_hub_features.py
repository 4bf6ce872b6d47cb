"""Batching, translation, moderation, flood protection and metrics in the hub itself (no
web server): a fake translator and a fake moderation port stand in for their interfaces."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import timedelta
from typing import Any

from castcart.core.clock import utcnow
from castcart.events import (
    CartItemAdded,
    ChatPosted,
    DomainEvent,
    InProcessEventBus,
    ModerationActionTaken,
    OrderCreated,
    OrderPaid,
)
from castcart.moderation import WordFilterSet
from castcart.moderation.flood import FloodLimits
from castcart.realtime import (
    Close,
    HubLimits,
    ModerationCommand,
    ModerationRefused,
    RealtimeHub,
    ShowHub,
    Viewer,
)
from castcart.realtime.metrics import LocalMetricsBook, attach
from tests.realtime.test_hub import (
    ALICE,
    BOB,
    HOST,
    FakeClock,
    chat,
    drain,
    eventually,
    of_type,
    run,
)

MOD = Viewer(id="m", display_name="Mo", role="moderator")


def lines(messages: list[dict[str, Any]]) -> list[str]:
    """Chat texts in order, whether they came one per frame or batched."""
    out: list[str] = []
    for m in messages:
        if m["type"] == "chat.message":
            out.append(m["text"])
        elif m["type"] == "chat.batch":
            out.extend(line["text"] for line in m["messages"])
    return out


def test_busy_chat_is_batched_per_tick_and_calm_chat_is_not() -> None:
    async def scenario() -> None:
        limits = HubLimits(chat_burst=1000, chat_batch_after=3, chat_batch_interval=0.05)
        hub = ShowHub("s", "show", limits=limits)
        a, b = hub.join(ALICE), hub.join(BOB)
        drain(b)
        chat(hub, a, "calm one")
        chat(hub, a, "calm two")
        assert [m["type"] for m in drain(b)] == ["chat.message", "chat.message"]
        for n in range(30):
            chat(hub, a, f"busy {n}")
        await eventually(lambda: not hub.chat.pending)
        frames = [m for m in drain(b) if m["type"].startswith("chat.")]
        assert lines(frames) == [f"busy {n}" for n in range(30)]
        batches = of_type(frames, "chat.batch")
        assert batches, "busy chat leaves in batches"
        assert len(frames) < 30
        seqs = [m["seq"] for m in frames]
        assert seqs == sorted(seqs)
        assert len(set(seqs)) == len(seqs)  # one seq per frame, batch or not
        line = batches[0]["messages"][0]
        assert {"id", "author", "author_id", "role", "text", "lang", "at"} <= set(line)
        # a batch is encoded once: the same string is queued for every viewer
        assert a._frames[-1][0] is b._frames[-1][0] if a._frames and b._frames else True

    run(scenario)


class FakeTranslator:
    """Upper-cases into every target except the source it claims."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, frozenset[str], str]] = []

    def translate(self, text: str, targets: frozenset[str]) -> tuple[str | None, dict[str, str]]:
        self.calls.append((text, targets, threading.current_thread().name))
        return "en", {lang: f"[{lang}] {text.upper()}" for lang in targets if lang != "en"}


def test_chat_is_sent_at_once_then_translated_off_the_loop_for_present_languages() -> None:
    async def scenario() -> None:
        translator = FakeTranslator()
        registry = RealtimeHub(None, translator_for=lambda store: translator)
        hub = registry.show("s", "show")
        es = hub.join(Viewer("x", "Xi", "shopper", lang="es"))
        hub.join(Viewer("y", "Yo", "shopper", lang="fr"))
        hub.join(Viewer("z", "Zed", "shopper", lang="fr"))
        en = hub.join(Viewer("e", "Em", "shopper", lang="en"))
        drain(es)
        chat(hub, en, "is it silk?")
        first = drain(es)
        assert of_type(first, "chat.message")[0]["text"] == "is it silk?"
        assert of_type(first, "chat.message")[0]["lang"] == "en"  # the author's page language
        await eventually(lambda: bool(es.pending))
        translated = of_type(drain(es), "chat.translated")[0]
        message_id = of_type(first, "chat.message")[0]["id"]
        assert translated["message_id"] == message_id
        assert translated["lang"] == "en"
        assert translated["translations"] == {
            "es": "[es] IS IT SILK?",
            "fr": "[fr] IS IT SILK?",
        }
        assert len(translator.calls) == 1  # once per line, for every language together
        text, targets, thread = translator.calls[0]
        assert targets == frozenset({"es", "fr", "en"})
        assert thread != threading.current_thread().name  # not on the event loop
        registry.close()

    run(scenario)


class FakePort:
    """Persists nothing; publishes the event the real port would publish after its commit."""

    def __init__(self, bus: InProcessEventBus, filters: WordFilterSet | None = None) -> None:
        self.bus = bus
        self.commands: list[ModerationCommand] = []
        self._filters = filters or WordFilterSet()

    def filters(self, store_id: str) -> WordFilterSet:
        return self._filters

    def act(self, command: ModerationCommand) -> None:
        if command.viewer_id == "staff-id":
            raise ModerationRefused("viewer_not_found", "staff cannot be muted")
        self.commands.append(command)
        until = utcnow() + timedelta(seconds=command.seconds or 0)
        self.bus.publish(
            ModerationActionTaken(
                store_id=command.store_id,
                action_id=f"a{len(self.commands)}",
                show_id=None if command.action == "ban" else command.show_id,
                action=command.action,
                actor_id=command.actor.id if command.actor else None,
                actor_role=command.actor.role if command.actor else "system",
                target_viewer_id=command.viewer_id,
                message_id=command.message_id,
                seconds=command.seconds,
                until=until if command.action == "mute" else None,
                reason=command.reason,
            )
        )


def send(hub: ShowHub, conn: Any, **message: Any) -> None:
    hub.receive(conn, json.dumps(message))


def test_staff_moderate_over_the_socket_and_shoppers_cannot() -> None:
    async def scenario() -> None:
        bus = InProcessEventBus()
        port = FakePort(bus)
        registry = RealtimeHub(bus, moderation=port)
        hub = await registry.open("s", "show")
        a, b, mod = hub.join(ALICE), hub.join(BOB), hub.join(MOD)
        for c in (a, b, mod):
            drain(c)
        chat(hub, a, "buy followers at spam.example")
        message_id = of_type(drain(b), "chat.message")[0]["id"]
        send(hub, b, type="mod.delete", message_id=message_id, ref="x")
        assert of_type(drain(b), "error")[0]["code"] == "forbidden"
        send(hub, mod, type="mod.delete", message_id=message_id, reason="spam")
        await eventually(lambda: any(m["type"] == "chat.deleted" for m in drain_keep(b)))
        assert port.commands[0].viewer_id == "a"  # the author, known to the hub
        send(hub, mod, type="mod.mute", viewer_id="a", seconds=60)
        await eventually(lambda: "a" in hub.moderation.mutes)
        chat(hub, a, "let me talk")
        errors = of_type(drain(a), "error")
        assert errors[-1]["code"] == "muted"
        assert errors[-1]["until"]
        send(hub, mod, type="mod.mute", viewer_id="staff-id", seconds=5, ref=7)
        await eventually(lambda: bool(of_type(drain_keep(mod), "error")))
        staff_frames = drain(mod)
        refused = of_type(staff_frames, "error")[0]
        assert (refused["code"], refused["ref"]) == ("viewer_not_found", 7)
        send(hub, mod, type="mod.mute", viewer_id="a", seconds=0)
        staff_frames += drain(mod)
        assert of_type(staff_frames, "error")[1]["code"] == "bad_message"
        send(hub, mod, type="mod.slow_mode", seconds=30)
        await eventually(lambda: hub.slow_mode_seconds == 30)
        send(hub, mod, type="mod.ban", viewer_id="b")
        await eventually(lambda: b.closed)
        assert await b.next_frame() == Close(4403, "banned")
        assert hub.join(BOB).closed  # a banned viewer cannot come back to this room
        actions = of_type(staff_frames + drain(mod), "moderation.action")
        assert [f["action"] for f in actions] == ["delete", "mute", "slow_mode", "ban"]
        assert not of_type(drain(a), "moderation.action")  # staff only
        registry.close()

    run(scenario)


def drain_keep(conn: Any) -> list[dict[str, Any]]:
    """What is queued, without consuming it."""
    return [json.loads(frame) for frame, _ in conn._frames]


def test_word_filters_mask_or_block_and_flooders_get_muted() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        bus = InProcessEventBus()
        port = FakePort(bus, WordFilterSet([("scam", "block"), ("darn", "mask")]))
        limits = HubLimits(flood=FloodLimits(strikes=3, auto_mute_s=30))
        registry = RealtimeHub(bus, limits, clock, moderation=port)
        hub = await registry.open("s", "show")
        a, host = hub.join(ALICE), hub.join(HOST)
        drain(a)
        chat(hub, a, "DÁRN it")
        assert lines(drain(a)) == ["**** it"]
        chat(hub, a, "total s.c.4.m")
        assert of_type(drain(a), "error")[0]["code"] == "blocked_word"
        chat(hub, host, "no scam here, I promise")  # staff lines are not filtered
        assert lines(drain(a)) == ["no scam here, I promise"]
        chat(hub, a, "same again")
        chat(hub, a, "Same  again")
        assert of_type(drain(a), "error")[0]["code"] == "repeated"
        chat(hub, a, "scam")  # the third refusal in the window: muted by the system
        await eventually(lambda: bool(port.commands))
        assert port.commands[0].actor is None
        assert port.commands[0].reason == "flood"
        chat(hub, a, "hello?")
        assert of_type(drain(a), "error")[-1]["code"] == "muted"
        registry.close()

    run(scenario)


def test_staff_chat_is_published_and_metrics_reach_staff_only() -> None:
    async def scenario() -> None:
        bus = InProcessEventBus()
        book = LocalMetricsBook()
        attach(book, bus)
        posted: list[DomainEvent] = []
        bus.subscribe(ChatPosted.type, posted.append)
        registry = RealtimeHub(bus, HubLimits(metrics_interval=0.02), book=book)
        hub = registry.show("s", "show", currency="EUR")
        a = hub.join(Viewer("a", "Al", "shopper", lang="de", country="DE"))
        hub.join(Viewer("b", "Bo", "shopper", country="FR"))
        host = hub.join(Viewer("h", "Hana", "host", lang="en"))
        chat(hub, a, "hi")
        chat(hub, host, "welcome!")
        await eventually(lambda: len(posted) == 1)
        assert posted[0].model_dump(include={"author_id", "role", "text", "lang"}) == {
            "author_id": "h",
            "role": "host",
            "text": "welcome!",
            "lang": "en",
        }
        bus.publish(
            CartItemAdded(store_id="s", shopper_id="a", variant_id="v", quantity=1, show_id="show")
        )
        bus.publish(
            CartItemAdded(store_id="s", shopper_id="a", variant_id="v", quantity=1, show_id="other")
        )
        common = {"store_id": "s", "order_id": "o", "show_id": "show", "total_amount": 2500}
        bus.publish(OrderCreated(**common, currency="EUR", item_count=1))
        bus.publish(OrderPaid(**common, currency="EUR"))
        bus.publish(OrderPaid(**{**common, "order_id": "p"}, currency="USD"))
        hub.receive(a, '{"type": "like"}')

        def figures() -> dict[str, Any] | None:
            frames = of_type(drain_keep(host), "metrics")
            return frames[-1] if frames and frames[-1]["likes"] == 1 else None

        await eventually(lambda: figures() is not None)
        metrics = figures()
        assert metrics is not None
        assert metrics["viewers"] == 3
        assert metrics["peak_viewers"] == 3
        assert metrics["chat_per_min"] == 2
        assert metrics["add_to_carts"] == 1
        assert metrics["orders"] == 1
        assert (metrics["gmv_amount"], metrics["currency"]) == (2500, "EUR")
        assert metrics["gmv_by_currency"] == {"EUR": 2500, "USD": 2500}
        assert metrics["countries"] == {"DE": 1, "FR": 1}
        assert not of_type(drain(a), "metrics")
        registry.close()

    asyncio.run(asyncio.wait_for(scenario(), 10))
