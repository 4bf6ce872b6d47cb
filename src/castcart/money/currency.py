"""ISO 4217 currency codes and their minor units, from babel's CLDR data."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies


class UnknownCurrencyError(ValueError):
    """Raised for a code that is not an active ISO 4217 currency."""


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def validate_currency(code: str) -> str:
    """Return the upper-cased code, or raise if it is not a known ISO 4217 currency."""
    normalized = code.strip().upper()
    if len(normalized) != 3 or normalized not in known_currencies():
        raise UnknownCurrencyError(f"unknown ISO 4217 currency code: {code!r}")
    return normalized


def minor_units(code: str) -> int:
    """Number of decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3)."""
    return int(get_currency_precision(validate_currency(code)))
