"""Fail points: named places where a crash test can make this process die, for real.

``failpoint("checkout.after_reserve")`` does nothing unless the operator armed that point
with ``CASTCART_FAILPOINTS`` (comma-separated ``name``, ``name=kill`` or
``name=kill:after=N``: the first N passes go through, the next one kills). A firing point
sends SIGKILL to its own process: no ``finally``, no rollback by Python, no flush; what
survives is what the database had committed, as after a power cut or the OOM killer.

Unarmed (the default and the only state in production) a point is one dictionary-emptiness
check. Arming is refused in production (``arm`` raises, and ``Settings`` refuses
``CASTCART_FAILPOINTS`` there at start-up), and names must be in ``POINTS`` so a typo in a
test fails loudly instead of never firing.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

ENV = "CASTCART_FAILPOINTS"

# Every point the code has, and where it sits (docs/security.md lists them too).
POINTS: dict[str, str] = {
    "checkout.after_reserve": "stock reserved, order written, transaction not committed",
    "checkout.after_commit": "order committed and published, before the HTTP response",
    "payment.after_gateway_success": (
        "a succeeded webhook verified and matched, before the order is marked paid"
    ),
    "payment.after_commit": "order paid and committed, before its events are published",
    "expiry.after_release": "an expired order's stock released, transaction not committed",
    "outbox.after_publish": "the relay republished an event, before marking it delivered",
}


class FailpointError(ValueError):
    """A malformed or forbidden ``CASTCART_FAILPOINTS``."""


@dataclass
class _Armed:
    after: int  # passes that go through before the kill
    hits: int = 0


_armed: dict[str, _Armed] = {}
_lock = threading.Lock()


def parse(spec: str) -> dict[str, int]:
    """``"a,b=kill:after=2"`` → ``{"a": 0, "b": 2}`` (passes before the kill)."""
    points: dict[str, int] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, _, action = item.partition("=")
        name = name.strip()
        if name not in POINTS:
            raise FailpointError(f"{ENV}: unknown fail point {name!r}; known: {sorted(POINTS)}")
        verb, _, option = action.partition(":")
        if verb.strip() not in ("", "kill"):
            raise FailpointError(f"{ENV}: {name}: the only action is 'kill', not {verb!r}")
        after = 0
        if option:
            key, _, value = option.partition("=")
            if key.strip() != "after" or not value.strip().isdigit():
                raise FailpointError(f"{ENV}: {name}: expected 'kill:after=N', got {action!r}")
            after = int(value)
        points[name] = after
    return points


def arm(spec: str, *, environment: str) -> None:
    """Arm the points ``spec`` names (replacing any armed before); empty disarms."""
    points = parse(spec)
    if points and environment == "production":
        raise FailpointError(f"{ENV} is set; fail points are refused in production")
    with _lock:
        _armed.clear()
        _armed.update({name: _Armed(after) for name, after in points.items()})
    if points:
        log.warning("fail points armed (this process will kill itself): %s", sorted(points))


def armed() -> list[str]:
    return sorted(_armed)


def failpoint(name: str) -> None:
    """Die here (SIGKILL) if ``name`` is armed and its passes are used up."""
    if not _armed:  # the production path: nothing armed, nothing to do
        return
    point = _armed.get(name)
    if point is None:
        return
    with _lock:
        point.hits += 1
        fire = point.hits > point.after
    if fire:
        log.warning("fail point %s: SIGKILL to pid %d", name, os.getpid())
        os.kill(os.getpid(), signal.SIGKILL)
