from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, field_validator

Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Handle = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,119}$")]
Sku = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Amount = Annotated[int, Field(strict=True, ge=0, le=10**12, description="integer minor units")]

ATTRIBUTE_KEYS = {
    "halal_certified",
    "material",
    "capacity",
    "power",
    "dimensions",
    "origin",
    "certifications",
    "category",
    "weight",
    "ingredients",
    "restricted",
}


class Translation(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")

    locale: Locale
    title: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
    description: Annotated[str, StringConstraints(max_length=20000)] = ""
    # a machine draft keeps its marks when the product is saved back unchanged
    origin: Literal["merchant", "machine"] = "merchant"
    status: Literal["published", "draft"] = "published"


class Image(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")

    url: HttpUrl | Annotated[str, StringConstraints(pattern=r"^/[^\s]{0,1999}$")]
    alt: Annotated[str, StringConstraints(max_length=300)] = ""

    @field_validator("url")
    @classmethod
    def _fits_storage(cls, value: HttpUrl | str) -> HttpUrl | str:
        # HttpUrl normalises (punycode, percent-encoding), which can lengthen the input.
        if len(str(value)) > 2000:
            raise ValueError("image URL longer than 2000 characters")
        return value


class ImageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = ""
    url: str
    alt: str


class VariantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    options: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=40)],
        Annotated[str, StringConstraints(min_length=1, max_length=80)],
    ] = {}
    price_amount: Amount
    weight_grams: Annotated[int, Field(ge=0, le=10**7)] | None = None


class VariantPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price_amount: Amount | None = None
    options: dict[str, str] | None = None
    weight_grams: Annotated[int, Field(ge=0, le=10**7)] | None = None


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handle: Handle
    status: Annotated[str, StringConstraints(pattern="^(draft|active|archived)$")] = "active"
    translations: Annotated[list[Translation], Field(min_length=1, max_length=50)]
    images: Annotated[list[Image], Field(max_length=50)] = []
    attributes: dict[str, Any] = {}
    variants: Annotated[list[VariantIn], Field(min_length=1, max_length=200)]

    @field_validator("attributes")
    @classmethod
    def _known_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - ATTRIBUTE_KEYS
        if unknown:
            raise ValueError(
                f"unknown attributes {sorted(unknown)}; allowed: {sorted(ATTRIBUTE_KEYS)}"
            )
        return value


class ProductPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Annotated[str, StringConstraints(pattern="^(draft|active|archived)$")] | None = None
    translations: Annotated[list[Translation], Field(min_length=1, max_length=50)] | None = None
    images: Annotated[list[Image], Field(max_length=50)] | None = None
    attributes: dict[str, Any] | None = None

    @field_validator("attributes")
    @classmethod
    def _known_attributes(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            ProductIn._known_attributes(value)
        return value


class StockOut(BaseModel):
    warehouse_id: str
    warehouse_code: str
    quantity: int
    reserved: int
    available: int


class VariantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    product_id: str
    sku: str
    options: dict[str, str]
    price_amount: int
    currency: str
    weight_grams: int | None
    available: int = 0
    stock: list[StockOut] = []


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    handle: str
    status: str
    translations: list[Translation]
    images: list[ImageOut]
    attributes: dict[str, Any]
    variants: list[VariantOut]
    # Staff only: markets whose rules forbid selling this product (country → rule ids).
    restricted_in: dict[str, list[str]] = {}
    # Returned when the product is saved: claims in its copy that the home market's rules
    # flag, and statements that contradict its own attributes.
    compliance_findings: list[dict[str, Any]] = []
    # Staff only: findings in the copy nobody has reviewed yet (GET .../findings lists them).
    open_findings: int = 0


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    product_id: str
    locale: str
    field: str
    category: str
    rule: str
    severity: str
    excerpt: str
    suggestion: str
    status: str  # open | resolved
    note: str
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class FindingResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class WarehouseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    country: CountryCode
    priority: Annotated[int, Field(ge=0, le=10000)] = 100
    cutoff_local_time: Annotated[
        str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    ] = "14:00"
    timezone: Annotated[str, StringConstraints(max_length=64)] | None = None
    subdivision: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")] | None = None
    # Where it ships from: with `subdivision`, what a left-out `timezone` is derived from.
    city: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class WarehouseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    country: str
    priority: int
    cutoff_local_time: str
    timezone: str | None
    subdivision: str | None
    city: str | None


class StockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Annotated[int, Field(strict=True, ge=0, le=10**9)]


class ClaimEvidenceIn(BaseModel):
    """A substantiation record for a comparative or superlative claim."""

    model_config = ConfigDict(extra="forbid")

    claim: Annotated[str, StringConstraints(min_length=3, max_length=300, strip_whitespace=True)]
    product_id: Annotated[str, StringConstraints(max_length=32)] | None = None
    evidence_text: Annotated[str, StringConstraints(max_length=5000, strip_whitespace=True)] = ""
    url: HttpUrl | None = None
    file_ref: (
        Annotated[
            str,
            StringConstraints(
                min_length=1, max_length=500, strip_whitespace=True, pattern=r"^[^\x00-\x1f]+$"
            ),
        ]
        | None
    ) = None
    valid_until: datetime
    markets: Annotated[list[CountryCode], Field(max_length=40)] = []

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: HttpUrl | None) -> HttpUrl | None:
        if value is not None and len(str(value)) > 2000:
            raise ValueError("URL longer than 2000 characters")
        return value

    @field_validator("valid_until")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("valid_until needs a time zone (e.g. 2027-01-31T23:59:00Z)")
        return value


class ClaimEvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    product_id: str | None
    claim: str
    evidence_text: str
    url: str | None
    file_ref: str | None
    markets: list[str]
    valid_until: datetime
    created_by: str | None
    created_at: datetime
    revoked_at: datetime | None

    @field_validator("markets", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [m for m in value.split(",") if m]
        return value


class PriceChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    variant_id: str
    kind: str  # list | live | flash
    amount: int  # minor units of `currency`
    currency: str
    previous_amount: int | None
    show_id: str | None
    flash_sale_id: str | None
    markets: list[str]  # empty: every market
    starts_at: datetime | None  # null: a live price waiting for its show to go live
    ends_at: datetime | None  # null: still offered
    recorded_at: datetime
    actor: str | None
    note: str

    @field_validator("markets", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [m for m in value.split(",") if m]
        return value


class PriceFactsOut(BaseModel):
    """What the recorded history says now in one market (minor units)."""

    market: str | None
    current: int | None
    reduction_since: datetime | None  # when the price now applied began
    lowest_30d: int | None  # lowest price applied in the 30 days before that
    lowest_30d_from: datetime | None
    lowest_30d_to: datetime | None
    recorded_since: datetime | None


class PriceHistoryOut(BaseModel):
    variant_id: str
    currency: str
    facts: PriceFactsOut
    changes: list[PriceChangeOut]
