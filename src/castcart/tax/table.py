"""Loads the dated, versioned tax data table (data/tax-table.json) into typed objects."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from castcart.tax.values import Category

Rounding = Literal["invoice", "line"]


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Amount:
    """A threshold or a fixed amount in major units of its own currency."""

    value: Decimal
    currency: str


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    tax_name: str
    currency: str
    standard: Decimal
    rates: Mapping[str, Decimal]
    shipping_taxable: bool
    rounding: Rounding
    sources: tuple[Source, ...]
    is_eu: bool = False
    threshold: Amount | None = None
    duty_estimates: Mapping[str, Decimal] | None = None
    notes: str = ""
    params: Mapping[str, str] | None = None

    def rate_for(self, category: Category) -> Decimal:
        return self.rates.get(category.value, self.standard)

    def duty_for(self, category: Category) -> Decimal | None:
        """Estimated duty rate, or None where the table states no estimate."""
        if not self.duty_estimates:
            return None
        return self.duty_estimates.get(category.value, self.duty_estimates.get("general"))

    def param(self, key: str) -> str:
        if self.params is None or key not in self.params:
            raise KeyError(f"{self.code}: missing parameter {key}")
        return self.params[key]


@dataclass(frozen=True)
class ClothingRule:
    mode: Literal["exempt", "exempt_below", "excess_taxable"]
    usd: Decimal | None


@dataclass(frozen=True)
class UsState:
    code: str
    name: str
    rate: Decimal
    shipping_taxable: bool
    food_rate: Decimal
    otc_medicine_exempt: bool
    clothing: ClothingRule | None


@dataclass(frozen=True)
class CaProvince:
    code: str
    name: str
    gst: Decimal | None
    hst: Decimal | None
    pst: Decimal | None
    pst_name: str
    children_clothing_pst_exempt: bool
    children_clothing_provincial_rebate: bool


@dataclass(frozen=True)
class EuRules:
    ioss_threshold: Amount
    distance_sales_threshold: Amount
    flat_duty: Amount
    flat_duty_from: date
    flat_duty_until: date
    duty_estimates: Mapping[str, Decimal]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class TaxTable:
    version: str
    as_of: date
    checked: str
    disclaimer: str
    eu: EuRules
    jurisdictions: Mapping[str, Jurisdiction]
    us_states: Mapping[str, UsState]
    ca_provinces: Mapping[str, CaProvince]


def _amount(raw: Mapping[str, Any]) -> Amount:
    return Amount(Decimal(raw["amount"]), raw["currency"])


def _decimals(raw: Mapping[str, str]) -> dict[str, Decimal]:
    known = {c.value for c in Category}
    out: dict[str, Decimal] = {}
    for key, value in raw.items():
        if key not in known:
            raise ValueError(f"tax table: unknown category {key!r}")
        out[key] = Decimal(value)
    return out


def _sources(raw: list[Mapping[str, str]]) -> tuple[Source, ...]:
    return tuple(Source(s["title"], s["url"]) for s in raw)


def parse_table(raw: Mapping[str, Any]) -> TaxTable:
    """Build a TaxTable from the JSON structure; raises on unknown categories or bad numbers."""
    jurisdictions: dict[str, Jurisdiction] = {}
    for code, j in raw["jurisdictions"].items():
        jurisdictions[code] = Jurisdiction(
            code=code,
            name=j["name"],
            tax_name=j["tax_name"],
            currency=j["currency"],
            standard=Decimal(j["standard"]),
            rates=_decimals(j.get("rates", {})),
            shipping_taxable=bool(j["shipping_taxable"]),
            rounding="line" if j["rounding"] == "line" else "invoice",
            sources=_sources(j["sources"]),
            is_eu=j.get("region") == "EU",
            threshold=_amount(j["threshold"]) if "threshold" in j else None,
            duty_estimates=_decimals(j["duty_estimates"]) if "duty_estimates" in j else None,
            notes=j.get("notes", ""),
            params=dict(j["params"]) if "params" in j else None,
        )
    states: dict[str, UsState] = {}
    for code, s in raw["us_states"].items():
        clothing = s.get("clothing")
        states[code] = UsState(
            code=code,
            name=s["name"],
            rate=Decimal(s["rate"]),
            shipping_taxable=bool(s["shipping_taxable"]),
            food_rate=Decimal(s["food_rate"]),
            otc_medicine_exempt=bool(s["otc_medicine_exempt"]),
            clothing=ClothingRule(
                clothing["mode"], Decimal(clothing["usd"]) if "usd" in clothing else None
            )
            if clothing
            else None,
        )
    provinces: dict[str, CaProvince] = {}
    for code, p in raw["ca_provinces"].items():
        provinces[code] = CaProvince(
            code=code,
            name=p["name"],
            gst=Decimal(p["gst"]) if "gst" in p else None,
            hst=Decimal(p["hst"]) if "hst" in p else None,
            pst=Decimal(p["pst"]) if "pst" in p else None,
            pst_name=p.get("pst_name", "PST"),
            children_clothing_pst_exempt=bool(p.get("children_clothing_pst_exempt", False)),
            children_clothing_provincial_rebate=bool(
                p.get("children_clothing_provincial_rebate", False)
            ),
        )
    eu = raw["eu"]
    return TaxTable(
        version=raw["version"],
        as_of=date.fromisoformat(raw["as_of"]),
        checked=raw["checked"],
        disclaimer=raw["disclaimer"],
        eu=EuRules(
            ioss_threshold=_amount(eu["ioss_threshold"]),
            distance_sales_threshold=_amount(eu["distance_sales_threshold"]),
            flat_duty=_amount(eu["flat_duty"]),
            flat_duty_from=date.fromisoformat(eu["flat_duty"]["from"]),
            flat_duty_until=date.fromisoformat(eu["flat_duty"]["until"]),
            duty_estimates=_decimals(eu["duty_estimates"]),
            sources=_sources(eu["sources"]),
        ),
        jurisdictions=jurisdictions,
        us_states=states,
        ca_provinces=provinces,
    )


@lru_cache(maxsize=1)
def default_table() -> TaxTable:
    """The packaged table, parsed once."""
    text = resources.files("castcart.tax").joinpath("data/tax-table.json").read_text("utf-8")
    return parse_table(json.loads(text))


EU_MEMBERS: frozenset[str] = frozenset(
    ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
) | frozenset(("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"))
