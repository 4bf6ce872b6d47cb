"""Cross-border HTTP surface: the cart quote, the store's tax settings, invoices and the
period tax report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.accounts.service import get_store
from castcart.catalog.models import Variant
from castcart.commerce import address, crossborder, invoices, orders, taxreport
from castcart.commerce import cart as carts
from castcart.commerce.crossborder import CrossBorderQuote, DeliverySummary, ItemIn
from castcart.commerce.models import Order
from castcart.commerce.pricing import percent_of
from castcart.commerce.promotions import check_coupon, find_coupon
from castcart.commerce.schemas import (
    CouponStatusOut,
    DeliveryPromiseOut,
    NoteMessageOut,
    PaymentMethodOut,
    QuoteIn,
    QuoteLineOut,
    QuoteOut,
    QuoteShipmentOut,
    ShipmentItemOut,
    TaxLineOut,
    TaxSettingsIn,
    TaxSettingsOut,
)
from castcart.commerce.shipping import PlanItem, plan_shipments
from castcart.commerce.taxsettings import fx_snapshot, get_settings_row, profile_for, save_settings
from castcart.core.clock import utcnow
from castcart.core.errors import (
    AuthenticationError,
    DomainError,
    NotFoundError,
    UnprocessableError,
)
from castcart.core.settings import Settings
from castcart.tax.messages import NoteMessage, note_message
from castcart.web.deps import Credentials, Ctx, CurrentShopper, Staff, get_staff
from castcart.web.errors import ERROR_RESPONSES

ObjectId = Annotated[str, Path(max_length=32)]

shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES
)
router = APIRouter(prefix="/api/v1", tags=["cross-border"], responses=ERROR_RESPONSES)


def _promise_out(summary: DeliverySummary | None) -> DeliveryPromiseOut | None:
    if summary is None:
        return None
    return DeliveryPromiseOut(
        earliest_date=summary.earliest_date,
        latest_date=summary.latest_date,
        business_days_min=summary.business_days_min,
        business_days_max=summary.business_days_max,
        local_stock=summary.local_stock,
        badge=summary.badge,
    )


def _preview_discount(
    session: Session,
    store: Store,
    shopper_id: str,
    cart_coupon: str | None,
    subtotal: int,
    notes: list[str],
    status: dict[str, str | None] | None = None,
) -> int:
    """The coupon's discount as checkout would take it (share codes are applied at checkout)."""
    if not cart_coupon:
        return 0
    try:
        coupon = find_coupon(session, store.id, cart_coupon)
        check_coupon(session, coupon, shopper_id, subtotal, utcnow())
    except DomainError as exc:
        notes.append(f"coupon not applied: {exc.message}")
        if status is not None:
            status.update(code=cart_coupon, error=exc.code)
        return 0
    if status is not None:
        status.update(code=cart_coupon, error=None)
    if coupon.kind == "percent":
        return min(subtotal, percent_of(subtotal, coupon.percent_off or 0))
    return min(subtotal, coupon.amount_off or 0)


def quote_for_cart(
    session: Session,
    shopper: CurrentShopper,
    data: QuoteIn,
    settings: Settings,
    coupon: dict[str, str | None] | None = None,
) -> CrossBorderQuote:
    """The quote checkout will reproduce: same pricing, allocation, tax and methods."""
    store = shopper.store
    now = utcnow()
    # An address is optional for a quote; when given, its state/province is the tax region.
    contact = address.contact_or_422(data, data.country, required=False)
    region = contact.region or data.region
    cart = carts.get_or_create_cart(session, store.id, shopper.shopper_id)
    view = carts.cart_view(session, cart, store, data.locale, now)
    if not view.lines:
        raise UnprocessableError("the cart is empty", code="cart_empty")
    for line in view.lines:  # what the destination forbids is refused here, as at checkout
        carts._sellable_variant(session, store.id, line.variant_id, data.country)
    ids = [line.variant_id for line in view.lines]
    weights = dict(
        session.execute(select(Variant.id, Variant.weight_grams).where(Variant.id.in_(ids))).all()
    )
    categories = carts.tax_categories(session, ids)
    notes: list[str] = []
    discount = _preview_discount(
        session, store, shopper.shopper_id, cart.coupon_code, view.subtotal_amount, notes, coupon
    )
    if cart.share_code:
        notes.append("share-code discount is applied at checkout")
    plan = plan_shipments(
        session,
        store.id,
        [
            PlanItem(ln.variant_id, ln.sku, ln.quantity, weights.get(ln.variant_id))
            for ln in view.lines
        ],
        data.country,
        region,
        now,
    )
    result = crossborder.compose(
        [
            ItemIn(
                variant_id=ln.variant_id,
                sku=ln.sku,
                title=ln.title,
                quantity=ln.quantity,
                unit_price=ln.unit_price_amount,
                list_price=ln.list_price_amount,
                category=categories.get(ln.variant_id, "general"),
            )
            for ln in sorted(view.lines, key=lambda ln: ln.variant_id)
        ],
        discount=discount,
        shipments=plan,
        profile=profile_for(session, store),
        destination=crossborder.Destination(
            country=data.country,
            region=region,
            currency=data.currency,
            vat_id=data.vat_id,
            locale=data.locale,
        ),
        fx=fx_snapshot(settings),
        on=now.date(),
    )
    result.notes[:0] = notes
    return result


