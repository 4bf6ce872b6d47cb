"""The Money value type: an integer count of minor units plus an ISO 4217 code.

Amounts never pass through float: they are parsed from strings or Decimals and kept as ints,
so that sums are exact and every rounding is an explicit, documented step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from castcart.money.currency import minor_units, validate_currency


class MoneyError(ValueError):
    """Raised for an amount that cannot be represented in its currency's minor units."""


def quantum(currency: str) -> Decimal:
    """The currency's smallest unit as a Decimal in major units (EUR 0.01, JPY 1, KWD 0.001)."""
    return Decimal(1).scaleb(-minor_units(currency))


def parse_major(value: str | Decimal | int, currency: str) -> int:
    """Parse a major-unit amount ("149.99") into minor units, refusing extra precision.

    A price with more decimals than the currency allows is a data error, not something to
    round silently, so it raises instead.
    """
    if isinstance(value, (bool, float)):  # float: never in money paths
        raise MoneyError(f"amount must be a string, int or Decimal, not {type(value).__name__}")
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MoneyError(f"not a decimal amount: {value!r}") from exc
    if not dec.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    scaled = dec.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            f"{value!r} has more decimals than {validate_currency(currency)} allows "
            f"({minor_units(currency)})"
        )
    return int(scaled)


def to_decimal(amount: int, currency: str) -> Decimal:
    """Minor units to an exact major-unit Decimal with the currency's number of places."""
    return Decimal(amount).scaleb(-minor_units(currency))


def format_major(amount: int, currency: str) -> str:
    """Minor units as a plain major-unit string ("149.99", "1500", "12.345")."""
    places = minor_units(currency)
    return f"{to_decimal(amount, currency):.{places}f}"


def round_to_minor(value: Decimal, rounding: str = ROUND_HALF_UP) -> int:
    """Round a Decimal count of minor units to an int with an explicit rounding mode."""
    return int(value.quantize(Decimal(1), rounding=rounding))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units of one currency; arithmetic only within a currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise MoneyError(f"amount must be an int of minor units, got {self.amount!r}")
        object.__setattr__(self, "currency", validate_currency(self.currency))

    @classmethod
    def of(cls, value: str | Decimal | int, currency: str) -> Money:
        """Build from a major-unit amount such as "149.99"."""
        return cls(parse_major(value, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def to_decimal(self) -> Decimal:
        return to_decimal(self.amount, self.currency)

    def major(self) -> str:
        return format_major(self.amount, self.currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.major()} {self.currency}"
