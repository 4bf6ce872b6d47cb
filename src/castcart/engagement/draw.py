"""The giveaway draw: commit-reveal with a secret seed, winners ranked by HMAC.

Pure functions, no database, so that anyone can re-run the draw from what is published
(``docs/engagement.md`` gives the same algorithm in a few lines of any language):

1. At opening the server makes a 32-byte seed with ``secrets`` and publishes only
   ``commitment = sha256(seed)`` (hex). The seed cannot then be picked to suit the entrants.
2. Each entry gets a public ticket (an opaque id).
3. At the draw every ticket is scored ``HMAC-SHA256(key=seed, msg=ticket as UTF-8)`` (hex);
   tickets are ranked by (score, ticket) ascending and the first ``winners_count`` win.
4. The seed is revealed with the sorted ticket list, so the draw can be recomputed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

ALGORITHM = "hmac-sha256-rank-v1"
SEED_BYTES = 32


def new_seed() -> str:
    """A fresh secret seed, hex encoded."""
    return secrets.token_hex(SEED_BYTES)


def commitment(seed_hex: str) -> str:
    """``sha256`` of the seed's bytes, hex: what is published before the draw."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def ticket_score(seed_hex: str, ticket: str) -> str:
    return hmac.new(bytes.fromhex(seed_hex), ticket.encode("utf-8"), hashlib.sha256).hexdigest()


def draw_winners(seed_hex: str, tickets: Iterable[str], winners_count: int) -> list[str]:
    """The winning tickets in rank order; fewer than ``winners_count`` if fewer entered.

    The result depends only on the seed and the *set* of tickets, not their order."""
    if winners_count < 0:
        raise ValueError("winners_count must not be negative")
    unique = sorted(set(tickets))
    ranked = sorted(unique, key=lambda t: (ticket_score(seed_hex, t), t))
    return ranked[:winners_count]


def verify_draw(
    seed_hex: str,
    published_commitment: str,
    tickets: Iterable[str],
    winners_count: int,
    winners: list[str],
) -> bool:
    """True when the seed matches its commitment and re-drawing gives the same winners."""
    try:
        committed = hmac.compare_digest(commitment(seed_hex), published_commitment)
    except ValueError:  # not hex
        return False
    return committed and draw_winners(seed_hex, tickets, winners_count) == winners
