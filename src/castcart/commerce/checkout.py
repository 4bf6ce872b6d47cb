"""Checkout: turn a cart into an order with its stock reserved, all in one transaction.

Why it never oversells: every reservation is a conditional ``UPDATE … WHERE quantity -
reserved >= :q`` (and ``sold + :q <= quantity_cap`` for flash sales) whose row count says
whether it won. On PostgreSQL the row lock makes concurrent updates of one row wait and
re-check the condition; on SQLite the transaction holds the write lock from ``BEGIN
IMMEDIATE``. Rows are touched in variant-id order so two multi-line checkouts cannot
deadlock. Any failure raises and the caller's transaction rolls back as a whole, so there is
never a half-written order.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.catalog.models import Product, StockLevel, Variant, Warehouse
from castcart.catalog.service import title_for
from castcart.commerce.cart import _sellable_variant, get_or_create_cart, price_for
from castcart.commerce.models import Cart, CartLine, Order, OrderLine, StockAllocation
from castcart.commerce.orders import OrderStatus, emit_low_stock, record_event
from castcart.commerce.pricing import totals
from castcart.commerce.promotions import (
    check_coupon,
    claim_coupon_use,
    claim_share_discount,
    find_coupon,
)
from castcart.core.errors import ConflictError, OutOfStockError, UnprocessableError
from castcart.events import DomainEvent, OrderCreated
from castcart.shows.models import FlashSale, Show

_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class CheckoutRequest:
    store: Store
    shopper_id: str
    idempotency_key: str
    expected_total_amount: int | None
    locale: str
    now: datetime
    reservation_ttl: timedelta
    low_stock_threshold: int
    country: str | None = None
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        body = {"expected_total_amount": self.expected_total_amount}
        self.fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass
class _PricedLine:
    variant: Variant
    product: Product
    quantity: int
    unit: int
    source: str
    flash_sale: FlashSale | None


def find_existing(session: Session, request: CheckoutRequest) -> Order | None:
    """The order an earlier request with the same Idempotency-Key created, if any."""
    order = session.scalar(
        select(Order).where(
            Order.store_id == request.store.id,
            Order.shopper_id == request.shopper_id,
            Order.idempotency_key == request.idempotency_key,
        )
    )
    if order is not None and order.request_fingerprint != request.fingerprint:
        raise UnprocessableError(
            "this Idempotency-Key was used for a different checkout request",
            code="idempotency_key_reused",
        )
    return order


def precheck_stock(session: Session, request: CheckoutRequest) -> None:
    """A cheap read before the write transaction: in a flash sale most buyers arrive after the
    last unit went, and they should hear "sold out" without queueing for the write lock. Not
    a guarantee (the reservation in `checkout` is); a replayed key skips it."""
    if (
        session.scalar(
            select(Order.id).where(
                Order.store_id == request.store.id,
                Order.shopper_id == request.shopper_id,
                Order.idempotency_key == request.idempotency_key,
            )
        )
        is not None
    ):
        return
    cart = session.scalar(select(Cart).where(Cart.shopper_id == request.shopper_id))
    if cart is None:
        return
    for line in cart.lines:
        available = (
            session.scalar(
                select(func.coalesce(func.sum(StockLevel.quantity - StockLevel.reserved), 0)).where(
                    StockLevel.variant_id == line.variant_id
                )
            )
            or 0
        )
        if available < line.quantity:
            variant = session.get(Variant, line.variant_id)
            sku = variant.sku if variant else line.variant_id
            raise OutOfStockError(
                f"not enough stock for {sku}",
                details={"variant_id": line.variant_id, "sku": sku, "requested": line.quantity},
            )


def checkout(
    session: Session, request: CheckoutRequest, outbox: list[DomainEvent]
) -> tuple[Order, bool]:
    """Returns (order, created). ``created`` is False when the key replays an earlier order."""
    existing = find_existing(session, request)
    if existing is not None:
        return existing, False

    cart = get_or_create_cart(session, request.store.id, request.shopper_id)
    if not cart.lines:
        raise UnprocessableError("the cart is empty", code="cart_empty")
    show = session.get(Show, cart.show_id) if cart.show_id else None

    priced = _price_lines(session, request, cart.lines, show)
    order = Order(
        store_id=request.store.id,
        shopper_id=request.shopper_id,
        show_id=show.id if show else None,
        number=_order_number(),
        status=OrderStatus.PENDING_PAYMENT.value,
        currency=request.store.currency,
        subtotal_amount=0,
        total_amount=0,
        idempotency_key=request.idempotency_key,
        request_fingerprint=request.fingerprint,
        reservation_expires_at=request.now + request.reservation_ttl,
    )
    session.add(order)
    session.flush()

    percent_off, amount_off = _claim_promotions(
        session, request, cart.coupon_code, cart.share_code, order, priced
    )
    result = totals(
        [p.unit * p.quantity for p in priced], percent_off=percent_off, amount_off=amount_off
    )
    if request.expected_total_amount is not None and request.expected_total_amount != result.total:
        raise ConflictError(
            "the total changed since you looked; review your cart",
            code="total_changed",
            details={"expected": request.expected_total_amount, "actual": result.total},
        )
    order.subtotal_amount, order.discount_amount, order.total_amount = (
        result.subtotal,
        result.discount,
        result.total,
    )

    _write_order(session, order, priced, request)
    cart.lines.clear()
    cart.coupon_code = None
    cart.share_code = None
    session.flush()
    # The contended rows go last: on PostgreSQL a stock row stays locked from its UPDATE to
    # the commit, so reserving at the end keeps that window (and the queue behind it) short.
    for priced_line in priced:
        _reserve_stock(session, order, priced_line.variant, priced_line.quantity)
    session.flush()
    outbox.append(
        OrderCreated(
            store_id=order.store_id,
            order_id=order.id,
            show_id=order.show_id,
            total_amount=order.total_amount,
            currency=order.currency,
            item_count=sum(p.quantity for p in priced),
        )
    )
    emit_low_stock(
        session, order.store_id, {p.variant.id for p in priced}, request.low_stock_threshold, outbox
    )
    return order, True


def _price_lines(
    session: Session, request: CheckoutRequest, lines: Sequence[CartLine], show: Show | None
) -> list[_PricedLine]:
    """Price every line, in variant-id order (the lock order), claiming flash-sale units as
    it goes: a line that loses the race for the last flash units gets the normal price, and
    the shopper's ``expected_total_amount`` guard turns that into a 409 if they sent one."""
    priced: list[_PricedLine] = []
    for line in sorted(lines, key=lambda ln: ln.variant_id):
        variant = _sellable_variant(session, request.store.id, line.variant_id, request.country)
        quantity = line.quantity
        product = session.get(Product, variant.product_id)
        assert product is not None  # noqa: S101 - FK guarantees it
        price = price_for(session, show, variant, request.now)
        if price.flash_sale is not None and not _claim_flash_units(
            session, price.flash_sale, quantity
        ):
            price = price_for(session, show, variant, request.now, use_flash=False)
        priced.append(
            _PricedLine(
                variant=variant,
                product=product,
                quantity=quantity,
                unit=price.unit,
                source=price.source,
                flash_sale=price.flash_sale,
            )
        )
    return priced


