from __future__ import annotations

from fastapi import APIRouter

from castcart.commerce import cart as carts
from castcart.commerce import crossborder
from castcart.commerce.schemas import (
    PaymentMethodOut,
    QuoteIn,
    QuoteLineOut,
    QuoteOut,
    TaxLineOut,
)
from castcart.core.clock import utcnow
from castcart.tax import TaxLine
from castcart.web.deps import Ctx, CurrentShopper
from castcart.web.errors import ERROR_RESPONSES

shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES
)


def _tax_line(line: TaxLine) -> TaxLineOut:
    return TaxLineOut(
        name=line.name,
        rate_percent=str(line.rate_percent),
        amount=line.amount,
        collected_at=str(line.collected_at),
        jurisdiction=line.jurisdiction,
        scheme=line.scheme,
    )


@shop_router.post("/cart/quote", response_model=QuoteOut)
def quote_cart(ctx: Ctx, shopper: CurrentShopper, data: QuoteIn) -> QuoteOut:
    """The cart as a shopper abroad sees it before paying: their currency, destination tax and
    duties (what is collected now and what at import), and the payment methods that fit."""
    with ctx.db.read() as session:
        cart = carts.get_or_create_cart(session, shopper.store.id, shopper.shopper_id)
        view = carts.cart_view(session, cart, shopper.store, data.locale, utcnow())
        categories = carts.tax_categories(session, [line.variant_id for line in view.lines])
    result = crossborder.quote_cart(
        view,
        store_country=shopper.store.country,
        store_currency=shopper.store.currency,
        categories=categories,
        destination=crossborder.Destination(
            country=data.country,
            region=data.region,
            currency=data.currency,
            vat_id=data.vat_id,
            locale=data.locale,
        ),
    )
    return QuoteOut(
        currency=result.currency,
        fx_rate=result.fx_rate,
        fx_source=result.fx_source,
        fx_as_of=result.fx_as_of,
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
        tax_lines=[_tax_line(t) for t in result.tax.lines],
        duty_lines=[_tax_line(t) for t in result.tax.duties],
        tax_rule=result.tax.rule.id,
        tax_rule_text=result.tax.rule.text,
        due_at_checkout_amount=result.due_at_checkout,
        due_at_import_amount=result.due_at_import,
        tax_category=result.category,
        payment_methods=[PaymentMethodOut(**m) for m in result.payment_methods],
        notes=result.notes,
    )
