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

    def subscribe(
        self, event_type: str, handler: Handler, *, local_only: bool = False
    ) -> Callable[[], None]:
        """Register ``handler`` for a dotted type (or ``"*"``); returns an unsubscribe."""
        ...


class InProcessEventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._local_handlers: dict[str, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()

    def subscribe(
        self, event_type: str, handler: Handler, *, local_only: bool = False
    ) -> Callable[[], None]:
        """``local_only``: only events published in this process, not those relayed from
        other nodes (for work that one node must do once: audit, compliance checks)."""
        registry = self._local_handlers if local_only else self._handlers
        with self._lock:
            registry[event_type].append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in registry[event_type]:
                    registry[event_type].remove(handler)

        return unsubscribe

    def publish(self, event: DomainEvent) -> None:
        self._dispatch(event, relayed=False)

    def _dispatch(self, event: DomainEvent, *, relayed: bool) -> None:
        with self._lock:
            handlers = [*self._handlers.get(event.type, ()), *self._handlers.get(ALL, ())]
            if not relayed:
                handlers += [
                    *self._local_handlers.get(event.type, ()),
                    *self._local_handlers.get(ALL, ()),
                ]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler failed for %s", event.type)

    def publish_all(self, events: Iterable[DomainEvent]) -> None:
        for event in events:
            self.publish(event)
