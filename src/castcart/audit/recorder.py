"""From domain events to audit entries.

``describe_event`` decides, purely, which events belong in a show's audit log and what of
them is kept. ``AuditRecorder`` subscribes to the bus and writes on its own thread, in small
batches: a publisher may be the event loop serving thousands of sockets (host chat), which
must never wait for a database write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from castcart.core.db import Database
from castcart.core.worker import BatchWorker
from castcart.events import DomainEvent
from castcart.events.bus import EventBus
from castcart.shows.speech import SPEECH_TYPES, is_host_speech

log = logging.getLogger(__name__)

# what of each event is kept; anything else about the viewer (shopper chat, ids) is not
_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "product.pinned": ("pin", ("product_id",)),
    "show.started": ("show.started", ()),
    "show.ended": ("show.ended", ()),
    "show.interrupted": ("show.interrupted", ()),
    "show.resumed": ("show.resumed", ()),
    "flash_sale.created": (
        "flash_sale",
        ("flash_sale_id", "variant_id", "price_amount", "quantity_cap", "starts_at", "ends_at"),
    ),
    "show.live_prices": ("live_prices", ("prices",)),
    "moderation.action": (
        "moderation",
        ("action", "target_viewer_id", "message_id", "seconds", "reason"),
    ),
    "compliance.alert": ("compliance_alert", ("source", "ref", "text", "findings")),
    # what the audience was offered and who won: disputes about a giveaway or a quiz reward
    "poll.opened": ("poll.opened", ("poll_id", "question", "options")),
    "poll.closed": ("poll.closed", ("poll_id", "counts", "total")),
    "giveaway.opened": (
        "giveaway.opened",
        ("giveaway_id", "title", "prize", "winners_count", "commitment", "algorithm"),
    ),
    "giveaway.drawn": (
        "giveaway.drawn",
        ("giveaway_id", "winners", "seed", "commitment", "algorithm", "entrant_count"),
    ),
    "quiz.question": ("quiz.question", ("quiz_id", "question", "options", "reward_percent_off")),
    "quiz.revealed": ("quiz.revealed", ("quiz_id", "correct_index", "correct_count")),
}
# every event type that can make an entry: the recorder subscribes to exactly these
AUDITED_TYPES: tuple[str, ...] = (*SPEECH_TYPES, *_FIELDS)


@dataclass(frozen=True)
class AuditItem:
    event_id: str
    store_id: str
    show_id: str
    kind: str
    actor: str | None
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value


def describe_event(event: DomainEvent) -> AuditItem | None:
    """The audit entry an event makes, or None when the event is not part of the log."""
    show_id = getattr(event, "show_id", None)
    if not isinstance(show_id, str):
        return None
    actor = getattr(event, "actor_id", None) or getattr(event, "author_id", None)
    fields: tuple[str, ...]
    if event.type in SPEECH_TYPES:
        if not is_host_speech(event):
            return None  # shoppers' chat (personal data) or a tentative caption
        if event.type == "chat.posted":
            kind, fields = "host_chat", ("message_id", "role", "text", "lang")
        else:
            kind, fields = "caption", ("segment_id", "start_ms", "end_ms", "text", "lang")
    elif event.type in _FIELDS:
        kind, fields = _FIELDS[event.type]
        if kind == "pin" and getattr(event, "product_id", None) is None:
            kind = "unpin"
    else:
        return None
    payload = {name: _json_value(getattr(event, name)) for name in fields if hasattr(event, name)}
    return AuditItem(
        event_id=event.id,
        store_id=event.store_id,
        show_id=show_id,
        kind=kind,
        actor=str(actor) if actor else None,
        occurred_at=event.occurred_at,
        payload=payload,
    )


class AuditRecorder:
    """Bus subscriber → background writer. ``close()`` writes what is queued."""

    def __init__(self, db: Database, *, batch_size: int = 200, max_queue: int = 50_000) -> None:
        self.db = db
        self._worker: BatchWorker[AuditItem] = BatchWorker(
            "castcart-audit", self._write, batch_size=batch_size, max_queue=max_queue
        )
        self._unsubscribe: list[Callable[[], None]] = []
        self.dropped = 0
        self.written = 0

    def attach(self, bus: EventBus) -> None:
        # recorded by the node where the event happened (``event_id`` is unique regardless)
        for event_type in AUDITED_TYPES:
            self._unsubscribe.append(bus.subscribe(event_type, self.on_event, local_only=True))
        self._worker.start()

    def on_event(self, event: DomainEvent) -> None:
        item = describe_event(event)
        if item is not None and not self._worker.offer(item):
            self.dropped += 1  # never block a publisher; say loudly what was lost
            log.error("audit queue full: %s of show %s not recorded", item.kind, item.show_id)

    def _write(self, batch: list[AuditItem]) -> None:
        from castcart.audit.service import append_items

        self.written += append_items(self.db, batch)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until what is queued now has been written (tests, shutdown)."""
        self._worker.flush(timeout)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._worker.close()
