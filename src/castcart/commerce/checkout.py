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
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from castcart.accounts.models import Store
from castcart.catalog.models import Product, StockLevel, Variant, Warehouse
from castcart.catalog.service import title_for
from castcart.commerce.address import Contact
from castcart.commerce.cart import _sellable_variant, get_or_create_cart, price_for, tax_categories
from castcart.commerce.crossborder import (
    CrossBorderQuote,
    Destination,
    ItemIn,
    ShipmentIn,
    compose,
)
from castcart.commerce.models import (
    Cart,
    CartLine,
    Order,
    OrderLine,
    OrderShipment,
    OrderTaxLine,
    StockAllocation,
)
from castcart.commerce.orders import OrderStatus, emit_low_stock, record_event
from castcart.commerce.pricing import totals
from castcart.commerce.promotions import (
    check_coupon,
    claim_coupon_use,
    claim_share_discount,
    find_coupon,
)
from castcart.commerce.shipping import PlanItem, plan_shipments
from castcart.commerce.taxsettings import profile_for
from castcart.core.errors import ConflictError, OutOfStockError, UnprocessableError
from castcart.core.failpoints import failpoint
from castcart.events import DomainEvent, OrderCreated
from castcart.money import FxSnapshot, bundled_snapshot
from castcart.payment_methods import GatewayCapabilities
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
    # Where it ships and how it is paid; the destination defaults to the shopper's country.
    destination: Destination | None = None
    payment_method: str | None = None
    buyer: dict[str, Any] | None = None
    # The validated shipping address and contact (required for physical goods by the API).
    contact: Contact | None = None
    fx: FxSnapshot = field(default_factory=bundled_snapshot)
    gateway: GatewayCapabilities | None = None
    # The request body as sent: the same key with another body is refused, not replayed.
    body: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        body = self.body or {"expected_total_amount": self.expected_total_amount}
        self.fingerprint = hashlib.sha256(
            json.dumps(body, sort_keys=True, default=str).encode()
        ).hexdigest()

    def where(self) -> Destination:
        return self.destination or Destination(
            country=self.country or self.store.country, locale=self.locale
        )


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
        _refuse_empty_cart(cart, request.now)
    _claim_cart(session, cart)
    show = session.get(Show, cart.show_id) if cart.show_id else None

    destination = request.where()
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
    store_totals = totals(
        [p.unit * p.quantity for p in priced], percent_off=percent_off, amount_off=amount_off
    )
    # The same cross-border quote the shopper saw, recomputed here from server-side data.
    plan = plan_shipments(
        session,
        request.store.id,
        [PlanItem(p.variant.id, p.variant.sku, p.quantity, p.variant.weight_grams) for p in priced],
        destination.country,
        destination.region,
        request.now,
        lock=True,
    )
    categories = tax_categories(session, [p.variant.id for p in priced])
    quoted = compose(
        [
            ItemIn(
                variant_id=p.variant.id,
                sku=p.variant.sku,
                title=title_for(p.product, destination.locale, request.store.default_locale),
                quantity=p.quantity,
                unit_price=p.unit,
                list_price=p.variant.price_amount,
                category=categories.get(p.variant.id, "general"),
            )
            for p in priced
        ],
        discount=store_totals.discount,
        shipments=plan,
        profile=profile_for(session, request.store),
        destination=destination,
        fx=request.fx,
        on=request.now.date(),
        gateway=request.gateway,
    )
    if request.expected_total_amount is not None and request.expected_total_amount != quoted.total:
        raise ConflictError(
            "the total changed since you looked; review your cart",
            code="total_changed",
            details={
                "expected": request.expected_total_amount,
                "actual": quoted.total,
            },
        )
    offered = [m["id"] for m in quoted.payment_methods]
    if request.payment_method is not None and request.payment_method not in offered:
        raise UnprocessableError(
            f"{request.payment_method!r} is not offered for {destination.country} in "
            f"{quoted.currency}",
            code="payment_method_unavailable",
            details={"method": request.payment_method, "offered": offered},
        )
    _record_quote(order, quoted, destination, request)

    _write_order(session, order, quoted, priced, request)
    cart.checked_out_order_id = order.id
    cart.checked_out_at = request.now
    cart.lines.clear()
    cart.coupon_code = None
    cart.share_code = None
    session.flush()
    # The contended rows go last: on PostgreSQL a stock row stays locked from its UPDATE to
    # the commit, so reserving at the end keeps that window (and the queue behind it) short.
    if plan is None:
        for priced_line in priced:
            _reserve_stock(session, order, priced_line.variant, priced_line.quantity)
    else:
        _reserve_planned(session, order, plan)
    session.flush()
    failpoint("checkout.after_reserve")  # crash tests: the stock is held, nothing committed
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


# A second checkout of a cart emptied this recently is a double click, not a new purchase.
RECENT_CHECKOUT = timedelta(minutes=2)


def _refuse_empty_cart(cart: Cart, now: datetime) -> None:
    if (
        cart.checked_out_order_id is not None
        and cart.checked_out_at is not None
        and now - cart.checked_out_at <= RECENT_CHECKOUT
    ):
        raise ConflictError(
            "this cart was just checked out",
            code="cart_checked_out",
            details={"order_id": cart.checked_out_order_id},
        )
    raise UnprocessableError("the cart is empty", code="cart_empty")


