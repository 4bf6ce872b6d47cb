"""The bus interface and its in-process implementation.

Publishers call ``publish`` only after their transaction commits, so a subscriber never sees
an event for a write that was rolled back. A failing subscriber is logged and skipped: an
analytics bug must never fail a checkout.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Protocol

from castcart.events.types import DomainEvent

log = logging.getLogger(__name__)

Handler = Callable[[DomainEvent], None]
ALL = "*"


class EventBus(Protocol):
    def publish(self, event: DomainEvent) -> None: ...

    def subscribe(self, event_type: str, handler: Handler) -> Callable[[], None]:
        """Register ``handler`` for a dotted type (or ``"*"``); returns an unsubscribe."""
        ...


class InProcessEventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()

    def subscribe(self, event_type: str, handler: Handler) -> Callable[[], None]:
        with self._lock:
            self._handlers[event_type].append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers[event_type]:
                    self._handlers[event_type].remove(handler)

        return unsubscribe

    def publish(self, event: DomainEvent) -> None:
        with self._lock:
            handlers = [*self._handlers.get(event.type, ()), *self._handlers.get(ALL, ())]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler failed for %s", event.type)

    def publish_all(self, events: Iterable[DomainEvent]) -> None:
        for event in events:
            self.publish(event)
