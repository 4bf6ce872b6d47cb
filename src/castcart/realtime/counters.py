"""A room's live counters: likes (aggregated into one ``likes`` frame per interval, or
added to the shared total through the channel), chat lines per minute, and the ``metrics``
frames staff connections get every few seconds."""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from castcart.realtime.connection import Connection
from castcart.realtime.metrics import Counters, LiveFigures, MetricsBook, figures

if TYPE_CHECKING:
    import asyncio

    from castcart.realtime.hub import ShowHub

log = logging.getLogger(__name__)


class RoomCounters:
    def __init__(self, room: ShowHub, book: MetricsBook | None, currency: str) -> None:
        self.room = room
        self.book = book
        self.currency = currency
        self.likes_total = 0
        self.likes_sent_total = 0
        self._likes_unsent = 0  # likes of this node not yet handed to the channel
        self._likes_handle: asyncio.TimerHandle | None = None
        self._likes_flushed_at = float("-inf")
        self._chat_seen: deque[tuple[float, int]] = deque()  # (time, lines) for chat_per_min
        self._chat_seen_total = 0
        self._metrics_handle: asyncio.TimerHandle | None = None

    def seed_likes(self, total: int) -> None:
        """The shared total when a node joins the show."""
        self.likes_total = self.likes_sent_total = total

    def observe_likes(self, total: int) -> None:
        self.likes_total = max(self.likes_total, total)

    # -- likes --------------------------------------------------------------------------

    def like(self, conn: Connection) -> None:
        if not conn.like_bucket.take():
            return  # flood: ignored silently, likes are aggregated anyway
        room = self.room
        if room.activity is not None:
            room.activity.interacted(room.store_id, room.show_id, conn.viewer, "like")
        if room.channel is None:
            self.likes_total += 1
        else:
            self._likes_unsent += 1
        if self._likes_handle is None:
            delay = max(0.0, self._likes_flushed_at + room.limits.likes_interval - room.clock())
            self._likes_handle = room.loop.call_later(delay, self._flush_likes)

    def _flush_likes(self) -> None:
        room = self.room
        self._likes_handle = None
        self._likes_flushed_at = room.clock()
        if room.channel is not None:
            if self._likes_unsent:
                room.channel.add_likes(self._likes_unsent)
                self._likes_unsent = 0
            return
        if self.likes_total != self.likes_sent_total:
            delta = self.likes_total - self.likes_sent_total
            self.likes_sent_total = self.likes_total
            room.broadcast("likes", {"total": self.likes_total, "delta": delta})

    # -- chat rate ----------------------------------------------------------------------

    def count_chat(self, lines: int) -> None:
        self._chat_seen.append((self.room.clock(), lines))
        self._chat_seen_total += lines

    def chat_per_min(self) -> int:
        horizon = self.room.clock() - 60.0
        seen = self._chat_seen
        while seen and seen[0][0] < horizon:
            self._chat_seen_total -= seen.popleft()[1]
        return self._chat_seen_total

    # -- metrics ------------------------------------------------------------------------

    def live_figures(self) -> LiveFigures:
        presence = self.room.presence
        audience = presence.audience
        return LiveFigures(
            viewers=audience,
            peak_viewers=max(presence.peak_viewers, audience),
            likes=self.likes_total,
            chat_per_min=self.chat_per_min(),
            countries=presence.countries(),
        )

    def schedule_metrics(self) -> None:
        interval = self.room.limits.metrics_interval
        if self._metrics_handle is None and interval > 0:
            self._metrics_handle = self.room.loop.call_later(interval, self._tick_metrics)

    def _tick_metrics(self) -> None:
        room = self.room
        self._metrics_handle = None
        if not any(c.viewer.is_staff for c in room.connections):
            return  # the next staff connection starts the ticks again
        room.spawn(self._send_metrics())
        self._metrics_handle = room.loop.call_later(
            room.limits.metrics_interval, self._tick_metrics
        )

    async def metrics(self) -> dict[str, Any]:
        """The figures of a ``metrics`` frame (counters read in a thread: maybe Redis)."""
        room = self.room
        counters = Counters()
        if self.book is not None:
            counters = await room.loop.run_in_executor(
                room.executor, self.book.counters, room.store_id, room.show_id
            )
        return figures(self.live_figures(), counters, self.currency)

    async def _send_metrics(self) -> None:
        try:
            payload = await self.metrics()
        except Exception:
            log.exception("metrics of show %s failed", self.room.show_id)
            return
        self.room.send_staff("metrics", payload)

    def close(self) -> None:
        for handle in (self._likes_handle, self._metrics_handle):
            if handle is not None:
                handle.cancel()
