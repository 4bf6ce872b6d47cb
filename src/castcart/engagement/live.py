"""Live poll results: votes touch a coalescer; a background thread reads the counts and
publishes ``poll.results`` at most once per poll per interval on this node.

A vote storm of thousands per second therefore costs one ``GROUP BY`` and one frame per poll
per interval, not one per vote. With several app nodes each node coalesces its own votes
(frames per poll ≤ nodes / interval); every frame carries absolute counts, so the order of
frames from different nodes only matters within the interval.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from castcart.core.db import Database
from castcart.engagement.coalesce import CoalescingRunner
from castcart.engagement.models import Poll
from castcart.engagement.service import poll_counts
from castcart.events import DomainEvent, EventBus
from castcart.events.types import PollResults

RESULTS_INTERVAL_S = 0.5


class PollResultsPublisher:
    """One per app. ``lock`` orders a results frame against the poll's ``poll.closed`` on
    this node: a flush that read an open poll publishes before the close, never after."""

    def __init__(self, db: Database, bus: EventBus, interval: float = RESULTS_INTERVAL_S) -> None:
        self.db = db
        self.bus = bus
        self.lock = threading.Lock()
        self.runner = CoalescingRunner(interval, self._flush, name="castcart-poll-results")

    def vote_counted(self, poll_id: str) -> None:
        self.runner.touch(poll_id)

    def publish_close(self, poll_id: str, events: Iterable[DomainEvent]) -> None:
        with self.lock:
            self.runner.cancel(poll_id)
            for event in events:
                self.bus.publish(event)

    def _flush(self, poll_id: str) -> None:
        with self.lock:
            with self.db.read() as session:
                poll = session.get(Poll, poll_id)
                if poll is None or poll.status != "open":
                    return  # the close frame carries the final counts
                counts = poll_counts(session, poll)
                event = PollResults(
                    store_id=poll.store_id,
                    show_id=poll.show_id,
                    poll_id=poll.id,
                    counts=counts,
                    total=sum(counts),
                )
            self.bus.publish(event)

    def close(self) -> None:
        self.runner.close()
