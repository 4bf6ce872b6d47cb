"""A cart per shopper, priced live (list, live-only or flash price)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.catalog.models import Product, Variant
from castcart.catalog.service import get_variant, title_for
from castcart.commerce.models import Cart, CartLine
from castcart.commerce.pricing import PriceOptions, unit_price
from castcart.commerce.schemas import CartLineOut, CartOut, CartPatch
from castcart.compliance.restricted import restrictions
from castcart.core.errors import NotFoundError, UnprocessableError
from castcart.shows.lifecycle import ShowStatus, is_on_air
from castcart.shows.models import FlashSale, LivePrice, Show
from castcart.shows.service import active_flash_sale, get_show

MAX_CART_LINES = 50


@dataclass(frozen=True)
class LinePrice:
    unit: int
    source: str
    flash_sale: FlashSale | None


def price_for(
    session: Session, show: Show | None, variant: Variant, at: datetime, *, use_flash: bool = True
) -> LinePrice:
    """Live and flash prices only count while the show is on air (live, or briefly
    interrupted while the encoder reconnects); on the replay of an ended show the live
    prices count only when the seller kept them (``replay_keeps_live_prices``), flash
    sales never. Once a flash sale's cap is reached the variant sells at its normal (live
    or list) price again."""
    live_price: int | None = None
    flash: FlashSale | None = None
    if show is not None and show.status == ShowStatus.ENDED and show.replay_keeps_live_prices:
        live_price = session.scalar(
            select(LivePrice.price_amount).where(
                LivePrice.show_id == show.id, LivePrice.variant_id == variant.id
            )
        )
    elif show is not None and is_on_air(show.status):
        live_price = session.scalar(
            select(LivePrice.price_amount).where(
                LivePrice.show_id == show.id, LivePrice.variant_id == variant.id
            )
        )
        flash = active_flash_sale(session, show.id, variant.id, at) if use_flash else None
        if flash is not None and flash.sold >= flash.quantity_cap:
            flash = None
    unit, source = unit_price(
        PriceOptions(
            list_price=variant.price_amount,
            live_price=live_price,
            flash_price=flash.price_amount if flash else None,
        )
    )
    return LinePrice(unit=unit, source=source, flash_sale=flash if source == "flash_sale" else None)


def get_or_create_cart(session: Session, store_id: str, shopper_id: str) -> Cart:
    cart = session.scalar(select(Cart).where(Cart.shopper_id == shopper_id))
    if cart is None:
        cart = Cart(store_id=store_id, shopper_id=shopper_id)
        session.add(cart)
        session.flush()
    return cart


def _sellable_variant(
    session: Session, store_id: str, variant_id: str, country: str | None = None
) -> Variant:
    variant = get_variant(session, store_id, variant_id)
    product = session.get(Product, variant.product_id)
    if product is None or product.status != "active":
        raise UnprocessableError("this product is not for sale", code="product_unavailable")
    if country is not None:
        forbidden = restrictions(product.attributes, country)
        if forbidden:
            raise UnprocessableError(
                f"this product cannot be sold to {country}",
                code="restricted_in_market",
                details={"country": country, "rules": [r.rule for r in forbidden]},
            )
    return variant


def add_line(
    session: Session, cart: Cart, variant_id: str, quantity: int, country: str | None = None
) -> Cart:
    _sellable_variant(session, cart.store_id, variant_id, country)
    line = next((ln for ln in cart.lines if ln.variant_id == variant_id), None)
    if line is None:
        if len(cart.lines) >= MAX_CART_LINES:
            raise UnprocessableError("the cart is full", code="cart_full")
        cart.lines.append(CartLine(variant_id=variant_id, quantity=quantity))
    else:
        if line.quantity + quantity > 100:
            raise UnprocessableError("at most 100 of one item", code="quantity_limit")
        line.quantity += quantity
    session.flush()
    return cart


def set_line_quantity(session: Session, cart: Cart, variant_id: str, quantity: int) -> Cart:
    line = next((ln for ln in cart.lines if ln.variant_id == variant_id), None)
    if line is None:
        raise NotFoundError("that item is not in the cart", code="cart_line_not_found")
    if quantity == 0:
        cart.lines.remove(line)
    else:
        line.quantity = quantity
    session.flush()
    return cart


def patch_cart(session: Session, cart: Cart, data: CartPatch) -> Cart:
    fields = data.model_fields_set
    if "show_id" in fields:
        if data.show_id is not None:
            get_show(session, cart.store_id, data.show_id)
        cart.show_id = data.show_id
    if "coupon_code" in fields:
        cart.coupon_code = data.coupon_code.upper() if data.coupon_code else None
    if "share_code" in fields:
        cart.share_code = data.share_code
    session.flush()
    return cart


def cart_view(session: Session, cart: Cart, store: Store, locale: str, at: datetime) -> CartOut:
    show = session.get(Show, cart.show_id) if cart.show_id else None
    lines: list[CartLineOut] = []
    for line in cart.lines:
        variant = session.get(Variant, line.variant_id)
        if variant is None:
            continue
        product = session.get(Product, variant.product_id)
        price = price_for(session, show, variant, at)
        lines.append(
            CartLineOut(
                variant_id=variant.id,
                product_id=variant.product_id,
                sku=variant.sku,
                title=title_for(product, locale, store.default_locale) if product else variant.sku,
                quantity=line.quantity,
                list_price_amount=variant.price_amount,
                unit_price_amount=price.unit,
                price_source=price.source,
                line_total_amount=price.unit * line.quantity,
            )
        )
    return CartOut(
        id=cart.id,
        show_id=cart.show_id,
        coupon_code=cart.coupon_code,
        share_code=cart.share_code,
        currency=store.currency,
        lines=lines,
        subtotal_amount=sum(ln.line_total_amount for ln in lines),
    )


def tax_categories(session: Session, variant_ids: list[str]) -> dict[str, str]:
    """variant id → the product's ``category`` attribute (what the tax table keys on)."""
    rows = session.execute(
        select(Variant.id, Product.attributes)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.id.in_(variant_ids))
    ).all()
    return {vid: str((attrs or {}).get("category", "general")) for vid, attrs in rows}
