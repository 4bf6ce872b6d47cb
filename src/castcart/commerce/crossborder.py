"""The cross-border view of a cart: the shopper's currency, destination tax and duties,
shipping with its delivery promise, and the payment methods that fit.

Pure composition of `money`, `tax`, `fulfillment` and `payment_methods`; the quote endpoint
and checkout both call `compose`, so what a shopper is quoted is what checkout charges.

Gross and net store prices (docs/cross-border.md, "Gross and net prices"):
- A **net** store's catalogue prices exclude tax; destination tax collected at checkout is
  added on top.
- A **gross** store's prices include its home market's VAT/GST at the consignment's rate.
  That home tax is taken out first (net = gross x 100 / (100 + rate), half-up, per unit, on
  the discount and on shipping) and the destination's tax goes on the net. When the tax
  collected at checkout is a single line at the home rate (a domestic sale, a sale below the
  EU distance-selling threshold, or a member state with the same rate), the shopper pays the
  gross sticker price exactly: the lines stay gross and the tax is carved out of them
  (`included`). Otherwise the lines are shown net and the destination tax is added.
Every total is ``subtotal - discount + shipping + added tax + duties collected at checkout``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_territory_currencies

from castcart.core.errors import UnprocessableError
from castcart.fulfillment import Promise
from castcart.money import FxError, FxSnapshot, Money, validate_currency
from castcart.money.currency import UnknownCurrencyError
from castcart.money.money import round_to_minor
from castcart.payment_methods import (
    GatewayCapabilities,
    PaymentMethodError,
    available_methods,
)
from castcart.tax import Category, Rule, TaxCase, TaxError, TaxLine, TaxQuote, quote

LOCAL_STOCK_BADGE = "Local stock: arrives in ≤ 72 h"


@dataclass(frozen=True)
class Destination:
    country: str
    region: str | None = None
    currency: str | None = None
    vat_id: str | None = None
    locale: str = "en"


@dataclass(frozen=True)
class TaxProfile:
    """The store's side of the tax question (from `StoreTaxSettings` and `Store`)."""

    home_country: str
    store_currency: str
    prices_include_tax: bool
    ddp: bool = False
    vat_number: str | None = None
    ioss_number: str | None = None
    registrations: dict[str, str] = field(default_factory=dict)
    eu_distance_sales_prior_year: int | None = None
    eu_distance_sales_current_year: int | None = None


@dataclass(frozen=True)
class ItemIn:
    """A priced cart line in the store currency (after live/flash pricing)."""

    variant_id: str
    sku: str
    title: str
    quantity: int
    unit_price: int
    list_price: int
    category: str = "general"


@dataclass(frozen=True)
class ShipmentIn:
    """A planned parcel: its lane's price (in the lane currency) and its promise."""

    warehouse_id: str
    warehouse_code: str
    lane_id: str | None
    carrier: str
    service: str
    customs: bool
    items: tuple[tuple[str, str, int], ...]  # (variant_id, sku, quantity)
    weight_grams: int
    rate: Money
    promise: Promise | None
    # The warehouse's country: where the parcel ships from, so where its tax treatment starts
    # (None: the store's home country).
    origin_country: str | None = None


@dataclass(frozen=True)
class QuotedLine:
    variant_id: str
    sku: str
    title: str
    quantity: int
    list_price: int
    unit_price: int
    line_total: int


@dataclass(frozen=True)
class QuotedShipment:
    source: ShipmentIn
    amount: int

    @property
    def promise(self) -> Promise | None:
        return self.source.promise


@dataclass(frozen=True)
class AppliedTax:
    """A tax engine line as charged: `included` lines sit inside gross prices."""

    kind: str  # tax | duty
    line: TaxLine
    included: bool = False
    # Where the goods this line taxes ship from (an order split over countries has several).
    origin_country: str | None = None


@dataclass(frozen=True)
class DeliverySummary:
    earliest_date: date
    latest_date: date
    business_days_min: int
    business_days_max: int
    local_stock: bool

    @property
    def badge(self) -> str | None:
        return LOCAL_STOCK_BADGE if self.local_stock else None


