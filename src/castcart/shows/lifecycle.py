"""The show state machine: scheduled → live → ended. Pure, no database."""

from __future__ import annotations

from enum import StrEnum

from castcart.core.errors import InvalidTransitionError


class ShowStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


ALLOWED: dict[ShowStatus, frozenset[ShowStatus]] = {
    ShowStatus.SCHEDULED: frozenset({ShowStatus.LIVE, ShowStatus.ENDED}),  # ended = cancelled
    ShowStatus.LIVE: frozenset({ShowStatus.ENDED}),
    ShowStatus.ENDED: frozenset(),
}


def check_transition(current: str, target: str) -> ShowStatus:
    source, destination = ShowStatus(current), ShowStatus(target)
    if destination not in ALLOWED[source]:
        raise InvalidTransitionError(
            f"a {source.value} show cannot become {destination.value}",
            details={
                "from": source.value,
                "to": destination.value,
                "allowed": sorted(s.value for s in ALLOWED[source]),
            },
        )
    return destination
