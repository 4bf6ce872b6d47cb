"""Bidi control characters in chat are neutralised on the server (an RLO reverses what a
viewer reads after it)."""

from __future__ import annotations

from castcart.realtime.frames import BIDI_CONTROLS, clean_text
from castcart.realtime.hub import ShowHub
from tests.realtime.test_hub import ALICE, BOB, chat, drain, of_type, run


def test_bidi_overrides_embeddings_and_isolates_are_stripped() -> None:
    assert clean_text("invoice\u202egpj.exe") == "invoicegpj.exe"
    every = "".join(sorted(BIDI_CONTROLS))
    assert {f"{c:04X}" for c in map(ord, every)} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069",
    }  # fmt: skip
    assert clean_text(f"a{every}b") == "ab"
    # the marks are not controls of embedding: an Arabic writer's RLM stays, as do letters
    assert clean_text("مرحبا\u200f!") == "مرحبا\u200f!"
    assert clean_text("line\nnext\ttab") == "line\nnext\ttab"


def test_a_chat_line_with_an_rlo_reaches_viewers_without_it() -> None:
    async def scenario() -> None:
        hub = ShowHub("s", "show")
        a, b = hub.join(ALICE), hub.join(BOB)
        drain(b)
        chat(hub, a, "pay here \u202ekcilc\u202c now \u2067x\u2069")
        got = of_type(drain(b), "chat.message")
        assert [m["text"] for m in got] == ["pay here kcilc now x"]
        chat(hub, a, "\u202e\u2066")  # nothing left: refused like a blank line
        assert [m["code"] for m in drain(a) if m["type"] == "error"] == ["invalid_text"]

    run(scenario)
