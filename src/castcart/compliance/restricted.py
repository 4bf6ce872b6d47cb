"""Which products a market forbids, from the product's attributes and the market's rule pack.

A product declares what it contains in ``attributes["restricted"]`` (e.g. ``["alcohol"]``,
``["gelatin"]``) and may carry ``halal_certified: true``. A rule with ``notice_ok`` asks for a
label (e.g. Indonesia's "non-halal" notice) rather than forbidding the sale, so it does not
hide the product."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from castcart.compliance.rules import load_pack, resolve_market
from castcart.compliance.values import ComplianceInputError

# Countries whose storefronts are checked: every market a rule pack covers.
WATCHED_COUNTRIES: tuple[str, ...] = ("SA", "AE", "ID", "MY", "AU", "GB", "US", "FR", "DE")


@dataclass(frozen=True)
class Restriction:
    country: str
    rule: str
    kind: str
    description: str
    source: str


def product_kinds(attributes: Mapping[str, Any]) -> set[str]:
    declared = attributes.get("restricted") or []
    kinds = {str(k).strip().lower() for k in declared} if isinstance(declared, list) else set()
    if attributes.get("halal_certified") is True:
        kinds.discard("gelatin")
    return kinds


def restrictions(attributes: Mapping[str, Any], country: str) -> list[Restriction]:
    """The rules that forbid selling this product to ``country`` (empty: allowed)."""
    kinds = product_kinds(attributes)
    if not kinds:
        return []
    try:
        pack = load_pack(resolve_market(country))
    except ComplianceInputError:
        return []  # no rule pack for this market: nothing known to forbid
    found = []
    for rule in pack.rules:
        if rule.category != "restricted_product_market" or rule.notice_ok:
            continue
        for kind in sorted(kinds & set(rule.kinds)):
            found.append(
                Restriction(
                    country=country.upper(),
                    rule=rule.id,
                    kind=kind,
                    description=rule.description,
                    source=rule.source,
                )
            )
    return found


def restricted_markets(attributes: Mapping[str, Any]) -> dict[str, list[str]]:
    """country → rule ids, over the watched markets; for the host console and admin."""
    result = {}
    for country in WATCHED_COUNTRIES:
        rules = [r.rule for r in restrictions(attributes, country)]
        if rules:
            result[country] = rules
    return result