def _claim_promotions(
    session: Session,
    request: CheckoutRequest,
    coupon_code: str | None,
    share_code: str | None,
    order: Order,
    priced: list[_PricedLine],
) -> tuple[int, int]:
    subtotal = sum(p.unit * p.quantity for p in priced)
    percent_off = amount_off = 0
    if coupon_code:
        coupon = find_coupon(session, request.store.id, coupon_code)
        check_coupon(session, coupon, request.shopper_id, subtotal, request.now)
        claim_coupon_use(session, coupon, request.shopper_id, order)
        order.coupon_id = coupon.id
        if coupon.kind == "percent":
            percent_off += coupon.percent_off or 0
        else:
            amount_off += coupon.amount_off or 0
    if share_code:
        code, share_percent = claim_share_discount(
            session, request.store.id, share_code, request.shopper_id, order
        )
        order.share_code_id = code.id
        percent_off += share_percent
    return min(percent_off, 100), amount_off


def _claim_flash_units(session: Session, sale: FlashSale, quantity: int) -> bool:
    result = session.execute(
        update(FlashSale)
        .where(FlashSale.id == sale.id, FlashSale.sold + quantity <= FlashSale.quantity_cap)
        .values(sold=FlashSale.sold + quantity)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _reserve_stock(session: Session, order: Order, variant: Variant, quantity: int) -> None:
    """Reserve from the highest-priority warehouse that can take the whole line; otherwise
    split across warehouses in priority order."""
    levels = session.execute(
        select(StockLevel.id, StockLevel.warehouse_id)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.variant_id == variant.id)
        .order_by(Warehouse.priority, Warehouse.code)
    ).all()
    for level_id, warehouse_id in levels:
        if _take(session, level_id, quantity):
            session.add(
                StockAllocation(
                    order_id=order.id,
                    variant_id=variant.id,
                    warehouse_id=warehouse_id,
                    quantity=quantity,
                )
            )
            return
    remaining = quantity
    for level_id, warehouse_id in levels:
        available = (
            session.scalar(
                select(StockLevel.quantity - StockLevel.reserved).where(StockLevel.id == level_id)
            )
            or 0
        )
        take = min(available, remaining)
        if take > 0 and _take(session, level_id, take):
            session.add(
                StockAllocation(
                    order_id=order.id,
                    variant_id=variant.id,
                    warehouse_id=warehouse_id,
                    quantity=take,
                )
            )
            remaining -= take
        if remaining == 0:
            return
    raise OutOfStockError(
        f"not enough stock for {variant.sku}",
        details={"variant_id": variant.id, "sku": variant.sku, "requested": quantity},
    )


def _take(session: Session, level_id: str, quantity: int) -> bool:
    result = session.execute(
        update(StockLevel)
        .where(StockLevel.id == level_id, StockLevel.quantity - StockLevel.reserved >= quantity)
        .values(reserved=StockLevel.reserved + quantity)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _write_order(
    session: Session, order: Order, priced: list[_PricedLine], request: CheckoutRequest
) -> None:
    for position, line in enumerate(priced):
        session.add(
            OrderLine(
                order_id=order.id,
                position=position,
                variant_id=line.variant.id,
                product_id=line.product.id,
                sku=line.variant.sku,
                title=title_for(line.product, request.locale, request.store.default_locale),
                quantity=line.quantity,
                list_price_amount=line.variant.price_amount,
                unit_price_amount=line.unit,
                price_source=line.source,
                flash_sale_id=line.flash_sale.id if line.flash_sale else None,
                line_total_amount=line.unit * line.quantity,
            )
        )
    record_event(
        session,
        order,
        None,
        OrderStatus.PENDING_PAYMENT.value,
        actor=f"shopper:{request.shopper_id}",
        reason="checkout",
    )
    session.flush()


def _order_number() -> str:
    return "CC-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(10))