@dataclass(frozen=True)
class CrossBorderQuote:
    currency: str
    store_currency: str
    fx_rate: Decimal
    fx_source: str
    fx_as_of: str
    lines: list[QuotedLine]
    subtotal: int
    discount: int
    shipping: int
    shipments: list[QuotedShipment]
    taxes: list[AppliedTax]
    tax: TaxQuote
    tax_added: int
    tax_included: int
    duty_at_checkout: int
    due_at_import: int
    total: int
    category: str
    prices_include_tax: bool
    scheme: str
    registration_number: str | None
    delivery: DeliverySummary | None
    payment_methods: list[dict[str, str]]
    notes: list[str]


def order_total(subtotal: int, discount: int, shipping: int, tax_added: int, duties: int) -> int:
    """The one formula every order total comes from (property-tested)."""
    return subtotal - discount + shipping + tax_added + duties


def net_of(gross: int, rate: Decimal) -> int:
    """The net amount inside `gross` at `rate` percent, rounded half-up to a minor unit."""
    return round_to_minor(Decimal(gross) * 100 / (100 + rate), ROUND_HALF_UP)


def shopper_currency(destination: Destination, store_currency: str, fx: FxSnapshot) -> str:
    """The currency the shopper asked for, else their country's, else the store's when the
    FX snapshot has no rate for the local one."""
    if destination.currency:
        try:
            code = validate_currency(destination.currency)
        except UnknownCurrencyError as exc:
            raise UnprocessableError(str(exc), code="unknown_currency") from exc
        if code not in fx.currencies():
            raise UnprocessableError(f"no exchange rate for {code}", code="fx_unavailable")
        return code
    local = get_territory_currencies(destination.country, date.today())
    if local and str(local[0]) in fx.currencies():
        return str(local[0])
    return store_currency


def consignment_category(items: Sequence[ItemIn], notes: list[str]) -> Category:
    kinds = {item.category for item in items}
    if len(kinds) != 1:
        notes.append("cart mixes tax categories; quoted at the general rate")
        return Category.GENERAL
    try:
        return Category.parse(kinds.pop())
    except ValueError:
        notes.append("product category unknown to the tax table; general rate used")
        return Category.GENERAL


def home_rate(profile: TaxProfile, category: Category, currency: str, on: date) -> Decimal:
    """The rate a gross price includes: the home market's own tax for this category."""
    try:
        domestic = quote(
            TaxCase(
                seller_country=profile.home_country,
                buyer_country=profile.home_country,
                goods_value=10000,
                currency=currency,
                category=category,
                on=on,
            )
        )
    except TaxError as exc:
        raise UnprocessableError(
            f"gross prices need one national VAT/GST rate in {profile.home_country}: {exc.message}",
            code="gross_prices_unsupported",
        ) from exc
    charged = [ln for ln in domestic.lines if ln.collected_at == "checkout"]
    if len(charged) != 1:
        raise UnprocessableError(
            f"gross prices need one national VAT/GST rate in {profile.home_country}",
            code="gross_prices_unsupported",
        )
    return charged[0].rate_percent


def registration_for(profile: TaxProfile, scheme: str, country: str) -> str | None:
    """The number the invoice and the customs data must carry for this scheme."""
    if scheme == "IOSS":
        return profile.ioss_number
    for key in (country, scheme):
        if key in profile.registrations:
            return profile.registrations[key]
    if scheme in {"domestic", "OSS", "reverse_charge"}:
        return profile.vat_number
    return None


def _convert(fx: FxSnapshot, amount: int, source: str, target: str) -> int:
    return fx.convert(Money(amount, source), target).result.amount


