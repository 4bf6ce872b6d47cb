from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from castcart.accounts.schemas import ShopperSessionOut
from castcart.commerce import cart as carts
from castcart.commerce import orders, payments, promotions
from castcart.commerce.address import contact_or_422
from castcart.commerce.checkout import CheckoutRequest, checkout, find_existing, precheck_stock
from castcart.commerce.crossborder import LOCAL_STOCK_BADGE, Destination
from castcart.commerce.models import Order, Payment, ShareCode, ShareOffer
from castcart.commerce.order_links import order_page_path
from castcart.commerce.schemas import (
    CartLineIn,
    CartLineQuantity,
    CartOut,
    CartPatch,
    CheckoutIn,
    CheckoutPrefillOut,
    CouponIn,
    CouponOut,
    DeliveryPromiseOut,
    FxOut,
    OrderAccountIn,
    OrderOut,
    OrderTransitionIn,
    PaymentOut,
    SandboxOutcomeIn,
    ShareCodeOut,
    ShareOfferIn,
    ShareOfferOut,
)
from castcart.commerce.taxsettings import fx_snapshot
from castcart.core.clock import utcnow
from castcart.core.errors import ConflictError, DomainError, NotFoundError
from castcart.core.failpoints import failpoint
from castcart.events import CartItemAdded
from castcart.payment_methods import method_name as payment_method_name
from castcart.shows.service import get_show
from castcart.web.deps import (
    Credentials,
    Ctx,
    CurrentShopper,
    PublicStore,
    Staff,
    get_staff,
)
from castcart.web.errors import ERROR_RESPONSES

ObjectId = Annotated[str, Path(max_length=32)]
IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", min_length=8, max_length=128, pattern=r"^[\x21-\x7e]+$")
]

router = APIRouter(prefix="/api/v1", tags=["commerce"], responses=ERROR_RESPONSES)


def order_out(order: Order, lang: str = "en") -> OrderOut:
    """The order with its cross-border record: FX used, tax lines, parcels and promise."""
    out = OrderOut.model_validate(order)
    out.payment_method_name = payment_method_name(
        order.payment_method, lang, order.destination_country
    )
    if order.fx_rate is not None and order.fx_as_of is not None:
        out.fx = FxOut(
            rate=order.fx_rate,
            source=order.fx_source or "",
            as_of=order.fx_as_of,
            from_currency=order.store_currency or order.currency,
            to_currency=order.currency,
        )
    dated = [s for s in order.shipments if s.earliest_date and s.latest_date]
    if dated:
        local = all(s.local_stock for s in dated)
        out.delivery_promise = DeliveryPromiseOut(
            earliest_date=max(s.earliest_date for s in dated),  # type: ignore[type-var]
            latest_date=max(s.latest_date for s in dated),  # type: ignore[type-var]
            business_days_min=max(s.business_days_min or 0 for s in dated),
            business_days_max=max(s.business_days_max or 0 for s in dated),
            local_stock=local,
            badge=LOCAL_STOCK_BADGE if local else None,
        )
    return out


@router.get("/coupons", response_model=list[CouponOut])
def list_coupons(ctx: Ctx, staff: Staff) -> list[CouponOut]:
    staff.require("promotions.read")
    with ctx.db.read() as session:
        return [
            CouponOut.model_validate(c) for c in promotions.list_coupons(session, staff.store_id)
        ]


@router.post("/coupons", status_code=status.HTTP_201_CREATED, response_model=CouponOut)
def create_coupon(ctx: Ctx, staff: Staff, data: CouponIn) -> CouponOut:
    staff.require("promotions.write")
    with ctx.unit_of_work() as (session, _):
        return CouponOut.model_validate(promotions.create_coupon(session, staff.store_id, data))


@router.post(
    "/shows/{show_id}/share-offers",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareOfferOut,
    tags=["shows"],
)
def create_share_offer(
    ctx: Ctx, staff: Staff, show_id: ObjectId, data: ShareOfferIn
) -> ShareOfferOut:
    staff.require("promotions.write")
    with ctx.unit_of_work() as (session, _):
        offer = promotions.create_share_offer(session, staff.store_id, show_id, data)
        return ShareOfferOut.model_validate(offer)


