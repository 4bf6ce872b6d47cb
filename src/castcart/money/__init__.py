"""Money: ISO 4217 currencies, integer minor units, FX snapshots and conversion."""

from castcart.money.currency import UnknownCurrencyError, minor_units, validate_currency
from castcart.money.fx import (
    FX_ROUNDING,
    BundledRateProvider,
    Conversion,
    EcbFileProvider,
    FxError,
    FxSnapshot,
    RateProvider,
    StaticRateProvider,
    bundled_snapshot,
    conversion_boot,
    convert,
    parse_ecb_history,
    parse_ecb_xml,
    with_supplement,
)
from castcart.money.money import Money, MoneyError, format_major, parse_major, quantum

__all__ = [
    "FX_ROUNDING",
    "BundledRateProvider",
    "Conversion",
    "EcbFileProvider",
    "FxError",
    "FxSnapshot",
    "Money",
    "MoneyError",
    "RateProvider",
    "StaticRateProvider",
    "UnknownCurrencyError",
    "bundled_snapshot",
    "conversion_boot",
    "convert",
    "format_major",
    "minor_units",
    "parse_ecb_history",
    "parse_ecb_xml",
    "parse_major",
    "quantum",
    "validate_currency",
    "with_supplement",
]
