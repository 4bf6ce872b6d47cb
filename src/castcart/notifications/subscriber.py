"""Bus → mails, on a worker thread: an SMTP round trip never slows the payment webhook
that published ``order.paid``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.core.settings import Settings
from castcart.core.worker import BatchWorker
from castcart.events import DomainEvent, EventBus
from castcart.notifications import mailer, service

log = logging.getLogger(__name__)

MAIL_FOR = {
    "order.paid": "order_paid",
    "order.fulfilled": "order_shipped",
    "order.cancelled": "order_cancelled",
    "order.refunded": "order_refunded",
}
SHOPPER_ERASED = "shopper.erased"  # an erased shopper's mails still waiting are not sent
SUBSCRIBED_TYPES = (*MAIL_FOR, SHOPPER_ERASED)


@dataclass(frozen=True)
class MailJob:
    kind: str
    event_id: str
    store_id: str
    order_id: str


class OrderMails:
    def __init__(
        self, db: Database, settings: Settings, *, send: service.Sender = mailer.send
    ) -> None:
        self.db = db
        self.settings = settings
        self._send = send
        self._worker: BatchWorker[MailJob] = BatchWorker("castcart-mail", self._handle)
        self._unsubscribe: list[Callable[[], None]] = []

    def attach(self, bus: EventBus) -> None:
        # the node where the event happened (or whose relay republished it) sends; the row
        # in notifications_sent keeps it to once anyway
        for event_type in SUBSCRIBED_TYPES:
            self._unsubscribe.append(bus.subscribe(event_type, self.on_event, local_only=True))
        self._worker.start()

    def on_event(self, event: DomainEvent) -> None:
        if event.type == SHOPPER_ERASED:
            shopper_id = str(getattr(event, "shopper_id", ""))
            skipped = service.skip_pending_for_shopper(self.db, event.store_id, shopper_id)
            if skipped:
                log.info("%d pending mails of an erased shopper will not be sent", skipped)
            return
        order_id = getattr(event, "order_id", None)
        kind = MAIL_FOR.get(event.type)
        if kind is None or not order_id:
            return
        job = MailJob(kind, event.id, event.store_id, order_id)
        if not self._worker.offer(job):
            log.error(
                "mail queue full: the %s mail of order %s waits for the retry", kind, order_id
            )

    def _handle(self, jobs: list[MailJob]) -> None:
        for job in jobs:
            if not mailer.configured(self.settings):
                log.info(
                    "no SMTP server configured (CASTCART_SMTP_HOST): the %s mail of order %s "
                    "is not sent",
                    job.kind,
                    job.order_id,
                )
                continue
            row_id = service.request_mail(
                self.db,
                store_id=job.store_id,
                order_id=job.order_id,
                kind=job.kind,
                event_id=job.event_id,
                now=utcnow(),
            )
            if row_id is not None:
                service.deliver(self.db, self.settings, row_id, send=self._send)

    def queue(self, store_id: str, order_id: str, kind: str) -> bool:
        """Send a re-queued mail soon (service.resend made its row pending): the worker
        finds the pending row and delivers it. False when the queue is full (the retry
        sweep sends it then)."""
        return self._worker.offer(MailJob(kind, f"resend:{order_id}:{kind}", store_id, order_id))

    def retry_due(self) -> int:
        """Send the pending mails whose next attempt is due; returns how many were sent."""
        if not mailer.configured(self.settings):
            return 0
        sent = 0
        for row_id in service.due(self.db, utcnow()):
            if service.deliver(self.db, self.settings, row_id, send=self._send) == "sent":
                sent += 1
        return sent

    def flush(self, timeout: float = 10.0) -> None:
        self._worker.flush(timeout)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._worker.close()