@router.get("/orders", response_model=list[OrderOut])
def list_orders(
    ctx: Ctx,
    staff: Staff,
    order_status: Annotated[
        str | None,
        Query(alias="status", pattern="^(pending_payment|paid|fulfilled|cancelled|refunded)$"),
    ] = None,
    show_id: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
) -> list[OrderOut]:
    staff.require("orders.read")
    with ctx.db.read() as session:
        query = select(Order).where(Order.store_id == staff.store_id)
        if order_status:
            query = query.where(Order.status == order_status)
        if show_id:
            query = query.where(Order.show_id == show_id)
        rows = session.scalars(
            query.order_by(Order.created_at.desc(), Order.id).limit(limit).offset(offset)
        ).all()
        return [order_out(o) for o in rows]


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(
    ctx: Ctx,
    staff: Staff,
    order_id: ObjectId,
    lang: Annotated[
        str, Query(max_length=16, pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
    ] = "en",
) -> OrderOut:
    """`lang` names the payment method in the reader's language (the admin page sends its own)."""
    staff.require("orders.read")
    with ctx.db.read() as session:
        return order_out(orders.get_order(session, staff.store_id, order_id), lang)


@router.post("/orders/{order_id}/transition", response_model=OrderOut)
def transition_order(
    ctx: Ctx, staff: Staff, order_id: ObjectId, data: OrderTransitionIn
) -> OrderOut:
    """Merchant-side moves: fulfil, cancel, refund. Payment moves come from the gateway."""
    staff.require("orders.write")
    with ctx.unit_of_work() as (session, outbox):
        order = orders.get_order(session, staff.store_id, order_id)
        orders.transition(
            session,
            order,
            data.to,
            actor=f"staff:{staff.user_id}",
            reason=data.reason,
            outbox=outbox,
            low_stock_threshold=ctx.settings.low_stock_threshold,
        )
        return order_out(order)


shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES
)


def shop_order_out(ctx: Ctx, shopper: CurrentShopper, order: Order) -> OrderOut:
    """The owner's view of an order: with the signed link to its page (what the e-mail
    sends), so the shop page can link to it and the shopper can open it elsewhere."""
    out = order_out(order)
    out.order_page_url = order_page_path(shopper.store.slug, order.id, ctx.settings.secret_key)
    return out


@shop_router.get("/cart", response_model=CartOut)
def get_cart(ctx: Ctx, shopper: CurrentShopper) -> CartOut:
    with ctx.unit_of_work() as (session, _):
        cart = carts.get_or_create_cart(session, shopper.store.id, shopper.shopper_id)
        return carts.cart_view(session, cart, shopper.store, shopper.locale, utcnow())


@shop_router.patch("/cart", response_model=CartOut)
def patch_cart(ctx: Ctx, shopper: CurrentShopper, data: CartPatch) -> CartOut:
    """Attach the cart to a show (live prices), a coupon code or an unlocked share code."""
    with ctx.unit_of_work() as (session, _):
        cart = carts.get_or_create_cart(session, shopper.store.id, shopper.shopper_id)
        carts.patch_cart(session, cart, data)
        return carts.cart_view(session, cart, shopper.store, shopper.locale, utcnow())


@shop_router.post("/cart/lines", response_model=CartOut)
def add_cart_line(ctx: Ctx, shopper: CurrentShopper, data: CartLineIn) -> CartOut:
    with ctx.unit_of_work() as (session, outbox):
        cart = carts.get_or_create_cart(session, shopper.store.id, shopper.shopper_id)
        carts.add_line(session, cart, data.variant_id, data.quantity, shopper.country)
        # published after the commit: the live show's add-to-cart figure (realtime metrics)
        outbox.append(
            CartItemAdded(
                store_id=shopper.store.id,
                shopper_id=shopper.shopper_id,
                variant_id=data.variant_id,
                quantity=data.quantity,
                show_id=cart.show_id,
            )
        )
        return carts.cart_view(session, cart, shopper.store, shopper.locale, utcnow())


