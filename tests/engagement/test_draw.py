"""The giveaway draw, recomputed independently of the implementation."""

from __future__ import annotations

import hashlib
import hmac
import random

import pytest

from castcart.engagement import draw


def reference_draw(seed_hex: str, tickets: list[str], n: int) -> list[str]:
    """The algorithm as documented in docs/engagement.md, written out again."""
    key = bytes.fromhex(seed_hex)
    scored = sorted(
        (hmac.new(key, t.encode(), hashlib.sha256).hexdigest(), t) for t in sorted(set(tickets))
    )
    return [t for _, t in scored[:n]]


def test_commitment_is_sha256_of_the_seed_bytes() -> None:
    seed = draw.new_seed()
    assert len(seed) == 64
    assert draw.commitment(seed) == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    assert draw.new_seed() != seed


def test_draw_matches_the_documented_algorithm() -> None:
    rng = random.Random(7)
    for _ in range(50):
        seed = "".join(rng.choice("0123456789abcdef") for _ in range(64))
        tickets = [f"{rng.getrandbits(64):016x}" for _ in range(rng.randint(0, 40))]
        n = rng.randint(1, 5)
        assert draw.draw_winners(seed, tickets, n) == reference_draw(seed, tickets, n)


def test_draw_ignores_order_and_duplicates_and_depends_on_the_seed() -> None:
    tickets = [f"t{i:03d}" for i in range(100)]
    seed = "ab" * 32
    winners = draw.draw_winners(seed, tickets, 3)
    assert len(winners) == 3 == len(set(winners))
    assert draw.draw_winners(seed, list(reversed(tickets)) + tickets[:10], 3) == winners
    assert draw.draw_winners("cd" * 32, tickets, 3) != winners
    # more winners than entrants: everyone wins, in rank order
    assert sorted(draw.draw_winners(seed, tickets[:2], 5)) == tickets[:2]
    assert draw.draw_winners(seed, [], 3) == []
    with pytest.raises(ValueError, match="negative"):
        draw.draw_winners(seed, tickets, -1)


def test_winners_are_spread_fairly() -> None:
    """Each of 10 tickets wins a 1-winner draw about 1/10 of the time over 2000 seeds."""
    tickets = [f"ticket-{i}" for i in range(10)]
    wins = dict.fromkeys(tickets, 0)
    for n in range(2000):
        seed = hashlib.sha256(str(n).encode()).hexdigest()
        wins[draw.draw_winners(seed, tickets, 1)[0]] += 1
    assert min(wins.values()) > 120, wins
    assert max(wins.values()) < 290, wins


def test_verify_detects_tampering() -> None:
    seed = draw.new_seed()
    tickets = ["a", "b", "c", "d"]
    winners = draw.draw_winners(seed, tickets, 2)
    commit = draw.commitment(seed)
    assert draw.verify_draw(seed, commit, tickets, 2, winners)
    assert not draw.verify_draw(seed, commit, tickets, 2, list(reversed(winners)))
    assert not draw.verify_draw(draw.new_seed(), commit, tickets, 2, winners)
    assert not draw.verify_draw("not hex", commit, tickets, 2, winners)
    other = [t for t in tickets if t not in winners] + winners[:1]
    assert not draw.verify_draw(seed, commit, other, 2, winners)
