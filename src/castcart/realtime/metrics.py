"""Live figures of a show for the host console (``metrics`` frames and
``GET /api/v1/shows/{id}/metrics``).

Counters that come from domain events (add-to-carts, orders, GMV) are kept per show by a
``MetricsBook``: in memory for one process, or in a Redis hash when nodes share shows. Both
subscribe ``local_only``: each event is counted once, by the node that published it. Figures
that describe the room (viewers, peak, likes, chat per minute, countries) come from the hub.
Figures are live operational numbers since the process (or the Redis keys) started; the
post-show report is the durable record.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from castcart.events import CartItemAdded, DomainEvent, EventBus, OrderCreated, OrderPaid

COUNTED_EVENTS = (CartItemAdded.type, OrderCreated.type, OrderPaid.type)


@dataclass
class Counters:
    add_to_carts: int = 0
    orders: int = 0
    gmv: dict[str, int] = field(default_factory=dict)  # currency -> paid total (minor units)


@dataclass
class LiveFigures:
    viewers: int = 0
    peak_viewers: int = 0
    likes: int = 0
    chat_per_min: int = 0
    countries: dict[str, int] = field(default_factory=dict)


def figures(live: LiveFigures, counters: Counters, currency: str) -> dict[str, Any]:
    """The payload of a ``metrics`` frame and of the HTTP endpoint. ``gmv_amount`` is the
    paid total in the store currency; orders paid in another (presentment) currency are in
    ``gmv_by_currency`` only (no FX guess here)."""
    return {
        "viewers": live.viewers,
        "peak_viewers": max(live.peak_viewers, live.viewers),
        "chat_per_min": live.chat_per_min,
        "likes": live.likes,
        "add_to_carts": counters.add_to_carts,
        "orders": counters.orders,
        "gmv_amount": counters.gmv.get(currency, 0),
        "currency": currency,
        "gmv_by_currency": dict(sorted(counters.gmv.items())),
        "countries": dict(sorted(live.countries.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


class MetricsBook(Protocol):
    def record(self, event: DomainEvent) -> None: ...

    def counters(self, store_id: str, show_id: str) -> Counters: ...

    def live(self, store_id: str, show_id: str) -> LiveFigures | None:
        """Room figures when the book holds them (Redis), else None (ask the hub)."""
        ...


def _show_of(event: DomainEvent) -> str | None:
    show_id = getattr(event, "show_id", None)
    return show_id if isinstance(show_id, str) and show_id else None


class LocalMetricsBook:
    """Counters in memory; bus handlers run on publisher threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, str], Counters] = defaultdict(Counters)

    def record(self, event: DomainEvent) -> None:
        show_id = _show_of(event)
        if show_id is None:
            return
        with self._lock:
            c = self._counters[(event.store_id, show_id)]
            if isinstance(event, CartItemAdded):
                c.add_to_carts += 1
            elif isinstance(event, OrderCreated):
                c.orders += 1
            elif isinstance(event, OrderPaid):
                c.gmv[event.currency] = c.gmv.get(event.currency, 0) + event.total_amount

    def counters(self, store_id: str, show_id: str) -> Counters:
        with self._lock:
            c = self._counters.get((store_id, show_id))
            return Counters(c.add_to_carts, c.orders, dict(c.gmv)) if c else Counters()

    def live(self, store_id: str, show_id: str) -> LiveFigures | None:
        return None


def attach(book: MetricsBook, bus: EventBus) -> Callable[[], None]:
    """Subscribe ``book`` to the counted events (``local_only``: counted once per cluster)."""
    unsubscribes = [bus.subscribe(kind, book.record, local_only=True) for kind in COUNTED_EVENTS]

    def detach() -> None:
        for unsubscribe in unsubscribes:
            unsubscribe()

    return detach