@shop_router.put("/cart/lines/{variant_id}", response_model=CartOut)
def set_cart_line(
    ctx: Ctx, shopper: CurrentShopper, variant_id: ObjectId, data: CartLineQuantity
) -> CartOut:
    """Set a line's quantity; 0 removes it."""
    with ctx.unit_of_work() as (session, _):
        cart = carts.get_or_create_cart(session, shopper.store.id, shopper.shopper_id)
        carts.set_line_quantity(session, cart, variant_id, data.quantity)
        return carts.cart_view(session, cart, shopper.store, shopper.locale, utcnow())


@shop_router.post(
    "/checkout",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderOut,
    responses={
        200: {"model": OrderOut, "description": "Replay of an earlier request with this key"}
    },
)
def checkout_cart(
    ctx: Ctx,
    shopper: CurrentShopper,
    response: Response,
    idempotency_key: IdempotencyKey,
    data: CheckoutIn,
) -> OrderOut:
    """Reserve stock and create an order awaiting payment, priced by the same cross-border
    quote as ``/cart/quote`` (currency, tax, duties, shipping; never client numbers). Send the
    same ``Idempotency-Key`` to retry safely: the same key returns the same order."""
    country = data.country or shopper.country or shopper.store.country
    # Physical goods only so far: a parcel needs an address, the confirmation an e-mail.
    contact = contact_or_422(data, country, required=True)
    request = CheckoutRequest(
        store=shopper.store,
        shopper_id=shopper.shopper_id,
        country=country,
        idempotency_key=idempotency_key,
        expected_total_amount=data.expected_total_amount,
        locale=data.locale,
        now=utcnow(),
        reservation_ttl=timedelta(seconds=ctx.settings.reservation_ttl_seconds),
        low_stock_threshold=ctx.settings.low_stock_threshold,
        destination=Destination(
            country=country,
            # The address's state/province is the tax region (US/CA sales tax, BR ICMS).
            region=contact.region or data.region,
            currency=data.currency,
            vat_id=data.vat_id,
            locale=data.locale,
        ),
        payment_method=data.payment_method,
        contact=contact,
        buyer=data.buyer.model_dump() if data.buyer else None,
        fx=fx_snapshot(ctx.settings),
        body=data.model_dump(exclude_none=True),
    )
    try:
        with ctx.db.read() as session:
            precheck_stock(session, request)
        with ctx.unit_of_work() as (session, outbox):
            order, created = checkout(session, request, outbox)
            out = shop_order_out(ctx, shopper, order)
        failpoint("checkout.after_commit")  # crash tests: committed, the shopper never hears
    except (IntegrityError, DomainError):
        # A concurrent request with the same key may have won the race (we then hit its
        # unique key, or found the cart it just emptied); everything of ours rolled back.
        with ctx.db.read() as session:
            existing = find_existing(session, request)
            if existing is None:
                raise
            out, created = shop_order_out(ctx, shopper, existing), False
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return out


@shop_router.get("/checkout/prefill", response_model=CheckoutPrefillOut)
def checkout_prefill(ctx: Ctx, shopper: CurrentShopper) -> CheckoutPrefillOut:
    """A signed-in shopper's e-mail, phone and address from their last order."""
    from castcart.accounts.models import Shopper

    with ctx.db.read() as session:
        row = session.get(Shopper, shopper.shopper_id)
        if row is None or row.password_hash is None:
            return CheckoutPrefillOut()
        last = session.scalar(
            select(Order)
            .where(Order.shopper_id == row.id, Order.shipping_address.is_not(None))
            .order_by(Order.created_at.desc())
            .limit(1)
        )
        if last is None:
            return CheckoutPrefillOut(contact_email=row.email)
        return CheckoutPrefillOut(
            country=last.destination_country,
            contact_email=last.contact_email or row.email,
            contact_phone=last.contact_phone,
            shipping_address=last.shipping_address,
        )


