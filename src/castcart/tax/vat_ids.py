"""Buyer VAT number checks with python-stdnum (format and check digits, offline).

This is not a VIES/HMRC existence lookup: a number with valid check digits may still be
deregistered. The caller decides whether to add an online check before zero-rating.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.gb import vat as gb_vat

# ISO 3166 code -> VAT number prefix where they differ.
_VAT_PREFIX = {"GR": "EL"}


@dataclass(frozen=True)
class VatIdCheck:
    valid: bool
    number: str
    reason: str


def vat_prefix(country: str) -> str:
    return _VAT_PREFIX.get(country, country)


def check_vat_id(raw: str, country: str) -> VatIdCheck:
    """Is `raw` a well-formed VAT number of `country` (EU member state or GB)?"""
    if country == "GB":
        number = str(gb_vat.compact(raw))
        if not number.startswith("GB"):
            number = "GB" + number
        try:
            gb_vat.validate(number)
        except ValidationError as exc:
            return VatIdCheck(False, number, f"invalid GB VAT number {number}: {exc}")
        return VatIdCheck(True, number, "GB VAT number with valid check digits")
    try:
        number = str(eu_vat.compact(raw))
    except ValidationError as exc:
        return VatIdCheck(False, raw.strip(), f"invalid VAT number {raw!r}: {exc}")
    expected = vat_prefix(country)
    if not number.startswith(expected):
        return VatIdCheck(
            False, number, f"VAT number {number} is not a {expected} number (buyer in {country})"
        )
    try:
        eu_vat.validate(number)
    except ValidationError as exc:
        return VatIdCheck(False, number, f"invalid VAT number {number}: {exc}")
    return VatIdCheck(True, number, f"{expected} VAT number with valid check digits")
