"""An erased shopper's reminders (their e-mail address, their browser's push endpoint) are
deleted with them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from castcart.audience import service
from castcart.core.db import Database
from castcart.events import DomainEvent, EventBus

log = logging.getLogger(__name__)

SHOPPER_ERASED = "shopper.erased"
SUBSCRIBED_TYPES = (SHOPPER_ERASED,)


def attach(db: Database, bus: EventBus) -> Callable[[], None]:
    def on_erased(event: DomainEvent) -> None:
        shopper_id = str(getattr(event, "shopper_id", ""))
        with db.write() as session:
            removed = service.forget_shopper(session, event.store_id, shopper_id)
        if removed:
            log.info("%d reminders of an erased shopper deleted", removed)

    return bus.subscribe(SHOPPER_ERASED, on_erased, local_only=True)
