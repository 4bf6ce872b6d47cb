"""What every request handler needs: settings, database, event bus, payment gateways."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from castcart.commerce.payments import PaymentGateway, SandboxGateway
from castcart.core.db import Database
from castcart.core.settings import Settings
from castcart.events import DomainEvent, InProcessEventBus


@dataclass
class AppContext:
    settings: Settings
    db: Database
    bus: InProcessEventBus = field(default_factory=InProcessEventBus)
    gateways: dict[str, PaymentGateway] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.settings.redis_url and type(self.bus) is InProcessEventBus:
            # Several app processes or nodes: share events (pins, orders, chat) via Redis.
            from castcart.events.redis_bus import RedisEventBus

            self.bus = RedisEventBus(self.settings.redis_url)
        if not self.gateways:
            self.gateways = {"sandbox": SandboxGateway(self.settings.payment_webhook_secret)}

    @contextmanager
    def unit_of_work(self) -> Iterator[tuple[Session, list[DomainEvent]]]:
        """One write transaction; its events are published only once it has committed."""
        outbox: list[DomainEvent] = []
        with self.db.write() as session:
            yield session, outbox
        self.bus.publish_all(outbox)
