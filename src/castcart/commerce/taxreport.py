"""The period tax report over real orders: what each paid order recorded at checkout, summed
by scheme, jurisdiction and rate with `castcart.tax.report`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.commerce.models import Order
from castcart.tax import OrderTaxRecord, TaxLine, report_csv

# Refunded and cancelled orders are not supplies; a refund after the period is a correction
# in the period of the refund, which this report leaves to the accountant.
REPORTED_STATUSES = ("paid", "fulfilled")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    from datetime import UTC

    return (
        datetime.combine(start, time(0), tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC),
    )


def records_for_store(
    session: Session, store_id: str, start: date, end: date
) -> Iterator[OrderTaxRecord]:
    """One record per paid order supplied (paid) in [start, end], UTC days."""
    store = session.get(Store, store_id)
    seller = store.country if store else ""
    low, high = _bounds(start, end)
    rows = session.scalars(
        select(Order)
        .where(
            Order.store_id == store_id,
            Order.status.in_(REPORTED_STATUSES),
            Order.paid_at >= low,
            Order.paid_at < high,
        )
        .order_by(Order.paid_at, Order.id)
    ).all()
    for order in rows:
        assert order.paid_at is not None  # noqa: S101 - filtered above
        lines = tuple(
            TaxLine(
                name=t.name,
                rate_percent=Decimal(t.rate_percent),
                amount=t.amount,
                collected_at=t.collected_at,  # type: ignore[arg-type]
                jurisdiction=t.jurisdiction,
                scheme=t.scheme,
                base=t.base_amount,
                estimate=t.estimate,
            )
            for t in order.tax_lines
            if t.kind == "tax"
        )
        yield OrderTaxRecord(order.id, order.paid_at.date(), seller, order.currency, lines)


def report_for_store(session: Session, store_id: str, start: date, end: date) -> str:
    return report_csv(records_for_store(session, store_id, start, end), start, end)