def _tax_line(applied: crossborder.AppliedTax) -> TaxLineOut:
    line = applied.line
    return TaxLineOut(
        name=line.name,
        rate_percent=format(line.rate_percent.normalize(), "f"),
        amount=line.amount,
        collected_at=str(line.collected_at),
        jurisdiction=line.jurisdiction,
        scheme=line.scheme,
        included=applied.included,
        origin_country=applied.origin_country,
    )


def _note_out(message: NoteMessage | None) -> NoteMessageOut | None:
    if message is None:
        return None
    return NoteMessageOut(key=message.key, params=message.params, inner=_note_out(message.inner))


@shop_router.post("/cart/quote", response_model=QuoteOut)
def quote_cart(ctx: Ctx, shopper: CurrentShopper, data: QuoteIn) -> QuoteOut:
    """The cart as a shopper abroad sees it before paying: their currency, destination tax and
    duties (what is collected now and what at import), shipping with the delivery promise per
    parcel, and the payment methods that fit. Checkout charges exactly ``total_amount``."""
    coupon: dict[str, str | None] = {}
    with ctx.db.read() as session:
        result = quote_for_cart(session, shopper, data, ctx.settings, coupon)
    return QuoteOut(
        coupon=CouponStatusOut(code=coupon["code"] or "", error=coupon["error"])
        if coupon
        else None,
        currency=result.currency,
        fx_rate=format(result.fx_rate.normalize(), "f"),
        fx_source=result.fx_source,
        fx_as_of=result.fx_as_of,
        prices_include_tax=result.prices_include_tax,
        lines=[
            QuoteLineOut(
                variant_id=ln.variant_id,
                title=ln.title,
                quantity=ln.quantity,
                unit_price_amount=ln.unit_price,
                line_total_amount=ln.line_total,
            )
            for ln in result.lines
        ],
        subtotal_amount=result.subtotal,
        discount_amount=result.discount,
        shipping_amount=result.shipping,
        shipments=[
            QuoteShipmentOut(
                warehouse_code=s.source.warehouse_code,
                origin_country=s.source.origin_country,
                carrier=s.source.carrier,
                service=s.source.service,
                customs=s.source.customs,
                items=[
                    ShipmentItemOut(variant_id=v, sku=sku, quantity=q)
                    for v, sku, q in s.source.items
                ],
                weight_grams=s.source.weight_grams,
                amount=s.amount,
                promise=_promise_out(crossborder.summarise([s.promise] if s.promise else [])),
            )
            for s in result.shipments
        ],
        delivery_promise=_promise_out(result.delivery),
        tax_lines=[_tax_line(t) for t in result.taxes if t.kind == "tax"],
        duty_lines=[_tax_line(t) for t in result.taxes if t.kind == "duty"],
        tax_rule=result.tax.rule.id,
        tax_rule_text=result.tax.rule.text,
        tax_scheme=result.scheme,
        registration_number=result.registration_number,
        tax_amount=result.tax_added,
        included_tax_amount=result.tax_included,
        duty_amount=result.duty_at_checkout,
        total_amount=result.total,
        due_at_checkout_amount=result.total,
        due_at_import_amount=result.due_at_import,
        tax_category=result.category,
        payment_methods=[PaymentMethodOut(**m) for m in result.payment_methods],
        notes=result.notes,
        note_messages=[_note_out(note_message(n)) for n in result.notes],
    )


