"""Loads the dated, versioned method catalog (data/methods.json) and picks methods for a checkout.

The data file is the single place where availability and limits live, so updating a limit is
a data change with a date and a source, not a code change. Everything is validated at load
time: a typo in a country or currency code fails loudly instead of hiding a method.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import pycountry

from castcart.money import MoneyError, UnknownCurrencyError, parse_major, validate_currency
from castcart.payment_methods.gateways import GatewayCapabilities
from castcart.payment_methods.values import (
    AmountLimit,
    Confirmation,
    MethodKind,
    PaymentMethod,
    PaymentMethodError,
)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Catalog:
    version: str
    as_of: str
    methods: tuple[PaymentMethod, ...]
    preferences: Mapping[str, tuple[str, ...]]
    sources: tuple[Source, ...]
    disclaimer: str = ""

    def get(self, method_id: str) -> PaymentMethod:
        for method in self.methods:
            if method.id == method_id:
                return method
        raise PaymentMethodError("unknown_method", f"no payment method with id {method_id!r}")

    @property
    def method_ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.methods)

    def preference_order(self, country: str) -> tuple[str, ...]:
        """Method ids by local relevance: the country's list, then the default list, then ids."""
        seen: dict[str, None] = {}
        for method_id in (*self.preferences.get(country, ()), *self.preferences["default"]):
            seen.setdefault(method_id, None)
        for method_id in sorted(self.method_ids):
            seen.setdefault(method_id, None)
        return tuple(seen)

    def available_methods(
        self,
        country: str,
        currency: str,
        amount_minor: int,
        *,
        gateway_supported: AbstractSet[str] | GatewayCapabilities | None = None,
    ) -> list[PaymentMethod]:
        """The methods a shopper in `country` paying `amount_minor` of `currency` can use.

        Ordered by local relevance. `gateway_supported` narrows the list to what the store's
        gateway takes (a set of method ids or an adapter's capabilities); None means no
        narrowing. Ids the catalog does not know are ignored, since a gateway may take more.
        """
        country_code = normalise_country(country)
        currency_code = normalise_currency(currency)
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
            raise PaymentMethodError(
                "invalid_amount", f"amount must be an int of minor units, got {amount_minor!r}"
            )
        if amount_minor <= 0:
            raise PaymentMethodError(
                "invalid_amount", f"amount must be positive, got {amount_minor}"
            )
        by_id = {m.id: m for m in self.methods}
        chosen: list[PaymentMethod] = []
        for method_id in self.preference_order(country_code):
            method = by_id[method_id]
            if not method.accepts(country_code, currency_code, amount_minor):
                continue
            if not _gateway_allows(gateway_supported, method_id):
                continue
            chosen.append(method)
        return chosen


def _gateway_allows(
    gateway_supported: AbstractSet[str] | GatewayCapabilities | None, method_id: str
) -> bool:
    if gateway_supported is None:
        return True
    if isinstance(gateway_supported, GatewayCapabilities):
        return gateway_supported.supports(method_id)
    return method_id in gateway_supported


def normalise_country(country: str) -> str:
    """Upper-case ISO 3166-1 alpha-2 code, or a PaymentMethodError("unknown_country")."""
    code = country.strip().upper() if isinstance(country, str) else ""
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        hint = " (the United Kingdom is GB)" if code == "UK" else ""
        raise PaymentMethodError(
            "unknown_country", f"unknown ISO 3166-1 alpha-2 country code: {country!r}{hint}"
        )
    return code


def normalise_currency(currency: str) -> str:
    try:
        return validate_currency(currency if isinstance(currency, str) else "")
    except UnknownCurrencyError as exc:
        raise PaymentMethodError("unknown_currency", str(exc)) from exc


# ---------------------------------------------------------------------------------------------
# Loading


def _bad(message: str) -> PaymentMethodError:
    return PaymentMethodError("invalid_catalog", message)


def _expand_countries(
    raw: Sequence[str], groups: Mapping[str, Sequence[str]], where: str, depth: int = 0
) -> frozenset[str]:
    if depth > 5:
        raise _bad(f"{where}: country groups nest too deeply")
    out: set[str] = set()
    for item in raw:
        if item.startswith("@"):
            group = groups.get(item[1:])
            if group is None:
                raise _bad(f"{where}: unknown country group {item!r}")
            out |= _expand_countries(group, groups, where, depth + 1)
            continue
        try:
            out.add(normalise_country(item))
        except PaymentMethodError as exc:
            raise _bad(f"{where}: {exc.message}") from exc
    return frozenset(out)


def _country(code: str, where: str) -> str:
    try:
        return normalise_country(code)
    except PaymentMethodError as exc:
        raise _bad(f"{where}: {exc.message}") from exc


def _currency(code: str, where: str) -> str:
    try:
        return normalise_currency(code)
    except PaymentMethodError as exc:
        raise _bad(f"{where}: {exc.message}") from exc


