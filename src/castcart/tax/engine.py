"""The tax engine: `quote(case) -> TaxQuote`, pure logic over the dated data table.

Conventions: money in int minor units of the case currency; percentages as Decimal; every
tax amount rounded once, ROUND_HALF_UP to the minor unit, per invoice (on the summed base)
or per line (goods and shipping separately) as the jurisdiction's table entry says.
Thresholds are compared in the threshold's own currency on the exact value converted with
the FX snapshot; the recorded value is rounded to that currency's minor unit (half-even).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pycountry

from castcart.money.currency import UnknownCurrencyError, validate_currency
from castcart.money.fx import FxError, FxSnapshot, bundled_snapshot
from castcart.money.money import Money, round_to_minor
from castcart.tax.table import EU_MEMBERS, Amount, Jurisdiction, TaxTable, default_table
from castcart.tax.us import RatesProvider, StateBaseRatesProvider
from castcart.tax.values import (
    Category,
    CollectedAt,
    Rule,
    TaxCase,
    TaxError,
    TaxLine,
    TaxQuote,
    ThresholdCheck,
)
from castcart.tax.vat_ids import check_vat_id

ZERO = Decimal(0)
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}

Outcome = tuple[list[TaxLine], list[TaxLine], Rule]


def pct(base: int, rate: Decimal) -> int:
    """`rate` percent of `base` minor units, rounded half-up to a whole minor unit."""
    return round_to_minor(Decimal(base) * rate / 100, ROUND_HALF_UP)


@dataclass
class _Ctx:
    case: TaxCase
    table: TaxTable
    fx: FxSnapshot
    on: date
    us_rates: RatesProvider
    notes: list[str] = field(default_factory=list)
    thresholds: list[ThresholdCheck] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """Where the goods ship from (the warehouse's country); the seller's country if unset."""
        return self.case.origin_country or self.case.seller_country

    @property
    def goods(self) -> int:
        return self.case.goods_value

    @property
    def shipping(self) -> int:
        return self.case.shipping_value

    @property
    def category(self) -> Category:
        return self.case.category

    def jur(self, code: str) -> Jurisdiction:
        return self.table.jurisdictions[code]

    def value_in(self, amount: int, currency: str) -> Decimal:
        """`amount` (case currency) in `currency` major units, rounded half-even to its unit."""
        converted = self.fx.convert(Money(amount, self.case.currency), currency).result
        return converted.to_decimal()

    def within(self, name: str, amount: int, limit: Amount, *, strict: bool = False) -> bool:
        """Is `amount` at or under (or strictly under) `limit`, compared in its currency?"""
        value = self.value_in(amount, limit.currency)
        # Decide on the exact converted value: NOK 3,000.001 exceeds NOK 3,000 although it
        # shows as 3,000.00 (the recorded value is rounded for display only).
        exact = self.fx.convert_decimal(
            Money(amount, self.case.currency).to_decimal(), self.case.currency, limit.currency
        )
        ok = exact < limit.value if strict else exact <= limit.value
        self.thresholds.append(
            ThresholdCheck(
                name=name,
                value=value,
                limit=limit.value,
                currency=limit.currency,
                within=ok,
                fx_rate=self.fx.rate(self.case.currency, limit.currency),
                fx_source=self.fx.source,
            )
        )
        return ok

    def minor(self, amount: Amount) -> int:
        """A fixed amount (e.g. EUR 3, USD 20) in case-currency minor units."""
        src = Money.of(amount.value, amount.currency)
        return self.fx.convert(src, self.case.currency).result.amount

    def collected(self) -> tuple[CollectedAt, str]:
        return ("checkout", "DDP") if self.case.ddp else ("import", "import")


def _tax(
    ctx: _Ctx,
    j: Jurisdiction,
    name: str,
    rate: Decimal,
    goods: int,
    shipping: int,
    collected_at: CollectedAt,
    scheme: str,
    *,
    jurisdiction: str | None = None,
    note: str | None = None,
) -> TaxLine:
    """One tax line, rounded per the jurisdiction's rule (per invoice or per line)."""
    if j.rounding == "line":
        amount = pct(goods, rate) + pct(shipping, rate)
    else:
        amount = pct(goods + shipping, rate)
    return TaxLine(
        name=name,
        rate_percent=rate,
        amount=amount,
        collected_at=collected_at,
        jurisdiction=jurisdiction or j.code,
        scheme=scheme,
        base=goods + shipping,
        note=note,
    )


def _nil(name: str, jurisdiction: str, scheme: str, note: str, base: int = 0) -> TaxLine:
    """A zero line that says why nothing is charged (reverse charge, de minimis)."""
    return TaxLine(name, ZERO, 0, "none", jurisdiction, scheme, base=base, note=note)


def _ship(ctx: _Ctx, j: Jurisdiction) -> int:
    return ctx.shipping if j.shipping_taxable else 0


def _duty(
    ctx: _Ctx,
    j: Jurisdiction,
    base: int,
    collected_at: CollectedAt,
    scheme: str,
    rate: Decimal | None,
) -> list[TaxLine]:
    if rate is None or rate == 0:
        return []
    return [
        TaxLine(
            name="Customs duty (estimate)",
            rate_percent=rate,
            amount=pct(base, rate),
            collected_at=collected_at,
            jurisdiction=j.code,
            scheme=scheme,
            base=base,
            estimate=True,
            note="category average; the real rate depends on the tariff code and origin",
        )
    ]


def _domestic(ctx: _Ctx, j: Jurisdiction, *, rule_id: str | None = None) -> Outcome:
    line = _tax(
        ctx,
        j,
        j.tax_name,
        j.rate_for(ctx.category),
        ctx.goods,
        _ship(ctx, j),
        "checkout",
        "domestic",
    )
    return (
        [line],
        [],
        Rule(
            rule_id or f"{j.code.lower()}_domestic",
            f"Domestic sale in {j.name}: {j.tax_name} {line.rate_percent}% charged at checkout.",
        ),
    )


def _import(
    ctx: _Ctx,
    j: Jurisdiction,
    *,
    rule_id: str,
    text: str,
    rate: Decimal | None = None,
    duty_rate: Decimal | None = None,
    shipping_in_value: bool = True,
    tax_name: str | None = None,
) -> Outcome:
    """Import VAT/GST on customs value + duty, collected by the carrier (or prepaid as DDP)."""
    collected_at, scheme = ctx.collected()
    value = ctx.goods + (ctx.shipping if shipping_in_value else 0)
    duties = _duty(ctx, j, value, collected_at, scheme, duty_rate)
    duty = sum(d.amount for d in duties)
    tax_rate = j.rate_for(ctx.category) if rate is None else rate
    name = tax_name or f"Import {j.tax_name}"
    line = _tax(
        ctx,
        j,
        name,
        tax_rate,
        ctx.goods + duty,
        ctx.shipping if shipping_in_value else 0,
        collected_at,
        scheme,
    )
    if ctx.case.ddp:
        text += " Prepaid at checkout (DDP)."
    return [line], duties, Rule(rule_id, text)


# --- EU --------------------------------------------------------------------------------------


def _eu(ctx: _Ctx) -> Outcome:
    case, eu = ctx.case, ctx.table.eu
    dest = ctx.jur(case.buyer_country)
    seller = case.seller_country
    origin = ctx.origin
    rate = dest.rate_for(ctx.category)
    b2b = False
    if case.buyer_vat_id:
        check = check_vat_id(case.buyer_vat_id, dest.code)
        if check.valid and origin != dest.code:
            b2b = True
        elif check.valid:
            ctx.notes.append(f"{check.number}: domestic B2B sale, VAT charged normally")
        else:
            ctx.notes.append(f"{check.reason}; no reverse charge, VAT charged as to a consumer")
    if origin in EU_MEMBERS:
        if origin == dest.code:
            return _domestic(ctx, dest, rule_id="eu_domestic")
        if b2b:
            return (
                [
                    _nil(
                        "VAT reverse charge",
                        dest.code,
                        "reverse_charge",
                        f"buyer {case.buyer_vat_id} accounts for {dest.code} VAT "
                        "(Directive 2006/112/EC art. 138 and 200)",
                        base=ctx.goods + ctx.shipping,
                    )
                ],
                [],
                Rule(
                    "eu_b2b_reverse_charge",
                    "Intra-EU sale to a business with a valid VAT number: exempt supply, "
                    "the buyer self-accounts for VAT (reverse charge).",
                ),
            )
        if origin != seller:
            # Art. 59c: the EUR 10,000 threshold covers only goods dispatched from the
            # member state where the seller is established; stock held elsewhere is OSS.
            ctx.notes.append(
                f"goods ship from {origin}, not the seller's own member state: destination VAT"
            )
        elif _eu_below_distance_threshold(ctx):
            home = ctx.jur(seller)
            line = _tax(
                ctx,
                home,
                "VAT",
                home.rate_for(ctx.category),
                ctx.goods,
                _ship(ctx, home),
                "checkout",
                "domestic",
            )
            return (
                [line],
                [],
                Rule(
                    "eu_distance_sales_below_threshold",
                    f"Seller's EU cross-border B2C sales are within EUR 10,000: "
                    f"{home.name} VAT {line.rate_percent}% (origin) charged at checkout.",
                ),
            )
        line = _tax(ctx, dest, "VAT", rate, ctx.goods, _ship(ctx, dest), "checkout", "OSS")
        return (
            [line],
            [],
            Rule(
                "eu_distance_sales_oss",
                f"Intra-EU distance sale above the EUR 10,000 threshold: destination "
                f"{dest.name} VAT {rate}% charged at checkout and declared via OSS.",
            ),
        )
    # Seller outside the EU: imports.
    low = ctx.within("EU IOSS intrinsic value", ctx.goods, eu.ioss_threshold)
    duty_rate = eu.duty_estimates.get(ctx.category.value)
    if b2b:
        collected_at: CollectedAt = "import"
        scheme = "import"
        duties = (
            [] if low else _duty(ctx, dest, ctx.goods + ctx.shipping, "import", "import", duty_rate)
        )
        duty = sum(d.amount for d in duties)
        line = _tax(
            ctx,
            dest,
            "Import VAT",
            rate,
            ctx.goods + duty,
            ctx.shipping,
            collected_at,
            scheme,
            note="paid (or postponed) by the business buyer and deductible as input VAT",
        )
        return (
            [line],
            duties,
            Rule(
                "eu_import_b2b",
                f"Import by a VAT-registered business: IOSS does not apply; {dest.name} "
                f"import VAT {rate}% is accounted for by the buyer at import.",
            ),
        )
    if low:
        line = _tax(ctx, dest, "VAT", rate, ctx.goods, ctx.shipping, "checkout", "IOSS")
        low_duties: list[TaxLine] = []
        if eu.flat_duty_from <= ctx.on < eu.flat_duty_until:
            amount = ctx.minor(eu.flat_duty)
            low_duties.append(
                TaxLine(
                    name="EU interim customs duty (EUR 3 per tariff item)",
                    rate_percent=ZERO,
                    amount=amount,
                    collected_at="checkout",
                    jurisdiction="EU",
                    scheme="IOSS",
                    base=ctx.goods + ctx.shipping,
                    estimate=True,
                    note="fixed EUR 3 per distinct tariff sub-heading, one assumed "
                    f"({eu.flat_duty_from}..{eu.flat_duty_until})",
                )
            )
        return (
            [line],
            low_duties,
            Rule(
                "eu_ioss_low_value",
                f"Goods of intrinsic value up to EUR 150 from outside the EU: {dest.name} VAT "
                f"{rate}% collected at checkout under IOSS (IOSS number on the customs data).",
            ),
        )
    return _import(
        ctx,
        dest,
        rule_id="eu_import_above_150",
        text=f"Goods above EUR 150 from outside the EU: {dest.name} import VAT {rate}% and "
        "customs duty are due at import, on customs value (incl. shipping) plus duty.",
        duty_rate=duty_rate,
        tax_name="Import VAT",
    )


def _eu_below_distance_threshold(ctx: _Ctx) -> bool:
    """Origin VAT applies only if prior-year and current-year EU B2C sales stay <= EUR 10k."""
    case, limit = ctx.case, ctx.table.eu.distance_sales_threshold
    prior = case.seller_eu_distance_sales_prior_year
    if prior is None:
        ctx.notes.append(
            "seller's EU distance sales not given: EUR 10,000 threshold assumed exceeded"
        )
        return False
    limit_cents = int(limit.value * 100)
    order_eur = ctx.fx.convert(Money(case.goods_value + case.shipping_value, case.currency), "EUR")
    current = (case.seller_eu_distance_sales_current_year or 0) + order_eur.result.amount
    ok = prior <= limit_cents and current <= limit_cents
    ctx.thresholds.append(
        ThresholdCheck(
            name="EU distance sales (prior year / current year incl. this order)",
            value=Decimal(max(prior, current)) / 100,
            limit=limit.value,
            currency="EUR",
            within=ok,
            fx_rate=ctx.fx.rate(case.currency, "EUR"),
            fx_source=ctx.fx.source,
        )
    )
    return ok


# --- Low-value-goods regimes (GB, NO, AU, NZ, SG, MY) -----------------------------------------


def _low_value(
    ctx: _Ctx,
    j: Jurisdiction,
    *,
    scheme: str,
    rule_low: str,
    text_low: str,
    rule_high: str,
    text_high: str,
    low_rate: Decimal | None = None,
    high_rate: Decimal | None = None,
    strict: bool = False,
) -> Outcome:
    if ctx.origin == j.code:
        return _domestic(ctx, j)
    assert j.threshold is not None  # noqa: S101 - table invariant for these jurisdictions
    if ctx.within(f"{j.code} low-value threshold", ctx.goods, j.threshold, strict=strict):
        rate = j.rate_for(ctx.category) if low_rate is None else low_rate
        line = _tax(ctx, j, j.tax_name, rate, ctx.goods, _ship(ctx, j), "checkout", scheme)
        return [line], [], Rule(rule_low, text_low.format(rate=rate))
    rate = j.rate_for(ctx.category) if high_rate is None else high_rate
    return _import(
        ctx,
        j,
        rule_id=rule_high,
        text=text_high.format(rate=rate),
        rate=rate,
        duty_rate=j.duty_for(ctx.category),
    )


def _gb(ctx: _Ctx) -> Outcome:
    j = ctx.jur("GB")
    case = ctx.case
    if ctx.origin != "GB" and case.buyer_vat_id:
        check = check_vat_id(case.buyer_vat_id, "GB")
        if not check.valid:
            ctx.notes.append(f"{check.reason}; no reverse charge, VAT charged as to a consumer")
        elif j.threshold and ctx.within("GB consignment value", ctx.goods, j.threshold):
            return (
                [
                    _nil(
                        "VAT reverse charge",
                        "GB",
                        "reverse_charge",
                        f"UK VAT-registered buyer {check.number} accounts for the VAT",
                        base=ctx.goods + ctx.shipping,
                    )
                ],
                [],
                Rule(
                    "gb_b2b_reverse_charge",
                    "Consignment up to GBP 135 to a UK VAT-registered business: the buyer "
                    "accounts for UK VAT under the reverse charge.",
                ),
            )
        else:
            ctx.thresholds.clear()
    return _low_value(
        ctx,
        j,
        scheme="UK_VAT",
        rule_low="gb_low_value_point_of_sale",
        text_low="Consignment up to GBP 135 from overseas: UK VAT {rate}% charged by the "
        "seller at checkout (point of sale).",
        rule_high="gb_import_above_135",
        text_high="Consignment above GBP 135: UK import VAT {rate}% and customs duty are due "
        "at import.",
    )


def _no(ctx: _Ctx) -> Outcome:
    """Norway: VOEC covers goods "with value below NOK 3,000" per item (Skatteetaten: "for
    goods with value at or above NOK 3,000, foodstuffs, restricted goods, and goods subject to
    excise duties, the simplified scheme (VOEC) will not be available"): strictly below, and
    never food (supplements and vitamins count as foodstuffs, Tolletaten) or medicines
    (restricted goods). Those are cleared at the border: import VAT and any duty at import."""
    j = ctx.jur("NO")
    excluded = j.param("voec_excluded_categories").split(",")
    if ctx.origin != "NO" and ctx.category.value in excluded:
        rate = j.rate_for(ctx.category)
        return _import(
            ctx,
            j,
            rule_id="no_import_voec_excluded",
            text=f"Foodstuffs and restricted goods are outside VOEC at any value: Norwegian "
            f"import VAT {rate}% and any duty are due at import.",
            rate=rate,
            duty_rate=j.duty_for(ctx.category),
        )
    return _low_value(
        ctx,
        j,
        scheme="VOEC",
        rule_low="no_voec",
        text_low="Item below NOK 3,000: Norwegian VAT {rate}% collected at checkout under VOEC.",
        rule_high="no_import_above_3000",
        text_high="Item of NOK 3,000 or more: Norwegian import VAT {rate}% and any duty are due "
        "at import.",
        strict=True,
    )


def _au(ctx: _Ctx) -> Outcome:
    return _low_value(
        ctx,
        ctx.jur("AU"),
        scheme="LVG",
        rule_low="au_lvg",
        text_low="Goods up to AUD 1,000: Australian GST {rate}% collected at checkout "
        "(low value imported goods).",
        rule_high="au_import_above_1000",
        text_high="Goods above AUD 1,000: GST {rate}% and customs duty are due at the border.",
    )


def _nz(ctx: _Ctx) -> Outcome:
    return _low_value(
        ctx,
        ctx.jur("NZ"),
        scheme="LVG",
        rule_low="nz_lvg",
        text_low="Goods up to NZD 1,000: New Zealand GST {rate}% collected at checkout.",
        rule_high="nz_import_above_1000",
        text_high="Goods above NZD 1,000: GST {rate}% and duty are due at the border.",
    )


def _sg(ctx: _Ctx) -> Outcome:
    return _low_value(
        ctx,
        ctx.jur("SG"),
        scheme="LVG",
        rule_low="sg_lvg",
        text_low="Goods up to SGD 400: Singapore GST {rate}% collected at checkout (OVR).",
        rule_high="sg_import_above_400",
        text_high="Goods above SGD 400: Singapore import GST {rate}% is due at the border.",
    )


def _my(ctx: _Ctx) -> Outcome:
    j = ctx.jur("MY")
    if ctx.origin == "MY":
        ctx.notes.append("Malaysian sales tax is single-stage (manufacturer/import level)")
        return [], [], Rule("my_domestic", "Domestic sale in Malaysia: no sales tax at retail.")
    exempt = j.param("import_exempt_categories").split(",")
    high = ZERO if ctx.category.value in exempt else j.standard
    return _low_value(
        ctx,
        j,
        scheme="LVG",
        rule_low="my_lvg",
        text_low="Goods up to MYR 500: Malaysian low value goods tax {rate}% on the goods "
        "(shipping excluded) collected at checkout.",
        rule_high="my_import_above_500",
        text_high="Goods above MYR 500: import duty and sales tax {rate}% are due at the border.",
        low_rate=j.standard,
        high_rate=high,
    )


# --- Other import regimes -----------------------------------------------------------------


def _ch(ctx: _Ctx) -> Outcome:
    j = ctx.jur("CH")
    if ctx.origin in ("CH", "LI"):
        return _domestic(ctx, j)
    rate = j.rate_for(ctx.category)
    collected_at, scheme = ctx.collected()
    line = _tax(ctx, j, "Import VAT", rate, ctx.goods, ctx.shipping, collected_at, scheme)
    assert j.threshold is not None  # noqa: S101 - table invariant
    if ctx.within("CH import VAT amount", line.amount, j.threshold):
        ctx.notes.append(f"computed import VAT {line.amount} minor units is waived (CHF 5 rule)")
        return (
            [
                _nil(
                    "Import VAT (not collected)",
                    "CH",
                    "de_minimis",
                    "Swiss import VAT of CHF 5 or less is not collected",
                )
            ],
            [],
            Rule(
                "ch_de_minimis", "Swiss import VAT would be CHF 5 or less, so it is not collected."
            ),
        )
    ctx.notes.append("Swiss duty is weight-based and not estimated")
    text = f"Swiss import VAT {rate}% on goods plus shipping is collected at import."
    if ctx.case.ddp:
        text += " Prepaid at checkout (DDP)."
    return [line], [], Rule("ch_import_vat", text)


def _gcc(ctx: _Ctx, code: str) -> Outcome:
    j = ctx.jur(code)
    if ctx.origin == code:
        return _domestic(ctx, j)
    assert j.threshold is not None  # noqa: S101 - table invariant
    duty_free = ctx.within(
        f"{code} customs de minimis (CIF)", ctx.goods + ctx.shipping, j.threshold
    )
    rate = j.rate_for(ctx.category)
    return _import(
        ctx,
        j,
        rule_id=f"{code.lower()}_import_vat",
        text=f"Imported goods: {j.name} VAT {rate}% on CIF value plus duty, collected at "
        f"import; customs duty only above {j.threshold.currency} {j.threshold.value:,.0f}.",
        duty_rate=None if duty_free else j.duty_for(ctx.category),
    )


def _sa(ctx: _Ctx) -> Outcome:
    return _gcc(ctx, "SA")


def _ae(ctx: _Ctx) -> Outcome:
    return _gcc(ctx, "AE")


def _jp(ctx: _Ctx) -> Outcome:
    """Japan: import consumption tax (national 7.8 % / 6.24 % food + local 22/78 of it) on
    the taxable value (CIF) plus duty; consignments of taxable value JPY 10,000 or less are
    free of both (Customs Tariff Act art. 14(18); Internal Consumption Tax on Imports Act
    art. 13). A consumer's personal import is valued at 60 % of the retail price (Enforcement
    Order art. 1-13), shipping added in full. Customs computes in yen (Customs Answer 1111):
    duty on the CIF value rounded down to JPY 1,000, duty down to JPY 100; national tax on
    (unrounded CIF + duty) rounded down to JPY 1,000, tax down to JPY 100; local tax = national
    x 22/78, yen fractions dropped, then down to JPY 100. An order in another currency is
    computed in yen at the snapshot rate and each amount converted back."""
    j = ctx.jur("JP")
    if ctx.origin == "JP":
        return _domestic(ctx, j)
    assert j.threshold is not None  # noqa: S101 - table invariant
    personal = not ctx.case.buyer_vat_id
    factor = Decimal(j.param("personal_use_factor")) if personal else Decimal(1)
    goods = round_to_minor(Decimal(ctx.goods) * factor, ROUND_HALF_UP)
    taxable = goods + ctx.shipping
    valued = "60% of the retail price" if personal else "the transaction value"
    if ctx.within("JP small-amount exemption (taxable value)", taxable, j.threshold):
        if ctx.category in (Category.CLOTHING, Category.CHILDREN_CLOTHING):
            ctx.notes.append(
                "knitted garments, leather bags and footwear are excluded from the JPY 10,000 "
                "exemption; assumed not to be such goods"
            )
        return (
            [
                _nil(
                    "Import consumption tax (small-amount exemption)",
                    "JP",
                    "de_minimis",
                    f"taxable value ({valued} + shipping) JPY 10,000 or less",
                    base=taxable,
                )
            ],
            [],
            Rule(
                "jp_small_amount_exempt",
                f"Consignment of taxable value JPY 10,000 or less ({valued} plus shipping): "
                "no customs duty and no import consumption tax.",
            ),
        )
    collected_at, scheme = ctx.collected()
    currency = ctx.case.currency

    def yen(amount: int) -> int:
        if currency == "JPY":
            return amount
        return ctx.fx.convert(Money(amount, currency), "JPY").result.amount

    def back(amount: int) -> int:
        if currency == "JPY":
            return amount
        return ctx.fx.convert(Money(amount, "JPY"), currency).result.amount

    def down(value: int, unit: int) -> int:
        return value - value % unit

    cif = yen(goods) + yen(ctx.shipping)
    duty_base = down(cif, 1000)
    duty_rate = j.duty_for(ctx.category)
    duty = down(int(Decimal(duty_base) * duty_rate / 100), 100) if duty_rate else 0
    duties: list[TaxLine] = []
    if duty:
        duties.append(
            TaxLine(
                name="Customs duty (estimate)",
                rate_percent=duty_rate or ZERO,
                amount=back(duty),
                collected_at=collected_at,
                jurisdiction="JP",
                scheme=scheme,
                base=back(duty_base),
                estimate=True,
                note="simplified rate for consignments up to JPY 200,000 (category estimate)",
            )
        )
    food = ctx.category is Category.FOOD
    national_rate = Decimal(j.param("national_rate_food" if food else "national_rate"))
    tax_base = down(cif + duty, 1000)
    national = down(int(Decimal(tax_base) * national_rate / 100), 100)
    share_num, share_den = (int(x) for x in j.param("local_share").split("/"))
    local = down(national * share_num // share_den, 100)
    total_rate = j.rate_for(ctx.category)
    lines = [
        TaxLine(
            "Import consumption tax (national)",
            national_rate,
            back(national),
            collected_at,
            "JP",
            scheme,
            base=back(tax_base),
        ),
        TaxLine(
            "Local consumption tax",
            total_rate - national_rate,
            back(local),
            collected_at,
            "JP",
            scheme,
            base=back(tax_base),
            note="22/78 of the national consumption tax",
        ),
    ]
    text = (
        f"Import into Japan: consumption tax {total_rate}% (national {national_rate}% + local) "
        f"on the taxable value ({valued} plus shipping) plus duty, collected at import."
    )
    if ctx.case.ddp:
        text += " Prepaid at checkout (DDP)."
    return lines, duties, Rule("jp_import", text)


def _th(ctx: _Ctx) -> Outcome:
    """Thailand: duty on the customs value (CIF), VAT 7 % on CIF + duty (Revenue Code
    s. 79/2(2)). Customs value THB 1,500 or less: free of duty and VAT until 2024-07-04; from
    2024-07-05 (Ministry of Finance notification of 2024-06-19, the Customs Department's
    temporary measure, extended to 2025-12-31 by Announcement 232/2567) VAT is collected and
    only duty is waived, except goods of THB 1 or less, free of both; from 2026-01-01
    (Customs Announcement 219/2568: "imported goods priced not exceeding 1 Baht are exempt
    from duty", "price" being the customs value) duty is due from THB 1."""
    j = ctx.jur("TH")
    if ctx.origin == "TH":
        return _domestic(ctx, j)
    cif = ctx.goods + ctx.shipping
    vat_from = date.fromisoformat(j.param("low_value_vat_from"))
    duty_from = date.fromisoformat(j.param("low_value_duty_from"))
    limit = Amount(Decimal(j.param("low_value_thb")), "THB")
    token = Amount(Decimal(j.param("exempt_thb")), "THB")
    if ctx.on < vat_from:
        if ctx.within("TH low-value customs value", cif, limit):
            return (
                [_nil("VAT (low value)", "TH", "de_minimis", "CIF THB 1,500 or less", cif)],
                [],
                Rule("th_de_minimis", "Goods of CIF THB 1,500 or less: no duty and no VAT."),
            )
    elif ctx.within("TH THB 1 exemption (customs value)", cif, token):
        return (
            [_nil("VAT (low value)", "TH", "de_minimis", "customs value THB 1 or less", cif)],
            [],
            Rule("th_de_minimis", "Goods of customs value THB 1 or less: no duty and no VAT."),
        )
    elif ctx.on < duty_from and ctx.within("TH low-value customs value", cif, limit):
        return _import(
            ctx,
            j,
            rule_id="th_low_value_vat",
            text="Goods of CIF THB 1,500 or less (2024-07-05 to 2025-12-31): no duty, Thai "
            "VAT 7% on the CIF value collected at import.",
            duty_rate=None,
        )
    return _import(
        ctx,
        j,
        rule_id="th_import",
        text="Imported goods: Thai VAT 7% on CIF value plus duty, collected at import (duty "
        "from THB 1 since 2026-01-01).",
        duty_rate=j.duty_for(ctx.category),
    )


def _vn_rate(ctx: _Ctx, j: Jurisdiction) -> Decimal:
    """8 % instead of 10 % while the temporary cut runs (Decree 174/2025: to 2026-12-31)."""
    if ctx.on > date.fromisoformat(j.param("reduced_until")):
        cut = Decimal(j.param("reduced_from_rate"))
        rate = j.rate_for(ctx.category)
        return j.standard if rate == cut else rate
    return j.rate_for(ctx.category)


def _vn(ctx: _Ctx) -> Outcome:
    """Vietnam: duty on the customs value (CIF), VAT on CIF + duty (VAT Law 48/2024 art. 7).
    Express consignments of VND 1,000,000 or less were free of duty and VAT (Decision
    78/2010/QD-TTg) until Decision 01/2025/QD-TTg repealed it from 2025-02-18."""
    j = ctx.jur("VN")
    if ctx.origin == "VN":
        line = _tax(
            ctx, j, j.tax_name, _vn_rate(ctx, j), ctx.goods, _ship(ctx, j), "checkout", "domestic"
        )
        return (
            [line],
            [],
            Rule("vn_domestic", f"Domestic sale in Vietnam: VAT {line.rate_percent}% at checkout."),
        )
    cif = ctx.goods + ctx.shipping
    repealed = date.fromisoformat(j.param("low_value_repealed"))
    limit = Amount(Decimal(j.param("low_value_vnd")), "VND")
    # Decision 78/2010 speaks of the goods' value: the customs value, which in Vietnam is
    # the price to the first port of import (CIF), so shipping counts.
    if ctx.on < repealed and ctx.within("VN express low-value (customs value)", cif, limit):
        return (
            [_nil("VAT (low value)", "VN", "de_minimis", "VND 1,000,000 or less", cif)],
            [],
            Rule(
                "vn_de_minimis",
                "Express consignment of VND 1,000,000 or less (before 2025-02-18): no duty, "
                "no VAT (Decision 78/2010/QD-TTg).",
            ),
        )
    rate = _vn_rate(ctx, j)
    return _import(
        ctx,
        j,
        rule_id="vn_import",
        text=f"Imported goods: Vietnamese VAT {rate}% on CIF value plus duty, collected at "
        "import (low-value exemption abolished 2025-02-18).",
        rate=rate,
        duty_rate=j.duty_for(ctx.category),
    )


def _ph(ctx: _Ctx) -> Outcome:
    j = ctx.jur("PH")
    if ctx.origin == "PH":
        return _domestic(ctx, j)
    assert j.threshold is not None  # noqa: S101 - table invariant
    if ctx.within("PH de minimis (FOB)", ctx.goods, j.threshold):
        return (
            [
                _nil(
                    "VAT (de minimis)",
                    "PH",
                    "de_minimis",
                    "no duty or VAT on imports of PHP 10,000 or less",
                )
            ],
            [],
            Rule("ph_de_minimis", "Goods of PHP 10,000 or less (FOB): no duty and no VAT."),
        )
    return _import(
        ctx,
        j,
        rule_id="ph_import",
        text="Goods above PHP 10,000: duty and VAT 12% on the landed cost, collected at import.",
        duty_rate=j.duty_for(ctx.category),
    )


def _mx_global_rate(ctx: _Ctx, j: Jurisdiction) -> Decimal:
    """The courier procedure's general global rate: 19 %, 33.5 % from 2025-08-15."""
    if ctx.on >= date.fromisoformat(j.param("global_general_raised_from")):
        return Decimal(j.param("global_general_raised"))
    return Decimal(j.param("global_general"))


def _mx_nil(text: str, rule_id: str, rule_text: str) -> Outcome:
    return [_nil("IVA (de minimis)", "MX", "de_minimis", text)], [], Rule(rule_id, rule_text)


def _mx(ctx: _Ctx) -> Outcome:
    """Mexico: courier parcels under the simplified procedure (RGCE 2025 rule 3.7.35, customs
    value up to USD 2,500) pay one global rate on the customs value (CIF, Ley Aduanera art.
    64-65) that replaces duty and IVA. Every limit compares the customs value. From the US or
    Canada (T-MEC art. 7.8): up to USD 50 free of duty and IVA, up to USD 117 a 17 % rate,
    above it 19 %. From a trade-agreement partner: up to USD 1 free of both. Otherwise the
    general rate: 19 % from 2025-01-01, 33.5 % from 2025-08-15 (fourth amendment, DOF
    2025-07-28). Above USD 2,500, or before 2025: general import, IVA 16 % at import, duty not
    estimated."""
    j = ctx.jur("MX")
    if ctx.origin == "MX":
        return _domestic(ctx, j)
    cif = ctx.goods + ctx.shipping
    usmca = ctx.origin in j.param("usmca_origins").split(",")
    fta = ctx.origin in j.param("fta_origins").split(",") or ctx.origin in EU_MEMBERS

    def usd(key: str) -> Amount:
        return Amount(Decimal(j.param(key)), "USD")

    simplified = ctx.on >= date.fromisoformat(j.param("global_from")) and ctx.within(
        "MX courier simplified procedure (customs value)", cif, usd("courier_limit_usd")
    )
    if simplified:
        if usmca:
            if ctx.within("MX T-MEC tax de minimis (customs value)", cif, usd("usmca_tax_usd")):
                return _mx_nil(
                    "T-MEC courier shipments up to USD 50: no IVA, no duty",
                    "mx_usmca_de_minimis",
                    "Courier shipment from the US/Canada of customs value up to USD 50: no IVA "
                    "and no duty.",
                )
            low = ctx.within("MX T-MEC duty limit (customs value)", cif, usd("usmca_duty_usd"))
            rate = Decimal(j.param("global_usmca" if low else "global_usmca_above"))
            whom = (
                "from the US or Canada up to USD 117"
                if low
                else "from the US or Canada above USD 117"
            )
        else:
            tiny = usd("fta_exempt_usd")
            if fta and ctx.within("MX trade-agreement de minimis (customs value)", cif, tiny):
                return _mx_nil(
                    "trade-agreement courier shipments up to USD 1: no IVA, no duty",
                    "mx_fta_de_minimis",
                    "Courier shipment from a trade-agreement partner of customs value up to "
                    "USD 1: no IVA and no duty.",
                )
            rate = _mx_global_rate(ctx, j)
            whom = "up to USD 2,500"
        collected_at, scheme = ctx.collected()
        line = _tax(
            ctx,
            j,
            "Tasa global (courier: duty and IVA)",
            rate,
            ctx.goods,
            ctx.shipping,
            collected_at,
            scheme,
            note="RGCE 3.7.35 global rate on the customs value; replaces duty and IVA",
        )
        text = (
            f"Courier parcel {whom} (customs value): global rate {rate}% on the customs value "
            "(covers duty and IVA), collected at import."
        )
        if ctx.case.ddp:
            text += " Prepaid at checkout (DDP)."
        return [line], [], Rule("mx_courier_global_rate", text)
    rate = j.rate_for(ctx.category)
    ctx.notes.append("duty depends on the tariff code and origin; not estimated")
    return _import(
        ctx,
        j,
        rule_id="mx_import_iva",
        text=f"Imported goods: IVA {rate}% on customs value, collected at import.",
    )


def _id(ctx: _Ctx) -> Outcome:
    j = ctx.jur("ID")
    if ctx.origin == "ID":
        return _domestic(ctx, j)
    collected_at, scheme = ctx.collected()
    cif = ctx.goods + ctx.shipping
    mfn = ctx.category.value in j.param("mfn_categories").split(",")
    # Bags, shoes, textiles (and the other MFN-listed goods) never get the USD 3 relief.
    duty_free = not mfn and ctx.within(
        "ID duty-free FOB", ctx.goods, Amount(Decimal(j.param("duty_free_fob_usd")), "USD")
    )
    simplified = duty_free or ctx.within(
        "ID simplified regime FOB", ctx.goods, Amount(Decimal(j.param("simplified_fob_usd")), "USD")
    )
    if duty_free:
        duty_rate: Decimal | None = None
        rule = Rule(
            "id_consignment_duty_free",
            "Consignment up to USD 3 FOB: no import duty; "
            "VAT 11% (12% on an 11/12 base) collected at import.",
        )
    elif simplified and not mfn:
        duty_rate = Decimal(j.param("simplified_duty"))
        rule = Rule(
            "id_consignment_simplified",
            "Consignment USD 3-1,500 FOB: 7.5% import duty "
            "and VAT 11% on CIF, no income tax (PMK 96/2023).",
        )
    else:
        duty_rate = j.duty_for(ctx.category)
        which = (
            "MFN-listed goods (textiles, cosmetics, ...)" if mfn else "Consignment above USD 1,500"
        )
        rule = Rule(
            "id_consignment_mfn",
            f"{which}: MFN import duty (estimate), VAT 11% and "
            "10% income tax (PPh 22) on CIF plus duty (PMK 96/2023).",
        )
    duties = _duty(ctx, j, cif, collected_at, scheme, duty_rate)
    duty = sum(d.amount for d in duties)
    lines = [
        _tax(
            ctx,
            j,
            "PPN (VAT)",
            j.standard,
            ctx.goods + duty,
            ctx.shipping,
            collected_at,
            scheme,
            note="12% on a taxable base of 11/12 (effective 11%)",
        )
    ]
    if not duty_free and (mfn or not simplified):
        lines.append(
            _tax(
                ctx,
                j,
                "PPh 22 import income tax",
                Decimal(j.param("pph_rate")),
                ctx.goods + duty,
                ctx.shipping,
                collected_at,
                scheme,
                note="10% with a taxpayer number (NPWP); 20% without",
            )
        )
    return lines, duties, rule


def _br(ctx: _Ctx) -> Outcome:
    j = ctx.jur("BR")
    case = ctx.case
    if ctx.origin == "BR":
        ctx.notes.append("domestic Brazilian taxes (ICMS, PIS/COFINS, IPI) are price-inclusive")
        return [], [], Rule("br_domestic", "Domestic sale in Brazil: taxes not computed here.")
    cif = ctx.goods + ctx.shipping
    limit = Amount(Decimal(j.param("rts_limit_usd")), "USD")
    if not ctx.within("BR simplified regime limit", cif, limit):
        raise TaxError(
            "unsupported_case",
            "Brazilian imports above USD 3,000 need a formal import declaration; not quoted",
        )
    low = ctx.within(
        "BR Remessa Conforme USD 50", cif, Amount(Decimal(j.param("ii_low_usd")), "USD")
    )
    if low:
        ii_rate = Decimal(j.param("ii_low_rate"))
        ii = pct(cif, ii_rate)
        ii_note = "20% of the customs value (up to USD 50)"
    else:
        ii_rate = Decimal(j.param("ii_high_rate"))
        deduction = ctx.minor(Amount(Decimal(j.param("ii_deduction_usd")), "USD"))
        ii = max(0, pct(cif, ii_rate) - deduction)
        ii_note = "60% of the customs value minus USD 20"
    region = case.buyer_region
    icms_rate = Decimal(j.param("icms_default"))
    if region and region in j.param("icms_20_states").split(","):
        icms_rate = Decimal(j.param("icms_high"))
    elif not region:
        ctx.notes.append("no state given: ICMS 17% assumed (20% in AC, AL, AP, BA, CE, MG, ...)")
    gross = cif + ii
    icms = round_to_minor(Decimal(gross) * icms_rate / (100 - icms_rate), ROUND_HALF_UP)
    jur = f"BR-{region}" if region else "BR"
    duties = [
        TaxLine(
            "Imposto de Importação (II)",
            ii_rate,
            ii,
            "checkout",
            "BR",
            "remessa_conforme",
            base=cif,
            note=ii_note,
        )
    ]
    lines = [
        TaxLine(
            "ICMS",
            icms_rate,
            icms,
            "checkout",
            jur,
            "remessa_conforme",
            base=gross,
            note="computed 'por dentro': (value + II) x r / (1 - r)",
        )
    ]
    rule = Rule(
        "br_remessa_conforme",
        f"Remessa Conforme: import tax {ii_rate}% ({ii_note}) and ICMS {icms_rate}% "
        "(gross-up), both collected at checkout by the certified seller.",
    )
    return lines, duties, rule


def _ca(ctx: _Ctx) -> Outcome:
    j = ctx.jur("CA")
    case = ctx.case
    prov = _region(ctx, "CA")
    if prov not in ctx.table.ca_provinces:
        raise TaxError("invalid_region", f"unknown Canadian province or territory {prov!r}")
    if ctx.origin == "CA":
        lines = _ca_lines(ctx, j, prov, ctx.goods, ctx.shipping, "checkout", "domestic")
        return lines, [], Rule("ca_domestic", _ca_text(ctx, prov, "charged at checkout"))
    cusma = ctx.origin in j.param("cusma_origins").split(",")
    tax_dm = j.param("cusma_tax_cad") if cusma else j.param("other_de_minimis_cad")
    duty_dm = j.param("cusma_duty_cad") if cusma else j.param("other_de_minimis_cad")
    if ctx.within("CA courier tax de minimis", ctx.goods, Amount(Decimal(tax_dm), "CAD")):
        return (
            [
                _nil(
                    "GST/HST (de minimis)",
                    f"CA-{prov}",
                    "de_minimis",
                    f"courier shipments up to CAD {tax_dm} enter free of sales taxes",
                )
            ],
            [],
            Rule(
                "ca_de_minimis", f"Courier shipment up to CAD {tax_dm}: no GST/HST/PST and no duty."
            ),
        )
    collected_at, scheme = ctx.collected()
    duties: list[TaxLine] = []
    if cusma:
        ctx.notes.append("CUSMA-originating goods assumed: no customs duty")
    elif not ctx.within("CA duty de minimis", ctx.goods, Amount(Decimal(duty_dm), "CAD")):
        duties = _duty(ctx, j, ctx.goods, collected_at, scheme, j.duty_for(ctx.category))
    duty = sum(d.amount for d in duties)
    lines = _ca_lines(ctx, j, prov, ctx.goods + duty, 0, collected_at, scheme)
    text = _ca_text(ctx, prov, "due at import on the value for duty plus duty")
    if case.ddp:
        text += " Prepaid at checkout (DDP)."
    return lines, duties, Rule("ca_import", text)


def _ca_text(ctx: _Ctx, prov: str, how: str) -> str:
    p = ctx.table.ca_provinces[prov]
    taxes = f"HST {p.hst}%" if p.hst is not None else f"GST {p.gst}%"
    if p.pst is not None:
        taxes += f" + {p.pst_name} {p.pst}%"
    return f"Delivery to {p.name}: {taxes} {how}."


def _ca_lines(
    ctx: _Ctx,
    j: Jurisdiction,
    prov: str,
    goods: int,
    shipping: int,
    collected_at: CollectedAt,
    scheme: str,
) -> list[TaxLine]:
    p = ctx.table.ca_provinces[prov]
    cat = ctx.category
    jur = f"CA-{prov}"
    if cat is Category.FOOD:
        return [
            _tax(
                ctx,
                j,
                "GST/HST",
                ZERO,
                goods,
                shipping,
                collected_at,
                scheme,
                jurisdiction=jur,
                note="basic groceries are zero-rated",
            )
        ]
    lines: list[TaxLine] = []
    if p.hst is not None:
        rate, note = p.hst, None
        if cat is Category.BOOKS or (
            cat is Category.CHILDREN_CLOTHING and p.children_clothing_provincial_rebate
        ):
            rate, note = Decimal(5), "provincial part of HST rebated at point of sale"
        lines.append(
            _tax(
                ctx,
                j,
                "HST",
                rate,
                goods,
                shipping,
                collected_at,
                scheme,
                jurisdiction=jur,
                note=note,
            )
        )
        return lines
    lines.append(
        _tax(
            ctx,
            j,
            "GST",
            p.gst or Decimal(5),
            goods,
            shipping,
            collected_at,
            scheme,
            jurisdiction=jur,
        )
    )
    if p.pst is not None:
        exempt = cat is Category.BOOKS or (
            cat is Category.CHILDREN_CLOTHING and p.children_clothing_pst_exempt
        )
        if not exempt:
            lines.append(
                _tax(
                    ctx,
                    j,
                    p.pst_name,
                    p.pst,
                    goods,
                    shipping,
                    collected_at,
                    scheme,
                    jurisdiction=jur,
                )
            )
    return lines


def _us(ctx: _Ctx) -> Outcome:
    state = _region(ctx, "US")
    j = ctx.jur("US")
    unit_usd = ctx.value_in(ctx.goods, "USD")
    rate = ctx.us_rates.sales_tax_rate(state, ctx.category, unit_price_usd=unit_usd)
    shipping = ctx.shipping if rate.shipping_taxable else 0
    if rate.fully_exempt or rate.rate_percent == 0:
        line = TaxLine(
            "Sales tax", ZERO, 0, "checkout", rate.jurisdiction, "sales_tax", base=0, note=rate.note
        )
    else:
        exempt = 0
        if rate.exempt_usd > 0:
            exempt = min(ctx.goods, ctx.minor(Amount(rate.exempt_usd, "USD")))
        line = _tax(
            ctx,
            j,
            "Sales tax",
            rate.rate_percent,
            ctx.goods - exempt,
            shipping,
            "checkout",
            "sales_tax",
            jurisdiction=rate.jurisdiction,
            note=rate.note,
        )
    if ctx.origin != "US":
        ctx.notes.append(
            "US duty not estimated: de minimis suspended since 2025-08-29; "
            "tariffs depend on HTS code and origin"
        )
    ship_txt = "shipping taxable" if rate.shipping_taxable else "shipping not taxed"
    return (
        [line],
        [],
        Rule(
            "us_sales_tax",
            f"US sales tax for {rate.jurisdiction}: {line.rate_percent}% ({rate.source}; "
            f"{ship_txt}) collected at checkout; local taxes need a rates provider.",
        ),
    )


def _region(ctx: _Ctx, country: str) -> str:
    region = ctx.case.buyer_region
    if not region:
        raise TaxError(
            "region_required", f"buyer_region (state/province) is required for {country}"
        )
    return region


def _other_domestic(code: str) -> Callable[[_Ctx], Outcome]:
    def handler(ctx: _Ctx) -> Outcome:
        return _domestic(ctx, ctx.jur(code))

    return handler


_HANDLERS: dict[str, Callable[[_Ctx], Outcome]] = {
    "GB": _gb,
    "NO": _no,
    "CH": _ch,
    "LI": _ch,
    "AU": _au,
    "NZ": _nz,
    "SG": _sg,
    "MY": _my,
    "SA": _sa,
    "AE": _ae,
    "JP": _jp,
    "TH": _th,
    "VN": _vn,
    "PH": _ph,
    "MX": _mx,
    "ID": _id,
    "BR": _br,
    "CA": _ca,
    "US": _us,
}

SUPPORTED_DESTINATIONS: frozenset[str] = frozenset(EU_MEMBERS | set(_HANDLERS))


def _country(raw: str, field_name: str) -> str:
    code = raw.strip().upper() if isinstance(raw, str) else ""
    code = _COUNTRY_ALIASES.get(code, code)
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise TaxError("invalid_country", f"{field_name}: not an ISO 3166 country code: {raw!r}")
    return code


def _amount_field(value: object, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TaxError("invalid_amount", f"{field_name} must be an int of minor units")
    if value < 0:
        raise TaxError("invalid_amount", f"{field_name} must not be negative")
    return value


def normalise_case(case: TaxCase) -> TaxCase:
    """Validate and canonicalise a case (country aliases, region prefixes, category)."""
    try:
        currency = validate_currency(case.currency)
    except UnknownCurrencyError as exc:
        raise TaxError("invalid_currency", str(exc)) from exc
    try:
        category = Category.parse(str(case.category))
    except ValueError as exc:
        raise TaxError("invalid_category", f"unknown category {case.category!r}") from exc
    buyer = _country(case.buyer_country, "buyer_country")
    region = case.buyer_region.strip().upper() if case.buyer_region else None
    if region and region.startswith(f"{buyer}-"):
        region = region[len(buyer) + 1 :]
    for name in ("seller_eu_distance_sales_prior_year", "seller_eu_distance_sales_current_year"):
        value = getattr(case, name)
        if value is not None:
            _amount_field(value, name)
    return replace(
        case,
        seller_country=_country(case.seller_country, "seller_country"),
        origin_country=_country(case.origin_country, "origin_country")
        if case.origin_country
        else None,
        buyer_country=buyer,
        buyer_region=region or None,
        currency=currency,
        category=category,
        goods_value=_amount_field(case.goods_value, "goods_value"),
        shipping_value=_amount_field(case.shipping_value, "shipping_value"),
        buyer_vat_id=case.buyer_vat_id.strip() if case.buyer_vat_id else None,
    )


def quote(
    case: TaxCase,
    *,
    table: TaxTable | None = None,
    fx: FxSnapshot | None = None,
    us_rates: RatesProvider | None = None,
) -> TaxQuote:
    """Quote destination tax and duties for one checkout; raises TaxError on a bad case."""
    table = table or default_table()
    fx = fx or bundled_snapshot()
    case = normalise_case(case)
    ctx = _Ctx(
        case=case,
        table=table,
        fx=fx,
        on=case.on or table.as_of,
        us_rates=us_rates or StateBaseRatesProvider(table),
    )
    dest = case.buyer_country
    try:
        if dest in EU_MEMBERS:
            lines, duties, rule = _eu(ctx)
        elif dest in _HANDLERS:
            lines, duties, rule = _HANDLERS[dest](ctx)
        else:
            raise TaxError(
                "unsupported_destination", f"no tax rules for buyer_country {dest} in the table"
            )
    except FxError as exc:
        raise TaxError("fx_unavailable", str(exc)) from exc
    if any(d.estimate for d in duties):
        ctx.notes.append("duty figures are estimates")
    return TaxQuote(
        currency=case.currency,
        goods_value=case.goods_value,
        shipping_value=case.shipping_value,
        lines=tuple(lines),
        duties=tuple(duties),
        rule=rule,
        notes=tuple(ctx.notes),
        thresholds=tuple(ctx.thresholds),
        table_version=table.version,
    )


__all__ = ["SUPPORTED_DESTINATIONS", "normalise_case", "pct", "quote"]
