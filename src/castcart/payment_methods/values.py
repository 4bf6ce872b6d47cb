"""Payment method records: plain frozen dataclasses, amounts in integer minor units."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Confirmation = Literal["instant", "delayed"]


class PaymentMethodError(ValueError):
    """Bad input or bad catalog data; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MethodKind(StrEnum):
    CARD = "card"
    BANK_DEBIT = "bank_debit"
    BANK_REDIRECT = "bank_redirect"
    WALLET = "wallet"
    VOUCHER = "voucher"
    COD = "cod"
    BNPL = "bnpl"
    BANK_TRANSFER = "bank_transfer"


@dataclass(frozen=True, slots=True)
class AmountLimit:
    """Inclusive bounds in minor units; None means the catalog states no bound."""

    min_minor: int | None = None
    max_minor: int | None = None

    def allows(self, amount_minor: int) -> bool:
        if self.min_minor is not None and amount_minor < self.min_minor:
            return False
        return self.max_minor is None or amount_minor <= self.max_minor


NO_LIMIT = AmountLimit()


@dataclass(frozen=True)
class PaymentMethod:
    """One way to pay, with where it works and for how much.

    `countries` / `currencies` of None mean "any". When `country_currencies` is set the method
    only works in each country's own listed currencies (Klarna, wallets, COD), which a plain
    countries x currencies product could not say.
    """

    id: str
    kind: MethodKind
    names: Mapping[str, str]
    countries: frozenset[str] | None
    currencies: frozenset[str] | None
    country_currencies: Mapping[str, frozenset[str]] | None
    limits: Mapping[str, AmountLimit]
    country_limits: Mapping[str, Mapping[str, AmountLimit]]
    confirmation: Confirmation
    settlement_business_days: int
    brands: tuple[str, ...] = ()
    requires: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    @property
    def name(self) -> str:
        return self.names["en"]

    def display_name(self, locale: str = "en", country: str | None = None) -> str:
        """The name in `locale` ("pt-BR" falls back to "pt"), else English. A name keyed by
        language and *destination* ("es-MX": "... (SPEI)") wins in that market only, so a
        market's scheme name is never offered elsewhere (SPEI to a buyer in Germany)."""
        key = locale.replace("_", "-")
        lang = key.split("-")[0].lower()
        market = country.upper() if country else None
        candidates = [f"{lang}-{market}"] if market else []
        if "-" in key and (market is None or key.upper().endswith(f"-{market}")):
            candidates.append(key)  # a regional name only in its own market
        candidates += [lang, f"en-{market}"] if market else [lang]
        for candidate in candidates:
            if candidate in self.names:
                return self.names[candidate]
        return self.names["en"]

    def serves(self, country: str, currency: str) -> bool:
        """Whether the method works for a shopper in `country` paying in `currency`."""
        if self.country_currencies is not None:
            return currency in self.country_currencies.get(country, frozenset())
        country_ok = self.countries is None or country in self.countries
        currency_ok = self.currencies is None or currency in self.currencies
        return country_ok and currency_ok

    def limit_for(self, country: str, currency: str) -> AmountLimit:
        """The amount bounds for this country and currency (country overrides first)."""
        by_country = self.country_limits.get(country)
        if by_country is not None and currency in by_country:
            return by_country[currency]
        return self.limits.get(currency, NO_LIMIT)

    def accepts(self, country: str, currency: str, amount_minor: int) -> bool:
        return self.serves(country, currency) and self.limit_for(country, currency).allows(
            amount_minor
        )
