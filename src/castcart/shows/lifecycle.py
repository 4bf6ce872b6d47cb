"""The show state machine: scheduled → live ⇄ interrupted → ended. Pure, no database.

``interrupted``: the video stream stopped unexpectedly while live; the show goes back to live
when the encoder reconnects within the grace period, and ends after it (``castcart.media``).
"""

from __future__ import annotations

from enum import StrEnum

from castcart.core import states


class ShowStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    INTERRUPTED = "interrupted"
    ENDED = "ended"


ALLOWED: dict[ShowStatus, frozenset[ShowStatus]] = {
    ShowStatus.SCHEDULED: frozenset({ShowStatus.LIVE, ShowStatus.ENDED}),  # ended = cancelled
    ShowStatus.LIVE: frozenset({ShowStatus.INTERRUPTED, ShowStatus.ENDED}),
    ShowStatus.INTERRUPTED: frozenset({ShowStatus.LIVE, ShowStatus.ENDED}),
    ShowStatus.ENDED: frozenset(),
}


# On air: the room is open (live prices, flash sales) even while the video is interrupted.
ON_AIR: frozenset[ShowStatus] = frozenset({ShowStatus.LIVE, ShowStatus.INTERRUPTED})


def is_on_air(status: str) -> bool:
    return status in ON_AIR


def check_transition(current: str, target: str) -> ShowStatus:
    return states.check_transition(ALLOWED, ShowStatus, current, target, noun="show")
