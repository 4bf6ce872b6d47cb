"""The one state-machine helper: a move between the states of an enum, allowed or refused
with the same ``InvalidTransitionError`` (409 ``invalid_transition``, the allowed targets in
``details``) for every domain that has a lifecycle (shows, orders)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from castcart.core.errors import InvalidTransitionError

S = TypeVar("S", bound=StrEnum)


def check_transition(
    allowed: Mapping[S, frozenset[S]], states: type[S], current: str, target: str, *, noun: str
) -> S:
    """``target`` as a state when ``allowed[current]`` holds it; else the error."""
    source, destination = states(current), states(target)
    if destination not in allowed[source]:
        raise InvalidTransitionError(
            f"a {source.value} {noun} cannot become {destination.value}",
            details={
                "from": source.value,
                "to": destination.value,
                "allowed": sorted(s.value for s in allowed[source]),
            },
        )
    return destination
