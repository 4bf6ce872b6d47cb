"""Pure price arithmetic for checkout: unit prices, discounts, totals. Integer minor units in,
integer minor units out; percentages through Decimal with ROUND_HALF_UP."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class PriceOptions:
    list_price: int
    live_price: int | None = None
    flash_price: int | None = None


def unit_price(options: PriceOptions) -> tuple[int, str]:
    """The lowest applicable price wins; a flash price beats a live price beats the list."""
    candidates = [(options.list_price, "list")]
    if options.live_price is not None:
        candidates.append((options.live_price, "live"))
    if options.flash_price is not None:
        candidates.append((options.flash_price, "flash_sale"))
    return min(candidates, key=lambda c: (c[0], -len(c[1])))


def percent_of(amount: int, percent: int) -> int:
    return int(
        (Decimal(amount) * Decimal(percent) / Decimal(100)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount: int
    total: int


def totals(line_totals: list[int], *, percent_off: int = 0, amount_off: int = 0) -> Totals:
    """Discounts apply to the subtotal and never take the total below zero."""
    subtotal = sum(line_totals)
    discount = min(subtotal, percent_of(subtotal, percent_off) + amount_off)
    return Totals(subtotal=subtotal, discount=discount, total=subtotal - discount)
