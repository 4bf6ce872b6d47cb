"""The cross-border view of a cart: the shopper's currency, destination tax and duties, and
the payment methods that fit. Pure composition of `money`, `tax` and `payment_methods`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.numbers import get_territory_currencies

from castcart.commerce.schemas import CartOut
from castcart.core.errors import UnprocessableError
from castcart.money import FxError, FxSnapshot, Money, bundled_snapshot, validate_currency
from castcart.money.currency import UnknownCurrencyError
from castcart.payment_methods import PaymentMethodError, available_methods
from castcart.tax import Category, TaxCase, TaxError, TaxQuote, quote


@dataclass(frozen=True)
class Destination:
    country: str
    region: str | None = None
    currency: str | None = None
    vat_id: str | None = None
    locale: str = "en"


@dataclass(frozen=True)
class QuotedLine:
    variant_id: str
    title: str
    quantity: int
    unit_price: int
    line_total: int


@dataclass(frozen=True)
class CrossBorderQuote:
    currency: str
    fx_rate: str
    fx_source: str
    fx_as_of: str
    lines: list[QuotedLine]
    subtotal: int
    tax: TaxQuote
    due_at_checkout: int
    due_at_import: int
    category: str
    payment_methods: list[dict[str, str]]
    notes: list[str]


def shopper_currency(destination: Destination, store_currency: str) -> str:
    if destination.currency:
        try:
            return validate_currency(destination.currency)
        except UnknownCurrencyError as exc:
            raise UnprocessableError(str(exc), code="unknown_currency") from exc
    local = get_territory_currencies(destination.country, date.today())
    return str(local[0]) if local else store_currency


def quote_cart(
    cart: CartOut,
    *,
    store_country: str,
    store_currency: str,
    categories: dict[str, str],
    destination: Destination,
    fx: FxSnapshot | None = None,
) -> CrossBorderQuote:
    """Converts each line once (so the lines always add up to the subtotal), then quotes tax on
    the converted consignment. A cart mixing tax categories is quoted at the general rate."""
    if not cart.lines:
        raise UnprocessableError("the cart is empty", code="cart_empty")
    fx = fx or bundled_snapshot()
    currency = shopper_currency(destination, store_currency)
    notes: list[str] = []
    try:
        lines = []
        for line in cart.lines:
            unit = fx.convert(Money(line.unit_price_amount, cart.currency), currency).result
            lines.append(
                QuotedLine(
                    line.variant_id,
                    line.title,
                    line.quantity,
                    unit.amount,
                    unit.amount * line.quantity,
                )
            )
        rate = fx.rate(cart.currency, currency)
    except FxError as exc:
        raise UnprocessableError(f"no exchange rate for {currency}", code="fx_unavailable") from exc
    subtotal = sum(line.line_total for line in lines)

    kinds = {categories.get(line.variant_id, "general") for line in cart.lines}
    category = Category.GENERAL
    if len(kinds) == 1:
        try:
            category = Category.parse(kinds.pop())
        except ValueError:
            notes.append("product category unknown to the tax table; general rate used")
    else:
        notes.append("cart mixes tax categories; quoted at the general rate")
    notes.append("shipping not yet included: delivery lanes are not configured for this store")
    try:
        tax = quote(
            TaxCase(
                seller_country=store_country,
                buyer_country=destination.country,
                buyer_region=destination.region,
                goods_value=subtotal,
                currency=currency,
                category=category,
                buyer_vat_id=destination.vat_id,
            )
        )
    except TaxError as exc:
        raise UnprocessableError(exc.message, code=exc.code) from exc
    due_now = subtotal + tax.due_at_checkout
    try:
        methods = available_methods(destination.country, currency, due_now)
    except PaymentMethodError as exc:
        raise UnprocessableError(exc.message, code=exc.code) from exc
    return CrossBorderQuote(
        currency=currency,
        fx_rate=str(rate),
        fx_source=fx.source,
        fx_as_of=fx.as_of.isoformat(),
        lines=lines,
        subtotal=subtotal,
        tax=tax,
        due_at_checkout=due_now,
        due_at_import=tax.due_at_import,
        category=category.value,
        payment_methods=[
            {"id": m.id, "kind": m.kind.value, "name": m.display_name(destination.locale)}
            for m in methods
        ],
        notes=notes + list(tax.notes),
    )