@shop_router.post("/orders/{order_id}/account", response_model=ShopperSessionOut)
def claim_order_account(
    ctx: Ctx,
    store: PublicStore,
    credentials: Credentials,
    order_id: ObjectId,
    data: OrderAccountIn,
) -> ShopperSessionOut:
    """After paying as a guest: set a password and the guest who placed the order becomes
    an account under the order's e-mail; the order (and cart) stay theirs. Allowed to the
    order's session or to whoever holds its signed link (which went to that e-mail).
    Returns a session for the account, for a device that had none."""
    from castcart.accounts import service as accounts
    from castcart.accounts.schemas import ShopperOut
    from castcart.commerce.order_links import check_order_key
    from castcart.core.errors import AuthenticationError

    with ctx.unit_of_work() as (session, _):
        order = orders.get_order(session, store.id, order_id)
        allowed = check_order_key(ctx.settings.secret_key, order.id, data.key)
        if not allowed and credentials is not None and credentials.credentials:
            try:
                principal = accounts.shopper_principal(session, credentials.credentials, store.id)
                allowed = principal.shopper_id == order.shopper_id
            except AuthenticationError:
                allowed = False
        if not allowed:
            raise NotFoundError("order not found", code="order_not_found")
        if order.status not in ("paid", "fulfilled") or not order.contact_email:
            raise ConflictError(
                "an account can be created from a paid order with an e-mail",
                code="order_not_paid",
            )
        shopper = accounts.register_shopper(
            session, order.shopper_id, email=order.contact_email, password=data.password
        )
        token, shopper = accounts.login_shopper(
            session,
            store,
            email=order.contact_email,
            password=data.password,
            ttl=timedelta(hours=ctx.settings.session_ttl_hours),
        )
        return ShopperSessionOut(token=token, shopper=ShopperOut.model_validate(shopper))


@shop_router.get("/orders", response_model=list[OrderOut])
def my_orders(ctx: Ctx, shopper: CurrentShopper) -> list[OrderOut]:
    with ctx.db.read() as session:
        rows = session.scalars(
            select(Order)
            .where(Order.shopper_id == shopper.shopper_id)
            .order_by(Order.created_at.desc())
            .limit(100)
        ).all()
        return [shop_order_out(ctx, shopper, o) for o in rows]


def _shopper_order(session: object, shopper: CurrentShopper, order_id: str) -> Order:
    order = orders.get_order(session, shopper.store.id, order_id)  # type: ignore[arg-type]
    if order.shopper_id != shopper.shopper_id:
        raise NotFoundError("order not found", code="order_not_found")
    return order


@shop_router.get("/orders/{order_id}", response_model=OrderOut)
def my_order(ctx: Ctx, shopper: CurrentShopper, order_id: ObjectId) -> OrderOut:
    with ctx.db.read() as session:
        return shop_order_out(ctx, shopper, _shopper_order(session, shopper, order_id))


@shop_router.post(
    "/orders/{order_id}/payments", status_code=status.HTTP_201_CREATED, response_model=PaymentOut
)
def pay_order(
    ctx: Ctx,
    shopper: CurrentShopper,
    order_id: ObjectId,
    gateway: Annotated[str, Query(pattern="^[a-z0-9_]{1,32}$")] = "sandbox",
    method: Annotated[str | None, Query(pattern="^[a-z0-9_]{1,32}$")] = None,
) -> PaymentOut:
    """Start a payment with a gateway in the order's currency; confirmation arrives later by
    signed webhook. ``method`` defaults to the one chosen at checkout, else the market's
    first; it must be one the order's market offers."""
    if gateway not in ctx.gateways:
        raise NotFoundError(f"no payment gateway {gateway!r}", code="gateway_not_found")
    with ctx.unit_of_work() as (session, _):
        order = _shopper_order(session, shopper, order_id)
        payment = payments.start_payment(
            session, ctx.gateways[gateway], order, ctx.settings.public_base_url, method=method
        )
        out = PaymentOut.model_validate(payment)
        out.checkout_url = (
            f"{ctx.settings.public_base_url}/api/v1/sandbox/payments/{payment.reference}"
            if payment.gateway == "sandbox"
            else ""
        )
        return out


@shop_router.get("/shows/{show_id}/share-offers", response_model=list[ShareOfferOut])
def show_share_offers(ctx: Ctx, shopper: CurrentShopper, show_id: ObjectId) -> list[ShareOfferOut]:
    with ctx.db.read() as session:
        show = get_show(session, shopper.store.id, show_id)
        return [
            ShareOfferOut.model_validate(o) for o in promotions.list_share_offers(session, show.id)
        ]


