"""Inputs and outputs of the tax engine: plain frozen dataclasses, amounts in int minor units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

CollectedAt = Literal["checkout", "import", "none"]
COLLECTED_AT: tuple[CollectedAt, ...] = ("checkout", "import", "none")


class Category(StrEnum):
    """Product categories that decide reduced rates and duty estimates."""

    GENERAL = "general"
    CLOTHING = "clothing"
    CHILDREN_CLOTHING = "children_clothing"
    BOOKS = "books"
    FOOD = "food"
    MEDICINE = "medicine"
    COSMETICS = "cosmetics"
    ELECTRONICS = "electronics"
    SUPPLEMENTS = "supplements"

    @classmethod
    def parse(cls, text: str) -> Category:
        """Accept the canonical names plus a few common spellings ("apparel", "book", ...)."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        return cls(_CATEGORY_ALIASES.get(key, key))


_CATEGORY_ALIASES = {
    "apparel": "clothing",
    "clothes": "clothing",
    "fashion": "clothing",
    "kids_clothing": "children_clothing",
    "childrens_clothing": "children_clothing",
    "children_clothes": "children_clothing",
    "book": "books",
    "grocery": "food",
    "groceries": "food",
    "foodstuffs": "food",
    "medicines": "medicine",
    "pharmaceuticals": "medicine",
    "cosmetic": "cosmetics",
    "beauty": "cosmetics",
    "electronic": "electronics",
    "supplement": "supplements",
    "dietary_supplements": "supplements",
    "standard": "general",
    "other": "general",
}


class TaxError(ValueError):
    """A case the engine cannot quote; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TaxCase:
    """One checkout to quote. Money values are net of tax, in minor units of `currency`.

    `goods_value` is treated as one item where a rule counts per item (VOEC, US clothing).
    `origin_country` is where the goods ship from (the warehouse), which decides domestic
    versus import; `seller_country` is where the seller is established (EU distance-selling
    threshold). `seller_eu_distance_sales_*` are the seller's EU-wide cross-border B2C sales in EUR
    minor units; left out, the EUR 10,000 threshold is taken as exceeded (destination VAT).
    """

    seller_country: str
    buyer_country: str
    goods_value: int
    currency: str
    category: Category = Category.GENERAL
    shipping_value: int = 0
    buyer_region: str | None = None
    buyer_vat_id: str | None = None
    seller_eu_distance_sales_prior_year: int | None = None
    seller_eu_distance_sales_current_year: int | None = None
    ddp: bool = False
    on: date | None = None
    # Where the parcel ships from (its warehouse's country); None: the seller's country.
    origin_country: str | None = None


@dataclass(frozen=True)
class TaxLine:
    """A tax or a duty: what it is, its rate, its amount and who collects it when."""

    name: str
    rate_percent: Decimal
    amount: int
    collected_at: CollectedAt
    jurisdiction: str
    scheme: str
    base: int = 0
    estimate: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Rule:
    """The rule the quote relied on: a stable id and one sentence a shopper can read."""

    id: str
    text: str


@dataclass(frozen=True)
class ThresholdCheck:
    """The FX conversion used to compare a value with a threshold in the threshold's currency."""

    name: str
    value: Decimal
    limit: Decimal
    currency: str
    within: bool
    fx_rate: Decimal
    fx_source: str


@dataclass(frozen=True)
class TaxQuote:
    """Lines, duties, totals and the rule applied. All amounts are in `currency` minor units."""

    currency: str
    goods_value: int
    shipping_value: int
    lines: tuple[TaxLine, ...]
    duties: tuple[TaxLine, ...]
    rule: Rule
    notes: tuple[str, ...] = field(default=())
    thresholds: tuple[ThresholdCheck, ...] = field(default=())
    table_version: str = ""

    @property
    def total_tax(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def total_duty(self) -> int:
        return sum(line.amount for line in self.duties)

    @property
    def landed_cost(self) -> int:
        """Goods + shipping + every tax and duty the buyer ends up paying (estimate)."""
        return self.goods_value + self.shipping_value + self.total_tax + self.total_duty

    @property
    def due_at_checkout(self) -> int:
        """Taxes and duties the shop collects at checkout."""
        return sum(x.amount for x in (*self.lines, *self.duties) if x.collected_at == "checkout")

    @property
    def due_at_import(self) -> int:
        """Taxes and duties the carrier or customs collects from the buyer on delivery."""
        return sum(x.amount for x in (*self.lines, *self.duties) if x.collected_at == "import")
