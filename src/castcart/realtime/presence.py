"""Who is in a room: viewers on this node (by country and language), every node's total
when a channel shares the show, the peak, and the coalesced ``viewers`` frame."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from castcart.realtime.connection import Viewer

if TYPE_CHECKING:
    import asyncio

    from castcart.realtime.hub import ShowHub


class RoomPresence:
    def __init__(self, room: ShowHub) -> None:
        self.room = room
        self.peak_viewers = 0
        self.cluster_viewers: int | None = None  # every node's viewers (Redis presence)
        self.cluster_countries: dict[str, int] = {}
        self.cluster_langs: dict[str, int] = {}
        self._countries: Counter[str] = Counter()
        self._langs: Counter[str] = Counter()
        self._handle: asyncio.TimerHandle | None = None
        self._sent: int | None = None
        self._flushed_at = float("-inf")

    @property
    def audience(self) -> int:
        """Connections on every node sharing the show (this node's without a channel)."""
        if self.room.channel is not None and self.cluster_viewers is not None:
            return self.cluster_viewers
        return self.room.viewer_count

    def joined(self, viewer: Viewer) -> None:
        if viewer.country:
            self._countries[viewer.country] += 1
        if viewer.lang:
            self._langs[viewer.lang] += 1
        self.peak_viewers = max(self.peak_viewers, self.audience)
        self.schedule()
        if self.room.activity is not None:
            self.room.activity.joined(self.room.store_id, self.room.show_id, viewer)

    def left(self, viewer: Viewer) -> None:
        if viewer.country:
            self._countries[viewer.country] -= 1
        if viewer.lang:
            self._langs[viewer.lang] -= 1
        self.schedule()
        if self.room.activity is not None:
            self.room.activity.left(self.room.store_id, self.room.show_id, viewer)

    def languages(self) -> frozenset[str]:
        """Languages of the show's viewers now (every node's, with a channel)."""
        langs = self.cluster_langs if self.room.channel is not None else self._langs
        return frozenset(k for k, v in langs.items() if v > 0)

    def countries(self) -> dict[str, int]:
        countries = self.cluster_countries if self.room.channel is not None else self._countries
        return {k: v for k, v in countries.items() if v > 0}

    def snapshot(self) -> dict[str, Any]:
        """This node's share of the audience, for the cluster's presence sum."""
        return {
            "n": self.room.viewer_count,
            "cc": {k: v for k, v in self._countries.items() if v > 0},
            "lg": {k: v for k, v in self._langs.items() if v > 0},
        }

    def set_cluster(
        self, total: int, peak: int, countries: dict[str, int], langs: dict[str, int]
    ) -> None:
        self.cluster_viewers = total
        self.peak_viewers = max(self.peak_viewers, peak, total)
        self.cluster_countries = countries
        self.cluster_langs = langs

    def observe(self, count: int) -> None:
        """A ``viewers`` frame from the shared sequence."""
        self.cluster_viewers = count
        self.peak_viewers = max(self.peak_viewers, count)

    def schedule(self) -> None:
        """At most one ``viewers`` frame per ``viewers_interval``."""
        if self._handle is None:
            room = self.room
            delay = max(0.0, self._flushed_at + room.limits.viewers_interval - room.clock())
            self._handle = room.loop.call_later(delay, self._flush)

    def _flush(self) -> None:
        room = self.room
        self._handle = None
        self._flushed_at = room.clock()
        if room.channel is not None:
            room.channel.presence()  # Redis sums every node's share and numbers the frame
            return
        count = room.viewer_count
        self.peak_viewers = max(self.peak_viewers, count)
        if count != self._sent and count:
            self._sent = count
            room.broadcast("viewers", {"count": count})

    @property
    def flush_scheduled(self) -> bool:
        return self._handle is not None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
