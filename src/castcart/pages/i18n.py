"""The pages' languages: which one a request gets, its UI strings, and locale formatting.

Catalogs are flat JSON files (``locales/{lang}.json``) so that the same strings serve the
server-rendered templates and the page scripts (which get the catalog in the page's boot
data). English is complete by definition; a key missing elsewhere falls back to English."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from castcart.money.display import display_currencies, format_money, money_styles

SUPPORTED: tuple[str, ...] = ("en", "es", "fr", "de", "ar", "id", "ms", "th", "vi", "pt", "zh")
DEFAULT = "en"
LANG_COOKIE = "castcart_lang"


def _primary(tag: str) -> str:
    return tag.strip().replace("_", "-").split("-")[0].lower()


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an ``Accept-Language`` header, best first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """``?lang=`` wins, then the language the visitor picked before (cookie), then the
    browser's preference; anything unsupported falls through to the next source."""
    for candidate in (query, cookie):
        if candidate and _primary(candidate) in SUPPORTED:
            return _primary(candidate)
    for tag in parse_accept_language(accept_language or ""):
        if _primary(tag) in SUPPORTED:
            return _primary(tag)
    return DEFAULT


def region_of(accept_language: str | None) -> str | None:
    """The first country named in ``Accept-Language`` (``es-MX`` → ``MX``): a guess at the
    shopper's market until they choose a destination at checkout."""
    for tag in parse_accept_language(accept_language or ""):
        parts = tag.replace("_", "-").split("-")
        for part in parts[1:]:
            if len(part) == 2 and part.isalpha():
                return part.upper()
    return None


@cache
def catalog(lang: str) -> dict[str, str]:
    """UI strings of ``lang`` over the English ones (so a missing key shows English)."""
    english = _load(DEFAULT)
    if lang == DEFAULT:
        return english
    return {**english, **_load(lang)}


@cache
def _load(lang: str) -> dict[str, str]:
    if lang not in SUPPORTED:
        raise KeyError(lang)
    text = resources.files("castcart.pages").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)
    return data


@dataclass(frozen=True)
class PageLocale:
    """Everything a template needs to speak the visitor's language."""

    lang: str

    @property
    def strings(self) -> dict[str, str]:
        return catalog(self.lang)

    @property
    def direction(self) -> str:
        return "rtl" if Locale.parse(self.lang).text_direction == "rtl" else "ltr"

    def t(self, key: str, **values: Any) -> str:
        text = self.strings.get(key, key)
        return text.format(**values) if values else text

    def money(self, amount_minor: int, currency: str) -> str:
        """Integer minor units → the locale's way of writing the price; the page scripts
        write it identically from ``money_boot`` (castcart.money.display)."""
        return format_money(amount_minor, currency, self.lang)

    def money_boot(self, *currencies: str) -> dict[str, Any]:
        """Money styles of every currency the page can show, for the scripts' boot data."""
        return money_styles(self.lang, display_currencies(currencies))

    def number(self, value: int | float | Decimal) -> str:
        return str(format_decimal(value, locale=self.lang))

    def datetime(self, value: datetime, tz: tzinfo | None = None) -> str:
        return str(format_datetime(value, "medium", tzinfo=tz, locale=self.lang))

    def date(self, value: date) -> str:
        return str(format_date(value, "medium", locale=self.lang))

    def language_name(self, lang: str) -> str:
        """A language's own name (``Deutsch``, ``العربية``) for the switcher."""
        name = str(Locale.parse(lang).get_display_name(lang))
        return name[:1].upper() + name[1:]
