"""Word filter matching and flood detection: pure logic."""

from __future__ import annotations

import pytest

from castcart.moderation import FloodGuard, FloodLimits, WordFilterSet, fold
from castcart.moderation.filters import fold_term


@pytest.mark.parametrize(
    "text",
    [
        "this is a SCAM",
        "this is a scám",
        "this is a ｓｃａｍ",  # full-width
        "this is a 5c4m",
        "this is a s.c.a.m",
        "this is a s c a m!",
        "this is a sssscaaam",
        "$cam",
    ],
)
def test_blocked_term_survives_case_accents_and_obfuscation(text: str) -> None:
    filters = WordFilterSet([("scam", "block")])
    published, hits = filters.apply(text)
    assert published is None
    assert hits[0].term == "scam"


@pytest.mark.parametrize(
    "text", ["scampi are tasty", "a telescam? no, telescope", "mass assignment"]
)
def test_words_that_merely_contain_a_term_pass(text: str) -> None:
    filters = WordFilterSet([("scam", "block"), ("ass", "mask")])
    assert filters.apply(text)[0] == text


def test_mask_stars_out_exactly_the_original_characters() -> None:
    filters = WordFilterSet([("darn", "mask")])
    assert filters.apply("Well, D.Á.R.N it!")[0] == "Well, ******* it!"
    assert filters.apply("darn darn")[0] == "**** ****"


def test_block_wins_over_mask_and_unspaced_scripts_match_inside_text() -> None:
    filters = WordFilterSet([("fake", "mask"), ("FAKE", "block"), ("假货", "block")])
    assert len(filters) == 2
    assert filters.apply("so fake")[0] is None
    assert filters.apply("这是假货吗")[0] is None
    assert WordFilterSet().apply("anything") == ("anything", [])


def test_fold() -> None:
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert fold_term("s.c.4.m") == "scam"
    assert fold_term("...") == ""


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_flood_guard_repeats_and_strikes() -> None:
    clock = Clock()
    guard = FloodGuard(FloodLimits(repeat_window_s=30, strikes=3, strike_window_s=10), clock)
    guard.accepted(fold("Buy now"))
    assert guard.repeated(fold("buy   NOW"))
    clock.now = 31
    assert not guard.repeated(fold("buy now"))
    assert not guard.strike()
    assert not guard.strike()
    assert guard.strike()  # third within 10 s
    clock.now = 100
    assert not guard.strike()
    clock.now = 120
    assert not guard.strike()
    clock.now = 140
    assert not guard.strike()  # three, but spread over 40 s
