"""Writing an amount for people: one style per (locale, currency), used by the server and
shipped to the browser, so both write every price character for character the same.

A style is plain data (prefix/suffix around the digits, the decimal and group symbols,
the grouping sizes, the currency's ISO 4217 exponent), built once from babel's CLDR data.
``format_money`` applies it here; ``web/src/lib/money.js`` applies the very same style in
the page scripts (the page's boot data carries the styles of every currency the page can
show). Neither side asks its own library how many decimals a currency has, which is how
the browser came to show rupiah 100x too high.

Decimals: always the ISO exponent, so the figure shown is exactly the figure charged and
invoiced (IDR is shown with its two decimals, ``Rp 307.714,90``, even though cash habit
is whole rupiah). Digits are Latin on every page (as on the invoices).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import (
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

from castcart.money.currency import minor_units, validate_currency

NBSP = "\u00a0"
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class MoneyStyle:
    """How one locale writes one currency. Field names are the JSON the scripts read."""

    exponent: int
    prefix: str
    suffix: str
    neg_prefix: str
    neg_suffix: str
    decimal: str
    group: str
    primary: int
    secondary: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _unquote(text: str) -> str:
    return _QUOTED.sub(lambda m: m.group(1) or "'", text)


def _is_symbolic(char: str) -> bool:
    return unicodedata.category(char).startswith("S")


def _affix(affix: str, symbol: str, minus: str, *, before_number: bool) -> str:
    """Fill the pattern's currency sign; a lettered symbol touching the digits gets a
    no-break space (CLDR currencySpacing: ``CHF 12.00``, ``Rp 307.714``, but ``$12.00``)."""
    text = _unquote(affix.replace("-", minus))
    if "¤" not in text:
        return text
    touching = text.endswith("¤") if before_number else text.startswith("¤")
    if touching and symbol:
        edge = symbol[-1] if before_number else symbol[0]
        if not _is_symbolic(edge) and not edge.isspace():
            symbol = symbol + NBSP if before_number else NBSP + symbol
    return text.replace("¤", symbol)


@cache
def money_style(lang: str, currency: str) -> MoneyStyle:
    """The style for ``lang`` (a babel locale id such as ``de`` or ``pt_BR``) and a currency."""
    code = validate_currency(currency)
    locale = Locale.parse(lang.replace("-", "_"))
    pattern = locale.currency_formats["standard"]
    symbol = str(get_currency_symbol(code, locale))
    minus = str(get_minus_sign_symbol(locale))
    primary, secondary = pattern.grouping
    return MoneyStyle(
        exponent=minor_units(code),
        prefix=_affix(pattern.prefix[0], symbol, minus, before_number=True),
        suffix=_affix(pattern.suffix[0], symbol, minus, before_number=False),
        neg_prefix=_affix(pattern.prefix[1], symbol, minus, before_number=True),
        neg_suffix=_affix(pattern.suffix[1], symbol, minus, before_number=False),
        decimal=str(get_decimal_symbol(locale)),
        group=str(get_group_symbol(locale)),
        primary=int(primary),
        secondary=int(secondary),
    )


def _group(digits: str, sep: str, primary: int, secondary: int) -> str:
    if primary <= 0 or len(digits) <= primary:
        return digits
    head, tail = digits[:-primary], [digits[-primary:]]
    step = secondary if secondary > 0 else primary
    while len(head) > step:
        tail.insert(0, head[-step:])
        head = head[:-step]
    return sep.join([head, *tail])


def apply_style(style: MoneyStyle, amount_minor: int) -> str:
    """Integer minor units written in a style (exact: string arithmetic, no float)."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"amount must be an int of minor units, got {amount_minor!r}")
    digits = str(abs(amount_minor)).rjust(style.exponent + 1, "0")
    whole = digits[: len(digits) - style.exponent] if style.exponent else digits
    number = _group(whole, style.group, style.primary, style.secondary)
    if style.exponent:
        number += style.decimal + digits[-style.exponent :]
    if amount_minor < 0:
        return style.neg_prefix + number + style.neg_suffix
    return style.prefix + number + style.suffix


def format_money(amount_minor: int, currency: str, lang: str) -> str:
    """``format_money(30771490, "IDR", "id")`` → ``Rp 307.714,90``."""
    return apply_style(money_style(lang, currency), amount_minor)


def money_styles(lang: str, currencies: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The boot-data table for a page: every currency it can show, in its language."""
    return {code: money_style(lang, code).as_json() for code in sorted(set(currencies))}


def display_currencies(extra: Iterable[str] = ()) -> frozenset[str]:
    """Every currency the product can show: those of the FX snapshot (a shopper's
    currency must have a rate) plus e.g. the store's own."""
    from castcart.money.fx import bundled_snapshot

    return bundled_snapshot().currencies() | {validate_currency(c) for c in extra}