def _store(session: Session, store_id: str) -> Store:
    return get_store(session, store_id)


@router.get("/settings/tax", response_model=TaxSettingsOut)
def get_tax_settings(ctx: Ctx, staff: Staff) -> TaxSettingsOut:
    """Gross or net prices, the store's VAT/IOSS/other registrations, DDP."""
    staff.require("orders.read")
    with ctx.db.read() as session:
        return TaxSettingsOut.model_validate(
            get_settings_row(session, _store(session, staff.store_id))
        )


@router.put("/settings/tax", response_model=TaxSettingsOut)
def put_tax_settings(ctx: Ctx, staff: Staff, data: TaxSettingsIn) -> TaxSettingsOut:
    staff.require("orders.write")
    with ctx.unit_of_work() as (session, _):
        row = save_settings(
            session, _store(session, staff.store_id), data.model_dump(exclude_unset=True)
        )
        return TaxSettingsOut.model_validate(row)


def _invoice_order(
    ctx: Ctx, request: Request, credentials: Credentials, order_id: str, key: str | None = None
) -> Order:
    """Staff of the order's store (orders.read), the shopper who placed it, or whoever
    holds the order page's signed link (the invoice link on that page, from the e-mail)."""
    from castcart.accounts.service import resolve_token
    from castcart.commerce.order_links import check_order_key

    token = credentials.credentials if credentials is not None else ""
    with ctx.db.read() as session:
        if key is not None:
            if not check_order_key(ctx.settings.secret_key, order_id, key):
                raise NotFoundError("order not found", code="order_not_found")
            order = session.get(Order, order_id)
            if order is None:
                raise NotFoundError("order not found", code="order_not_found")
            return order
        if not token:
            staff = get_staff(ctx, request, credentials)  # also accepts the session cookie
            staff.require("orders.read")
            return orders.get_order(session, staff.store_id, order_id)
        row = resolve_token(session, token)
        if row.kind == "staff":
            staff = get_staff(ctx, request, credentials)
            staff.require("orders.read")
            return orders.get_order(session, staff.store_id, order_id)
        if row.kind == "shopper" and row.shopper_id:
            order = orders.get_order(session, row.store_id, order_id)
            if order.shopper_id != row.shopper_id:
                raise NotFoundError("order not found", code="order_not_found")
            return order
        raise AuthenticationError("invalid or expired token", code="invalid_token")


# The order page's signed key (castcart.commerce.order_links): opens the invoice without a login.
InvoiceKey = Annotated[str | None, Query(max_length=64)]


@router.get(
    "/orders/{order_id}/invoice.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "the invoice as HTML"}},
)
def invoice_html(
    ctx: Ctx,
    request: Request,
    credentials: Credentials,
    order_id: ObjectId,
    key: InvoiceKey = None,
) -> Response:
    """The order's invoice with what its destination requires (seller and buyer, VAT and
    IOSS numbers, tax per rate, currency and FX note, reverse-charge wording)."""
    order = _invoice_order(ctx, request, credentials, order_id, key)
    with ctx.db.read() as session:
        doc = invoices.build(session, order.id)
    return Response(invoices.render_html(doc), media_type="text/html; charset=utf-8")


@router.get(
    "/orders/{order_id}/invoice.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the invoice as PDF"}},
)
def invoice_pdf(
    ctx: Ctx,
    request: Request,
    credentials: Credentials,
    order_id: ObjectId,
    key: InvoiceKey = None,
) -> Response:
    order = _invoice_order(ctx, request, credentials, order_id, key)
    with ctx.db.read() as session:
        doc = invoices.build(session, order.id)
    return Response(
        invoices.render_pdf(doc),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="invoice-{doc.number}.pdf"'},
    )


@router.get(
    "/reports/tax",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "OSS/IOSS-style CSV"}},
)
def tax_report(
    ctx: Ctx,
    staff: Staff,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> Response:
    """Seller-declared tax of paid orders supplied in [from, to], grouped by scheme,
    jurisdiction and rate (import-collected tax is the carrier's and left out)."""
    staff.require("orders.read")
    if end < start:
        raise UnprocessableError("'to' is before 'from'", code="invalid_period")
    with ctx.db.read() as session:
        body = taxreport.report_for_store(session, staff.store_id, start, end)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="tax-{start}-{end}.csv"',
        },
    )


__all__ = ["router", "shop_router"]
