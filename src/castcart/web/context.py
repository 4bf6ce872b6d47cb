"""What every request handler needs: settings, database, event bus, payment gateways, and
the services the domains installed (``ctx.services``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from castcart.commerce.payments import PaymentGateway, SandboxGateway
from castcart.core.db import Database
from castcart.core.failpoints import failpoint
from castcart.core.services import Services
from castcart.core.settings import Settings
from castcart.events import DomainEvent, InProcessEventBus
from castcart.events.outbox import OutboxRelay, stage


@dataclass
class AppContext:
    settings: Settings
    db: Database
    bus: InProcessEventBus = field(default_factory=InProcessEventBus)
    gateways: dict[str, PaymentGateway] = field(default_factory=dict)
    outbox: OutboxRelay = field(init=False)
    # what the domains installed into the running app, by class (castcart.core.services)
    services: Services = field(default_factory=Services)

    def __post_init__(self) -> None:
        if self.settings.redis_url and type(self.bus) is InProcessEventBus:
            # Several app processes or nodes: share events (pins, orders, chat) via Redis.
            from castcart.events.redis_bus import RedisEventBus

            self.bus = RedisEventBus(self.settings.redis_url)
        self.outbox = OutboxRelay(
            self.db,
            self.bus.publish,
            recover_after=timedelta(seconds=self.settings.outbox_recover_after_seconds),
            lease=timedelta(seconds=self.settings.outbox_lease_seconds),
        )
        if not self.gateways and self.settings.sandbox_enabled:
            self.gateways = {"sandbox": SandboxGateway(self.settings.payment_webhook_secret)}

    @contextmanager
    def unit_of_work(
        self, *, after_commit: str | None = None
    ) -> Iterator[tuple[Session, list[DomainEvent]]]:
        """One write transaction; its events are written to the outbox in that transaction
        and published once it has committed (the relay republishes them after a crash).
        ``after_commit`` names the fail point between the commit and the publish."""
        outbox: list[DomainEvent] = []
        with self.db.write() as session:
            yield session, outbox
            staged = stage(session, outbox) if outbox else []
        if after_commit is not None:
            failpoint(after_commit)
        self.bus.publish_all(outbox)
        self.outbox.published(staged)