def compose(
    items: Sequence[ItemIn],
    *,
    discount: int,
    shipments: Sequence[ShipmentIn] | None,
    profile: TaxProfile,
    destination: Destination,
    fx: FxSnapshot,
    on: date,
    gateway: GatewayCapabilities | None = None,
) -> CrossBorderQuote:
    """Quote a cart for a destination. `discount` is in the store currency (as checkout
    computes coupons); `shipments` None means the store has no lanes (free, no promise)."""
    if not items:
        raise UnprocessableError("the cart is empty", code="cart_empty")
    notes: list[str] = []
    store_currency = profile.store_currency
    currency = shopper_currency(destination, store_currency, fx)
    try:
        rate = fx.rate(store_currency, currency)
        units = [_convert(fx, i.unit_price, store_currency, currency) for i in items]
        lists = [_convert(fx, i.list_price, store_currency, currency) for i in items]
        discount_p = _convert(fx, discount, store_currency, currency)
        ship_amounts = [
            _convert(fx, s.rate.amount, s.rate.currency, currency) for s in shipments or ()
        ]
    except FxError as exc:
        raise UnprocessableError(f"no exchange rate for {currency}", code="fx_unavailable") from exc
    gross_subtotal = sum(u * i.quantity for u, i in zip(units, items, strict=True))
    discount_p = min(discount_p, gross_subtotal)
    category = consignment_category(items, notes)
    if shipments is None:
        notes.append("no delivery lanes configured for this store: shipping not charged")

    r_home = (
        home_rate(profile, category, currency, on) if profile.prices_include_tax else Decimal(0)
    )

    def net(amount: int) -> int:
        return net_of(amount, r_home) if profile.prices_include_tax else amount

    net_units = [net(u) for u in units]
    net_subtotal = sum(u * i.quantity for u, i in zip(net_units, items, strict=True))
    net_discount = min(net(discount_p), net_subtotal)
    net_ships = [net(a) for a in ship_amounts]
    parts = _tax_parts(
        items,
        net_units,
        net_discount,
        shipments,
        net_ships,
        profile.home_country,
        category,
        notes,
    )
    quoted_parts: list[tuple[_TaxPart, TaxQuote]] = []
    for part in parts:
        try:
            part_quote = quote(
                TaxCase(
                    seller_country=profile.home_country,
                    origin_country=part.origin,
                    buyer_country=destination.country,
                    buyer_region=destination.region,
                    goods_value=part.goods,
                    shipping_value=part.shipping,
                    currency=currency,
                    category=part.category,
                    buyer_vat_id=destination.vat_id,
                    seller_eu_distance_sales_prior_year=profile.eu_distance_sales_prior_year,
                    seller_eu_distance_sales_current_year=profile.eu_distance_sales_current_year,
                    ddp=profile.ddp,
                    on=on,
                ),
                fx=fx,
            )
        except TaxError as exc:
            raise UnprocessableError(exc.message, code=exc.code) from exc
        quoted_parts.append((part, part_quote))
    taxed = _merge_quotes(quoted_parts)
    origin_of = {id(ln): part.origin for part, q in quoted_parts for ln in (*q.lines, *q.duties)}

    # Each origin's part keeps its sticker price when its only checkout tax is one line at the
    # home rate (e.g. Berlin and Warsaw parcels to a German buyer: 19 % either way).
    part_charged = [
        [ln for ln in q.lines if ln.collected_at == "checkout"] for _, q in quoted_parts
    ]
    included = profile.prices_include_tax and all(
        len(c) == 1 and c[0].rate_percent == r_home for c in part_charged
    )
    taxes: list[AppliedTax] = []
    if included:
        # The sticker price stands: the destination tax is carved out of the gross amounts.
        shown_units, shown_lists = units, lists
        shown_discount, shown_shipping = discount_p, ship_amounts
        gross_parts = _tax_parts(
            items, units, discount_p, shipments, ship_amounts, profile.home_country, category, []
        )
        carve: dict[int, int] = {}
        for gross_part, c in zip(gross_parts, part_charged, strict=True):
            carve[id(c[0])] = gross_part.goods + gross_part.shipping
        for line in taxed.lines:
            if id(line) in carve:
                gross_base = carve[id(line)]
                base = net_of(gross_base, r_home)
                carved = replace(line, amount=gross_base - base, base=base)
                taxes.append(AppliedTax("tax", carved, True, origin_of[id(line)]))
            else:
                taxes.append(AppliedTax("tax", line, origin_country=origin_of[id(line)]))
    else:
        shown_units, shown_lists = net_units, [net(v) for v in lists]
        shown_discount, shown_shipping = net_discount, [net(a) for a in ship_amounts]
        taxes.extend(
            AppliedTax("tax", line, origin_country=origin_of[id(line)]) for line in taxed.lines
        )
        if profile.prices_include_tax:
            notes.append(
                f"prices include {profile.home_country} tax at {r_home}%; it is replaced by "
                "the destination's tax"
            )
    taxes.extend(
        AppliedTax("duty", line, origin_country=origin_of[id(line)]) for line in taxed.duties
    )

    lines = [
        QuotedLine(i.variant_id, i.sku, i.title, i.quantity, lp, u, u * i.quantity)
        for i, u, lp in zip(items, shown_units, shown_lists, strict=True)
    ]
    subtotal = sum(ln.line_total for ln in lines)
    shipping = sum(shown_shipping)
    tax_added = sum(
        t.line.amount
        for t in taxes
        if t.kind == "tax" and t.line.collected_at == "checkout" and not t.included
    )
    tax_included = sum(t.line.amount for t in taxes if t.included)
    duties = sum(
        t.line.amount for t in taxes if t.kind == "duty" and t.line.collected_at == "checkout"
    )
    total = order_total(subtotal, shown_discount, shipping, tax_added, duties)

    scheme = next(
        (t.line.scheme for t in taxes if t.line.collected_at == "checkout"),
        taxes[0].line.scheme if taxes else "none",
    )
    registration = registration_for(profile, scheme, destination.country)
    if scheme == "IOSS" and registration is None:
        notes.append("IOSS scheme applies but the store has no IOSS number configured")

    methods = []
    if total > 0:
        try:
            methods = available_methods(
                destination.country, currency, total, gateway_supported=gateway
            )
        except PaymentMethodError as exc:
            raise UnprocessableError(exc.message, code=exc.code) from exc

    quoted_shipments = [
        QuotedShipment(s, a) for s, a in zip(shipments or (), shown_shipping, strict=True)
    ]
    return CrossBorderQuote(
        currency=currency,
        store_currency=store_currency,
        fx_rate=rate,
        fx_source=fx.source,
        fx_as_of=fx.as_of.isoformat(),
        lines=lines,
        subtotal=subtotal,
        discount=shown_discount,
        shipping=shipping,
        shipments=quoted_shipments,
        taxes=taxes,
        tax=taxed,
        tax_added=tax_added,
        tax_included=tax_included,
        duty_at_checkout=duties,
        due_at_import=taxed.due_at_import,
        total=total,
        category=category.value if len(parts) == 1 else _joined_category(parts),
        prices_include_tax=profile.prices_include_tax,
        scheme=scheme,
        registration_number=registration,
        delivery=summarise([s.promise for s in shipments or () if s.promise is not None]),
        payment_methods=[
            {
                "id": m.id,
                "kind": m.kind.value,
                "name": m.display_name(destination.locale, destination.country),
            }
            for m in methods
        ],
        notes=notes + list(taxed.notes),
    )


