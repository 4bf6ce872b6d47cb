"""US sales tax: a RatesProvider interface and the default provider from the state-rate table.

The table holds state base rates only; a real provider (Avalara, TaxJar, a state's rate
files keyed by ZIP+4) plugs in through `RatesProvider` to add local rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from castcart.tax.table import TaxTable, default_table
from castcart.tax.values import Category, TaxError


@dataclass(frozen=True)
class SalesTaxRate:
    """The rate for one delivery address and category, and how much of the price it spares."""

    jurisdiction: str
    rate_percent: Decimal
    shipping_taxable: bool
    source: str
    exempt_usd: Decimal = Decimal(0)
    fully_exempt: bool = False
    note: str | None = None


class RatesProvider(Protocol):
    """Where the engine gets a US sales tax rate from."""

    def sales_tax_rate(
        self,
        state: str,
        category: Category,
        *,
        unit_price_usd: Decimal,
        postal_code: str | None = None,
    ) -> SalesTaxRate: ...


class StateBaseRatesProvider:
    """State base rates with the common clothing, grocery and OTC-medicine rules."""

    def __init__(self, table: TaxTable | None = None) -> None:
        self._table = table or default_table()

    def sales_tax_rate(
        self,
        state: str,
        category: Category,
        *,
        unit_price_usd: Decimal,
        postal_code: str | None = None,
    ) -> SalesTaxRate:
        entry = self._table.us_states.get(state)
        if entry is None:
            raise TaxError("invalid_region", f"unknown US state {state!r}")
        jur = f"US-{state}"
        src = f"state base rate, tax table {self._table.version}"
        rate = entry.rate
        if category is Category.FOOD:
            note = "groceries exempt" if entry.food_rate == 0 else "reduced grocery rate"
            return SalesTaxRate(
                jur,
                entry.food_rate,
                entry.shipping_taxable,
                src,
                fully_exempt=entry.food_rate == 0,
                note=note,
            )
        if category is Category.MEDICINE and entry.otc_medicine_exempt:
            return SalesTaxRate(
                jur,
                Decimal(0),
                entry.shipping_taxable,
                src,
                fully_exempt=True,
                note="non-prescription drugs exempt",
            )
        if category in (Category.CLOTHING, Category.CHILDREN_CLOTHING) and entry.clothing:
            rule = entry.clothing
            if rule.mode == "exempt":
                return SalesTaxRate(
                    jur,
                    Decimal(0),
                    entry.shipping_taxable,
                    src,
                    fully_exempt=True,
                    note="clothing exempt",
                )
            limit = rule.usd or Decimal(0)
            if rule.mode == "exempt_below" and unit_price_usd < limit:
                return SalesTaxRate(
                    jur,
                    Decimal(0),
                    entry.shipping_taxable,
                    src,
                    fully_exempt=True,
                    note=f"clothing under USD {limit} exempt from state tax",
                )
            if rule.mode == "excess_taxable":
                return SalesTaxRate(
                    jur,
                    rate,
                    entry.shipping_taxable,
                    src,
                    exempt_usd=min(unit_price_usd, limit),
                    note=f"clothing: only the part of the price above USD {limit} is taxed",
                )
        plain = "no state sales tax (local taxes may apply)" if rate == 0 else None
        return SalesTaxRate(jur, rate, entry.shipping_taxable, src, note=plain)
