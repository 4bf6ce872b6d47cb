"""Flood protection beyond the per-connection token bucket, per viewer and show: the same
line again and again is refused (``repeated``), and a viewer who keeps hitting the limits
(rate, slow mode, repeats, blocked words) is muted for a while by the system."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FloodLimits:
    repeat_window_s: float = 30.0  # a line equal to one of the viewer's recent lines ...
    repeat_history: int = 3  # ... (the last N within the window) is refused
    strikes: int = 6  # refusals within ``strike_window_s`` that trigger an automatic mute
    strike_window_s: float = 30.0
    auto_mute_s: int = 60


class FloodGuard:
    """One viewer's recent lines and refusals in one show (kept per viewer, not per
    connection, so opening more sockets does not reset it)."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._lines: deque[tuple[float, str]] = deque(maxlen=limits.repeat_history)
        self._strikes: deque[float] = deque(maxlen=limits.strikes)

    def repeated(self, folded: str) -> bool:
        """True when ``folded`` (see ``filters.fold``) was among the recent lines."""
        now = self._clock()
        window = self.limits.repeat_window_s
        key = " ".join(folded.split())
        return any(line == key and now - at < window for at, line in self._lines)

    def accepted(self, folded: str) -> None:
        self._lines.append((self._clock(), " ".join(folded.split())))

    def strike(self) -> bool:
        """Count a refusal; True when the viewer crossed the line and should be muted."""
        now = self._clock()
        self._strikes.append(now)
        full = len(self._strikes) == self._strikes.maxlen
        if full and now - self._strikes[0] <= self.limits.strike_window_s:
            self._strikes.clear()
            return True
        return False
