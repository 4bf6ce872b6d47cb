"""ISO 4217 currency codes and their minor units: the one table every amount goes through.

Exponents come from ISO 4217 itself (the SIX maintenance agency's "list one"), not from
CLDR: CLDR's ``digits`` is a display habit and differs between releases and between
babel (server) and the browser's ICU (IDR, HUF, COP, IQD, ... are 2 or 3 in ISO 4217 but
0 in recent CLDR). Stored amounts are integer minor units at the ISO exponent, so a
second opinion from a formatting library would multiply or divide prices by 100. The
server formatter and the page scripts both read this table (the scripts get it in the
page's boot data); nobody asks babel or ``Intl`` how many decimals a currency has.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from babel.numbers import list_currencies


class UnknownCurrencyError(ValueError):
    """Raised for a code that is not an active ISO 4217 currency."""


# ISO 4217 list one, minor unit column, for every active code whose minor unit is not 2.
# Every other active code has 2 (EUR, USD, IDR, HUF, COP, TWD, MGA, ...).
_NOT_TWO: dict[str, int] = {
    # 0: no minor unit in use
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # 3: fils / baisa / millimes
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # 4: units of account
    "CLF": 4, "UYW": 4,
}  # fmt: skip
ISO_4217_EXPONENTS = MappingProxyType(_NOT_TWO)
DEFAULT_EXPONENT = 2


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies()) | frozenset(_NOT_TWO)


def validate_currency(code: str) -> str:
    """Return the upper-cased code, or raise if it is not a known ISO 4217 currency."""
    normalized = code.strip().upper()
    if len(normalized) != 3 or normalized not in known_currencies():
        raise UnknownCurrencyError(f"unknown ISO 4217 currency code: {code!r}")
    return normalized


def minor_units(code: str) -> int:
    """Number of decimal places of the currency's minor unit (JPY 0, EUR 2, IDR 2, KWD 3)."""
    return _NOT_TWO.get(validate_currency(code), DEFAULT_EXPONENT)