@dataclass(frozen=True)
class _TaxPart:
    """The goods and shipping of the parcels that leave from one country: one tax case."""

    origin: str
    goods: int
    shipping: int
    category: Category
    warehouses: tuple[str, ...]


def _tax_parts(
    items: Sequence[ItemIn],
    net_units: Sequence[int],
    net_discount: int,
    shipments: Sequence[ShipmentIn] | None,
    net_ships: Sequence[int],
    home: str,
    category: Category,
    notes: list[str],
) -> list[_TaxPart]:
    """One tax case per origin country. The origin is the shipping warehouse's country, not
    the store's: a Jakarta parcel to an Indonesian buyer is a domestic sale. Parcels from one
    country are one consignment; the discount is shared by goods value (largest last)."""
    net_subtotal = sum(u * i.quantity for u, i in zip(net_units, items, strict=True))
    origins = sorted({s.origin_country or home for s in shipments or ()})
    if len(origins) <= 1:
        origin = origins[0] if origins else home
        codes = tuple(s.warehouse_code for s in shipments or ())
        return [_TaxPart(origin, net_subtotal - net_discount, sum(net_ships), category, codes)]
    assert shipments is not None  # noqa: S101 - several origins come from shipments
    unit_of = {i.variant_id: u for i, u in zip(items, net_units, strict=True)}
    item_of = {i.variant_id: i for i in items}
    grouped: list[tuple[str, int, int, list[ItemIn], tuple[str, ...]]] = []
    for origin in origins:
        parcels = [
            (s, a)
            for s, a in zip(shipments, net_ships, strict=True)
            if (s.origin_country or home) == origin
        ]
        goods = sum(unit_of[v] * q for s, _ in parcels for v, _sku, q in s.items)
        part_items = [item_of[v] for s, _ in parcels for v, _sku, _q in s.items]
        codes = tuple(s.warehouse_code for s, _ in parcels)
        grouped.append((origin, goods, sum(a for _, a in parcels), part_items, codes))
    shares: list[int] = []
    for _origin, goods, *_ in grouped[:-1]:
        shares.append(
            round_to_minor(Decimal(net_discount) * goods / net_subtotal, ROUND_HALF_UP)
            if net_subtotal
            else 0
        )
    shares.append(net_discount - sum(shares))
    parts = []
    for (origin, goods, shipping, part_items, codes), share in zip(grouped, shares, strict=True):
        part_notes: list[str] = []
        part_category = consignment_category(part_items, part_notes)
        notes.extend(f"parcels from {origin}: {n}" for n in part_notes)
        parts.append(_TaxPart(origin, max(goods - share, 0), shipping, part_category, codes))
    notes.append(
        "order ships from " + " and ".join(origins) + ": each country's parcels are taxed apart"
    )
    return parts