def _share_out(session: object, code: ShareCode) -> ShareCodeOut:
    offer = session.get(ShareOffer, code.offer_id)  # type: ignore[attr-defined]
    return ShareCodeOut(
        code=code.code,
        offer_id=code.offer_id,
        joins_count=code.joins_count,
        invites_required=offer.invites_required,
        unlocked=code.joins_count >= offer.invites_required,
        redeemed=code.redeemed_order_id is not None,
    )


@shop_router.post("/share-offers/{offer_id}/code", response_model=ShareCodeOut)
def my_share_code(ctx: Ctx, shopper: CurrentShopper, offer_id: ObjectId) -> ShareCodeOut:
    """My personal link code for a share-to-unlock offer."""
    with ctx.unit_of_work() as (session, _):
        code = promotions.share_code_for(session, shopper.store.id, offer_id, shopper.shopper_id)
        return _share_out(session, code)


@shop_router.post("/share-codes/{code}/join", response_model=ShareCodeOut)
def join_share_code(
    ctx: Ctx, shopper: CurrentShopper, code: Annotated[str, Path(max_length=32)]
) -> ShareCodeOut:
    """An invited shopper arrives through someone's link; counts once per shopper."""
    with ctx.unit_of_work() as (session, _):
        row = promotions.join_with_code(session, shopper.store.id, code, shopper.shopper_id)
        return _share_out(session, row)


webhook_router = APIRouter(prefix="/api/v1", tags=["payments"], responses=ERROR_RESPONSES)


@webhook_router.post("/webhooks/payments/{gateway}", status_code=status.HTTP_200_OK)
async def payment_webhook(
    ctx: Ctx,
    request: Request,
    gateway: Annotated[str, Path(pattern="^[a-z0-9_]{1,32}$")],
) -> dict[str, str]:
    """Gateway → castcart. The raw body's HMAC signature is checked before anything else."""
    from starlette.concurrency import run_in_threadpool

    if gateway not in ctx.gateways:
        raise NotFoundError(f"no payment gateway {gateway!r}", code="gateway_not_found")
    body = await request.body()
    notice = ctx.gateways[gateway].parse_webhook(dict(request.headers), body)

    def apply() -> str:
        with ctx.unit_of_work(after_commit="payment.after_commit") as (session, outbox):
            payment = payments.apply_webhook(
                session, gateway, notice, outbox, ctx.settings.low_stock_threshold
            )
            return "duplicate" if payment is None else payment.status

    return {"result": await run_in_threadpool(apply)}


@webhook_router.post("/sandbox/payments/{reference}", response_model=PaymentOut, tags=["sandbox"])
def sandbox_complete(
    ctx: Ctx,
    request: Request,
    credentials: Credentials,
    reference: Annotated[str, Path(max_length=80)],
    data: SandboxOutcomeIn,
) -> PaymentOut:
    """The sandbox gateway's stand-in for a PSP's hosted payment page: it decides the outcome
    and delivers a signed webhook through the same verification path a real PSP uses. In
    production (where the operator enabled it explicitly) only the store's staff may use it."""
    gateway = ctx.gateways.get("sandbox")
    if not isinstance(gateway, payments.SandboxGateway):
        raise NotFoundError("the sandbox gateway is disabled", code="gateway_not_found")
    staff = get_staff(ctx, request, credentials) if ctx.settings.sandbox_requires_staff else None
    with ctx.db.read() as session:
        payment = session.scalar(
            select(Payment).where(Payment.reference == reference, Payment.gateway == "sandbox")
        )
        if payment is None or (staff is not None and staff.store_id != payment.store_id):
            raise NotFoundError("unknown payment reference", code="payment_not_found")
        if staff is not None:
            staff.require("orders.write")
        if payment.status != "pending":
            raise ConflictError(f"payment is already {payment.status}", code="payment_not_pending")
    headers, body = gateway.webhook_for(payment, data.outcome)
    notice = gateway.parse_webhook(headers, body)
    with ctx.unit_of_work(after_commit="payment.after_commit") as (session, outbox):
        result = payments.apply_webhook(
            session, "sandbox", notice, outbox, ctx.settings.low_stock_threshold
        )
        return PaymentOut.model_validate(result or payment)