def _claim_cart(session: Session, cart: Cart) -> None:
    """Claim the cart for this checkout, first thing, as a compare-and-set on its version.

    On PostgreSQL a concurrent checkout of the same cart waits on this row's lock until the
    winner commits, then re-checks the condition, matches nothing and gets a 409 before it
    priced or reserved anything; on SQLite the write lock serialises them and the loser sees
    the emptied cart. Either way one cart becomes at most one order."""
    result = session.execute(
        update(Cart)
        .where(Cart.id == cart.id, Cart.version == cart.version)
        .values(version=Cart.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            "this cart is being checked out by another request", code="cart_checked_out"
        )
    set_committed_value(cart, "version", cart.version + 1)  # what the row now holds


def _record_quote(
    order: Order, quoted: CrossBorderQuote, destination: Destination, request: CheckoutRequest
) -> None:
    order.currency = quoted.currency
    order.store_currency = quoted.store_currency
    order.fx_rate = format(quoted.fx_rate.normalize(), "f")
    order.fx_source = quoted.fx_source[:300]
    order.fx_as_of = datetime.fromisoformat(quoted.fx_as_of)
    order.destination_country = destination.country
    order.destination_region = destination.region
    order.buyer_vat_id = destination.vat_id
    order.buyer = request.buyer
    order.prices_include_tax = quoted.prices_include_tax
    order.tax_category = quoted.category
    order.tax_rule = quoted.tax.rule.id
    order.tax_scheme = quoted.scheme
    order.registration_number = quoted.registration_number
    order.subtotal_amount = quoted.subtotal
    order.discount_amount = quoted.discount
    order.shipping_amount = quoted.shipping
    order.tax_amount = quoted.tax_added
    order.included_tax_amount = quoted.tax_included
    order.duty_amount = quoted.duty_at_checkout
    order.due_at_import_amount = quoted.due_at_import
    order.total_amount = quoted.total
    order.payment_method = request.payment_method
    if request.contact is not None:
        order.shipping_address = request.contact.address
        order.contact_email = request.contact.email
        order.contact_phone = request.contact.phone
        order.marketing_consent = request.contact.marketing_consent
    order.notes = quoted.notes


def _reserve_planned(session: Session, order: Order, plan: list[ShipmentIn]) -> None:
    """Reserve exactly what the allocation planned; the rows were read FOR UPDATE, so a
    failure here means a bug or a concurrent stock edit, and the whole checkout rolls back."""
    wanted = sorted(
        (variant_id, shipment.warehouse_id, quantity)
        for shipment in plan
        for variant_id, _sku, quantity in shipment.items
    )
    for variant_id, warehouse_id, quantity in wanted:
        level_id = session.scalar(
            select(StockLevel.id).where(
                StockLevel.variant_id == variant_id, StockLevel.warehouse_id == warehouse_id
            )
        )
        if level_id is None or not _take(session, level_id, quantity):
            raise OutOfStockError(
                "not enough stock", details={"variant_id": variant_id, "requested": quantity}
            )
        session.add(
            StockAllocation(
                order_id=order.id,
                variant_id=variant_id,
                warehouse_id=warehouse_id,
                quantity=quantity,
            )
        )


def _price_lines(
    session: Session, request: CheckoutRequest, lines: Sequence[CartLine], show: Show | None
) -> list[_PricedLine]:
    """Price every line, in variant-id order (the lock order), claiming flash-sale units as
    it goes: a line that loses the race for the last flash units gets the normal price, and
    the shopper's ``expected_total_amount`` guard turns that into a 409 if they sent one."""
    priced: list[_PricedLine] = []
    for line in sorted(lines, key=lambda ln: ln.variant_id):
        variant = _sellable_variant(
            session, request.store.id, line.variant_id, request.where().country
        )
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
    session: Session,
    order: Order,
    quoted: CrossBorderQuote,
    priced: list[_PricedLine],
    request: CheckoutRequest,
) -> None:
    by_variant = {p.variant.id: p for p in priced}
    for position, line in enumerate(quoted.lines):
        source = by_variant[line.variant_id]
        session.add(
            OrderLine(
                order_id=order.id,
                position=position,
                variant_id=line.variant_id,
                product_id=source.product.id,
                sku=line.sku,
                title=line.title,
                quantity=line.quantity,
                list_price_amount=line.list_price,
                unit_price_amount=line.unit_price,
                price_source=source.source,
                flash_sale_id=source.flash_sale.id if source.flash_sale else None,
                line_total_amount=line.line_total,
            )
        )
    for position, applied in enumerate(quoted.taxes):
        tax = applied.line
        session.add(
            OrderTaxLine(
                order_id=order.id,
                position=position,
                kind=applied.kind,
                name=tax.name,
                rate_percent=format(tax.rate_percent.normalize(), "f"),
                base_amount=tax.base,
                amount=tax.amount,
                collected_at=tax.collected_at,
                included=applied.included,
                jurisdiction=tax.jurisdiction,
                scheme=tax.scheme,
                estimate=tax.estimate,
                note=(tax.note or None) and tax.note[:300],
            )
        )
    for position, shipped in enumerate(quoted.shipments):
        promise = shipped.promise
        session.add(
            OrderShipment(
                order_id=order.id,
                position=position,
                warehouse_id=shipped.source.warehouse_id,
                warehouse_code=shipped.source.warehouse_code,
                lane_id=shipped.source.lane_id,
                carrier=shipped.source.carrier,
                service=shipped.source.service,
                customs=shipped.source.customs,
                items=[
                    {"variant_id": v, "sku": sku, "quantity": q}
                    for v, sku, q in shipped.source.items
                ],
                weight_grams=shipped.source.weight_grams,
                amount=shipped.amount,
                dispatch_date=promise.dispatch_date if promise else None,
                earliest_date=promise.earliest_date if promise else None,
                latest_date=promise.latest_date if promise else None,
                business_days_min=promise.business_days_min if promise else None,
                business_days_max=promise.business_days_max if promise else None,
                local_stock=promise.local_stock if promise else False,
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
