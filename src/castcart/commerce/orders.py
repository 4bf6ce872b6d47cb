"""The order state machine and its audit trail."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from castcart.catalog.models import StockLevel, Variant
from castcart.commerce.models import (
    Coupon,
    CouponRedemption,
    Order,
    OrderEvent,
    ShareCode,
    StockAllocation,
)
from castcart.core import states
from castcart.core.clock import utcnow
from castcart.core.errors import InvalidTransitionError
from castcart.core.tenancy import get_owned
from castcart.events import (
    DomainEvent,
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderRefunded,
    StockLow,
)
from castcart.shows.models import FlashSale


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {OrderStatus.FULFILLED, OrderStatus.REFUNDED, OrderStatus.CANCELLED}
    ),
    OrderStatus.FULFILLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


def check_transition(current: str, target: str) -> OrderStatus:
    return states.check_transition(ALLOWED, OrderStatus, current, target, noun="order")


def get_order(session: Session, store_id: str, order_id: str) -> Order:
    return get_owned(
        session, Order, order_id, store_id, message="order not found", code="order_not_found"
    )


def record_event(
    session: Session,
    order: Order,
    from_status: str | None,
    to_status: str,
    actor: str,
    reason: str = "",
) -> None:
    sequence = (
        session.scalar(
            select(func.coalesce(func.max(OrderEvent.sequence), 0)).where(
                OrderEvent.order_id == order.id
            )
        )
        or 0
    )
    order.events.append(
        OrderEvent(
            sequence=sequence + 1,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            reason=reason,
        )
    )


def _claim_status(session: Session, order: Order, expected: str, target: OrderStatus) -> bool:
    """Compare-and-set on the status column, so a webhook and the expiry sweeper racing for
    the same pending order cannot both win."""
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == expected)
        .values(status=target.value, updated_at=utcnow())
    )
    claimed: bool = result.rowcount == 1  # type: ignore[attr-defined]
    session.refresh(order)
    return claimed


def transition(
    session: Session,
    order: Order,
    target: str,
    *,
    actor: str,
    reason: str,
    outbox: list[DomainEvent],
    low_stock_threshold: int = 5,
) -> Order:
    current = order.status
    destination = check_transition(current, target)
    if not _claim_status(session, order, current, destination):
        raise InvalidTransitionError(
            "the order changed meanwhile; reload it", code="concurrent_update"
        )
    if destination is OrderStatus.PAID:
        order.paid_at = utcnow()
        _commit_stock(session, order, outbox, low_stock_threshold)
    elif destination is OrderStatus.CANCELLED:
        if current == OrderStatus.PENDING_PAYMENT:
            _release_reservations(session, order)
        else:  # a paid order cancelled before shipping puts its units back on the shelf
            _restock(session, order)
    record_event(session, order, current, destination.value, actor, reason)
    session.flush()
    outbox.append(_event_for(order, destination, reason))
    return order


def _event_for(order: Order, status: OrderStatus, reason: str) -> DomainEvent:
    common = {
        "store_id": order.store_id,
        "order_id": order.id,
        "show_id": order.show_id,
        "total_amount": order.total_amount,
        "currency": order.currency,
    }
    if status is OrderStatus.PAID:
        return OrderPaid(**common)
    if status is OrderStatus.CANCELLED:
        return OrderCancelled(**common, reason=reason)
    if status is OrderStatus.FULFILLED:
        return OrderFulfilled(**common)
    return OrderRefunded(**common)


def _allocations(session: Session, order: Order, state: str) -> list[StockAllocation]:
    rows = session.scalars(
        select(StockAllocation)
        .where(StockAllocation.order_id == order.id, StockAllocation.state == state)
        .order_by(StockAllocation.variant_id, StockAllocation.warehouse_id)
    ).all()
    return list(rows)


def _commit_stock(
    session: Session, order: Order, outbox: list[DomainEvent], low_stock_threshold: int
) -> None:
    """Paid: reserved units leave the shelf for good."""
    for allocation in _allocations(session, order, "reserved"):
        session.execute(
            update(StockLevel)
            .where(
                StockLevel.variant_id == allocation.variant_id,
                StockLevel.warehouse_id == allocation.warehouse_id,
            )
            .values(
                quantity=StockLevel.quantity - allocation.quantity,
                reserved=StockLevel.reserved - allocation.quantity,
            )
        )
        allocation.state = "committed"
    session.flush()
    emit_low_stock(
        session,
        order.store_id,
        {line.variant_id for line in order.lines},
        low_stock_threshold,
        outbox,
    )


def emit_low_stock(
    session: Session,
    store_id: str,
    variant_ids: set[str],
    threshold: int,
    outbox: list[DomainEvent],
) -> None:
    for variant_id in sorted(variant_ids):
        available = (
            session.scalar(
                select(func.coalesce(func.sum(StockLevel.quantity - StockLevel.reserved), 0)).where(
                    StockLevel.variant_id == variant_id
                )
            )
            or 0
        )
        if available <= threshold:
            sku = session.scalar(select(Variant.sku).where(Variant.id == variant_id)) or ""
            outbox.append(
                StockLow(
                    store_id=store_id, variant_id=variant_id, sku=sku, available=int(available)
                )
            )


def _release_reservations(session: Session, order: Order) -> None:
    """Unpaid order cancelled or expired: give back stock, flash-sale units, coupon, share."""
    for allocation in _allocations(session, order, "reserved"):
        session.execute(
            update(StockLevel)
            .where(
                StockLevel.variant_id == allocation.variant_id,
                StockLevel.warehouse_id == allocation.warehouse_id,
            )
            .values(reserved=StockLevel.reserved - allocation.quantity)
        )
        allocation.state = "released"
    for line in order.lines:
        if line.flash_sale_id is not None:
            session.execute(
                update(FlashSale)
                .where(FlashSale.id == line.flash_sale_id)
                .values(sold=FlashSale.sold - line.quantity)
            )
    _release_promotions(session, order)


def _restock(session: Session, order: Order) -> None:
    for allocation in _allocations(session, order, "committed"):
        session.execute(
            update(StockLevel)
            .where(
                StockLevel.variant_id == allocation.variant_id,
                StockLevel.warehouse_id == allocation.warehouse_id,
            )
            .values(quantity=StockLevel.quantity + allocation.quantity)
        )
        allocation.state = "restocked"
    _release_promotions(session, order)


def _release_promotions(session: Session, order: Order) -> None:
    if order.coupon_id is not None:
        redemption = session.scalar(
            select(CouponRedemption).where(CouponRedemption.order_id == order.id)
        )
        if redemption is not None:
            session.delete(redemption)
            session.execute(
                update(Coupon)
                .where(Coupon.id == order.coupon_id)
                .values(used_count=Coupon.used_count - 1)
            )
    if order.share_code_id is not None:
        session.execute(
            update(ShareCode)
            .where(ShareCode.id == order.share_code_id, ShareCode.redeemed_order_id == order.id)
            .values(redeemed_order_id=None)
        )