def _amount(value: object, currency: str, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(f"{where}: amounts are major-unit strings, got {value!r}")
    try:
        return parse_major(value, currency)
    except MoneyError as exc:
        raise _bad(f"{where}: {exc}") from exc


def _limits(raw: Mapping[str, Any], where: str) -> Mapping[str, AmountLimit]:
    out: dict[str, AmountLimit] = {}
    for code, bounds in raw.items():
        currency = _currency(code, where)
        low = _amount(bounds.get("min"), currency, f"{where} {currency} min")
        high = _amount(bounds.get("max"), currency, f"{where} {currency} max")
        if low is not None and low < 0:
            raise _bad(f"{where}: negative minimum for {currency}")
        if low is not None and high is not None and low > high:
            raise _bad(f"{where}: minimum above maximum for {currency}")
        out[currency] = AmountLimit(low, high)
    return MappingProxyType(out)


def _method(raw: Mapping[str, Any], groups: Mapping[str, Sequence[str]]) -> PaymentMethod:
    method_id = raw.get("id")
    if not isinstance(method_id, str) or not method_id:
        raise _bad(f"a method without an id: {raw!r}")
    where = f"method {method_id!r}"
    try:
        kind = MethodKind(raw["kind"])
    except (KeyError, ValueError) as exc:
        raise _bad(f"{where}: unknown kind {raw.get('kind')!r}") from exc
    names = raw.get("names") or {}
    if "en" not in names:
        raise _bad(f"{where}: needs an English name")
    confirmation = raw.get("confirmation")
    if confirmation not in ("instant", "delayed"):
        raise _bad(f"{where}: confirmation must be 'instant' or 'delayed'")
    settlement = raw.get("settlement_business_days")
    if isinstance(settlement, bool) or not isinstance(settlement, int) or settlement < 0:
        raise _bad(f"{where}: settlement_business_days must be a non-negative int")

    countries: frozenset[str] | None = None
    currencies: frozenset[str] | None = None
    pairs: Mapping[str, frozenset[str]] | None = None
    if "country_currencies" in raw:
        if "countries" in raw or "currencies" in raw:
            raise _bad(f"{where}: give country_currencies or countries/currencies, not both")
        pairs = MappingProxyType(
            {
                _country(cc, where): frozenset(_currency(c, where) for c in curs)
                for cc, curs in raw["country_currencies"].items()
            }
        )
        countries = frozenset(pairs)
        currencies = frozenset(c for curs in pairs.values() for c in curs)
    else:
        raw_countries = raw.get("countries")
        raw_currencies = raw.get("currencies")
        if raw_countries is None or raw_currencies is None:
            raise _bad(f"{where}: needs countries and currencies ('*' for any)")
        if raw_countries != "*":
            countries = _expand_countries(raw_countries, groups, where)
        if raw_currencies != "*":
            currencies = frozenset(_currency(c, where) for c in raw_currencies)

    limits = _limits(raw.get("limits", {}), where)
    country_limits = MappingProxyType(
        {
            _country(cc, where): _limits(by_cur, f"{where} {cc}")
            for cc, by_cur in raw.get("country_limits", {}).items()
        }
    )
    return PaymentMethod(
        id=method_id,
        kind=kind,
        names=MappingProxyType(dict(names)),
        countries=countries,
        currencies=currencies,
        country_currencies=pairs,
        limits=limits,
        country_limits=country_limits,
        confirmation=cast(Confirmation, confirmation),
        settlement_business_days=settlement,
        brands=tuple(raw.get("brands", ())),
        requires=str(raw.get("requires", "")),
        sources=tuple(raw.get("sources", ())),
        notes=str(raw.get("notes", "")),
    )


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    """Build and validate a catalog from the decoded JSON document."""
    for key in ("version", "as_of", "methods", "preferences", "sources"):
        if key not in data:
            raise _bad(f"catalog is missing {key!r}")
    groups: Mapping[str, Sequence[str]] = data.get("groups", {})
    sources = tuple(Source(s["id"], s["title"], s["url"]) for s in data["sources"])
    source_ids = {s.id for s in sources}
    methods = tuple(_method(raw, groups) for raw in data["methods"])
    ids = [m.id for m in methods]
    if len(set(ids)) != len(ids):
        raise _bad("duplicate method ids")
    for method in methods:
        missing = set(method.sources) - source_ids
        if missing:
            raise _bad(f"method {method.id!r} cites unknown sources {sorted(missing)}")
    if "default" not in data["preferences"]:
        raise _bad("preferences need a 'default' order")
    preferences: dict[str, tuple[str, ...]] = {}
    for key, order in data["preferences"].items():
        country = key if key == "default" else _country(key, "preferences")
        unknown = [m for m in order if m not in ids]
        if unknown:
            raise _bad(f"preferences for {key}: unknown method ids {unknown}")
        preferences[country] = tuple(order)
    return Catalog(
        version=str(data["version"]),
        as_of=str(data["as_of"]),
        methods=methods,
        preferences=MappingProxyType(preferences),
        sources=sources,
        disclaimer=str(data.get("disclaimer", "")),
    )


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load a catalog file, or the bundled one when `path` is None."""
    if path is None:
        text = resources.files("castcart.payment_methods").joinpath("data/methods.json")
        raw = json.loads(text.read_text(encoding="utf-8"))
    else:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return parse_catalog(raw)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog()


def available_methods(
    country: str,
    currency: str,
    amount_minor: int,
    *,
    gateway_supported: AbstractSet[str] | GatewayCapabilities | None = None,
    catalog: Catalog | None = None,
) -> list[PaymentMethod]:
    """Methods that fit the shopper's country, currency and total, by local relevance."""
    return (catalog or default_catalog()).available_methods(
        country, currency, amount_minor, gateway_supported=gateway_supported
    )


def method_name(method_id: str | None, lang: str, country: str | None) -> str | None:
    """A recorded method's name for a reader (order pages, admin, mails): the id itself if
    the catalog no longer knows it, so an old order still shows what was charged."""
    if not method_id:
        return None
    try:
        return default_catalog().get(method_id).display_name(lang, country)
    except PaymentMethodError:
        return method_id
