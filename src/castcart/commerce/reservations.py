"""Unpaid orders hold stock only until ``reservation_expires_at``; this releases it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from castcart.commerce.models import Order
from castcart.commerce.orders import OrderStatus, transition
from castcart.core.db import Database
from castcart.core.errors import InvalidTransitionError
from castcart.core.failpoints import failpoint
from castcart.events import DomainEvent
from castcart.events.outbox import stage


def expire_unpaid_orders(db: Database, now: datetime, *, batch: int = 200) -> list[DomainEvent]:
    """Cancel expired unpaid orders one transaction each, so one bad row never blocks the rest
    and a payment arriving at the same moment wins or loses cleanly (compare-and-set).

    Each cancellation's events are written to the outbox in its transaction; the caller
    publishes the returned events and marks them (``OutboxRelay.published``), and if it dies
    first the relay republishes them."""
    with db.read() as session:
        expired = session.scalars(
            select(Order.id)
            .where(
                Order.status == OrderStatus.PENDING_PAYMENT.value,
                Order.reservation_expires_at <= now,
            )
            .limit(batch)
        ).all()
    events: list[DomainEvent] = []
    for order_id in expired:
        outbox: list[DomainEvent] = []
        try:
            with db.write() as session:
                order = session.get(Order, order_id)
                if order is None or order.status != OrderStatus.PENDING_PAYMENT.value:
                    continue
                transition(
                    session,
                    order,
                    OrderStatus.CANCELLED.value,
                    actor="system",
                    reason="reservation_expired",
                    outbox=outbox,
                )
                stage(session, outbox)
                failpoint("expiry.after_release")  # crash tests: released, not committed
        except InvalidTransitionError:
            continue  # paid meanwhile
        events.extend(outbox)
    return events