def _merge_quotes(quoted: Sequence[tuple[_TaxPart, TaxQuote]]) -> TaxQuote:
    """Several origin countries' quotes as one: every line kept, the rules named per parcel."""
    if len(quoted) == 1:
        return quoted[0][1]
    first = quoted[0][1]
    rule_ids = list(dict.fromkeys(q.rule.id for _, q in quoted))
    text = " ".join(
        f"Parcels from {', '.join(p.warehouses)} ({p.origin}): {q.rule.text}" for p, q in quoted
    )
    notes = list(dict.fromkeys(n for _, q in quoted for n in q.notes))
    return TaxQuote(
        currency=first.currency,
        goods_value=sum(q.goods_value for _, q in quoted),
        shipping_value=sum(q.shipping_value for _, q in quoted),
        lines=tuple(ln for _, q in quoted for ln in q.lines),
        duties=tuple(d for _, q in quoted for d in q.duties),
        rule=Rule("+".join(rule_ids)[:64], text),
        notes=tuple(notes),
        thresholds=tuple(t for _, q in quoted for t in q.thresholds),
        table_version=first.table_version,
    )


def _joined_category(parts: Sequence[_TaxPart]) -> str:
    kinds = {p.category for p in parts}
    return kinds.pop().value if len(kinds) == 1 else Category.GENERAL.value


def summarise(promises: Sequence[Promise]) -> DeliverySummary | None:
    """One promise for the whole order: it arrives when its last parcel does."""
    if not promises:
        return None
    return DeliverySummary(
        earliest_date=max(p.earliest_date for p in promises),
        latest_date=max(p.latest_date for p in promises),
        business_days_min=max(p.business_days_min for p in promises),
        business_days_max=max(p.business_days_max for p in promises),
        local_stock=all(p.local_stock for p in promises),
    )
