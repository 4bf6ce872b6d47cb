"""Engagement events survive the trip through a Redis envelope and become room frames."""

from __future__ import annotations

import json

from castcart.events import ShowBroadcast
from castcart.events.types import (
    GiveawayDrawn,
    GiveawayOpened,
    GiveawayWinner,
    PollClosed,
    PollOpened,
    PollResults,
    QuizQuestion,
    QuizRevealed,
    event_from_envelope,
)

EVENTS: list[ShowBroadcast] = [
    PollOpened(
        store_id="s", show_id="sh", poll_id="p", question="Q?", options=["A", "B"], counts=[0, 0]
    ),
    PollResults(store_id="s", show_id="sh", poll_id="p", counts=[2, 1], total=3),
    PollClosed(store_id="s", show_id="sh", poll_id="p", counts=[2, 1], total=3),
    GiveawayOpened(
        store_id="s",
        show_id="sh",
        giveaway_id="g",
        title="T",
        prize="P",
        winners_count=1,
        commitment="c" * 64,
        algorithm="hmac-sha256-rank-v1",
    ),
    GiveawayDrawn(
        store_id="s",
        show_id="sh",
        giveaway_id="g",
        winners=[GiveawayWinner(ticket="t1", display_name="Maya")],
        seed="a" * 64,
        commitment="c" * 64,
        algorithm="hmac-sha256-rank-v1",
        entrant_count=3,
    ),
    QuizQuestion(
        store_id="s",
        show_id="sh",
        quiz_id="q",
        question="Q?",
        options=["A", "B"],
        reward_percent_off=10,
    ),
    QuizRevealed(
        store_id="s", show_id="sh", quiz_id="q", correct_index=1, correct_count=2, answer_count=5
    ),
]


def test_round_trip_and_frame_names() -> None:
    names = set()
    for event in EVENTS:
        envelope = json.loads(json.dumps(event.envelope()))
        rebuilt = event_from_envelope(envelope)
        assert rebuilt == event
        assert event.frame_type == event.type
        assert event.audience == "all"
        assert {"id", "store_id", "show_id"}.isdisjoint(event.frame_payload())
        names.add(event.frame_type)
    assert names == {
        "poll.opened",
        "poll.results",
        "poll.closed",
        "giveaway.opened",
        "giveaway.drawn",
        "quiz.question",
        "quiz.revealed",
    }
    question = next(e for e in EVENTS if isinstance(e, QuizQuestion))
    assert "correct_index" not in question.frame_payload()
