from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from castcart.core.validation import Timestamp

Amount = Annotated[int, Field(strict=True, ge=0, le=10**12, description="integer minor units")]


def _known_country(code: str) -> str:
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 country code")
    return code


Market = Annotated[str, StringConstraints(pattern="^[A-Z]{2}$"), AfterValidator(_known_country)]
Markets = Annotated[
    list[Market],
    Field(
        max_length=20,
        description="countries the show is aimed at; the host's words are checked against "
        "each one's rules (empty: the store's country)",
    ),
]


CommercialRelationship = Literal["none", "sponsored", "gifted", "affiliate"]
Brand = Annotated[str, StringConstraints(max_length=120, strip_whitespace=True)]


def _check_disclosure(relationship: str, brand: str) -> None:
    if relationship != "none" and not brand:
        raise ValueError(
            f"a {relationship} show must name the brand behind it (disclosure_brand): the "
            "label tells viewers who paid, gave or pays commission"
        )
    if relationship == "none" and brand:
        raise ValueError(
            "disclosure_brand is set but commercial_relationship is 'none': choose "
            "sponsored, gifted or affiliate, or leave the brand empty"
        )


class ShowDisclosureIn(BaseModel):
    """What the show is commercially: viewers see their market's label for the whole show
    (FTC in the US, ASA/CAP in the UK, DSA/UCPD in the EU; compliance/disclosure.py)."""

    model_config = ConfigDict(extra="forbid")

    commercial_relationship: CommercialRelationship = "none"
    disclosure_brand: Brand = ""
    iftar_countdown: StrictBool = False

    @model_validator(mode="after")
    def _brand(self) -> ShowDisclosureIn:
        _check_disclosure(self.commercial_relationship, self.disclosure_brand)
        return self


class ShowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    scheduled_at: Timestamp
    markets: Markets = []
    commercial_relationship: CommercialRelationship = "none"
    disclosure_brand: Brand = ""
    # count down to iftar on the shopper page: only for a show aimed at a Muslim-majority
    # market on a Ramadan day there (checked against the show's markets and date)
    iftar_countdown: StrictBool = False

    @model_validator(mode="after")
    def _brand(self) -> ShowIn:
        _check_disclosure(self.commercial_relationship, self.disclosure_brand)
        return self


class ShowMarketsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    markets: Markets


class ShowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    description: str
    status: str
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    pinned_product_id: str | None
    commercial_relationship: str = "none"
    disclosure_brand: str = ""
    iftar_countdown: bool = False


class ShowStaffOut(ShowOut):
    stream_key: str | None  # null for staff who may not run the show (moderators)
    markets: list[str] = []

    @field_validator("markets", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return [m for m in value.split(",") if m] if isinstance(value, str) else value


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Annotated[str, StringConstraints(pattern="^(live|ended)$")]


class ShowcaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_ids: Annotated[
        list[Annotated[str, StringConstraints(max_length=32)]], Field(max_length=200)
    ]


class PinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Annotated[str, StringConstraints(max_length=32)] | None


class LivePriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variant_id: Annotated[str, StringConstraints(max_length=32)]
    price_amount: Amount


class LivePricesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prices: Annotated[list[LivePriceIn], Field(max_length=500)]


class LivePriceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    variant_id: str
    price_amount: int


class FlashSaleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variant_id: Annotated[str, StringConstraints(max_length=32)]
    price_amount: Amount
    quantity_cap: Annotated[int, Field(strict=True, ge=1, le=10**7)]
    starts_at: Timestamp
    ends_at: Timestamp

    @model_validator(mode="after")
    def _window(self) -> FlashSaleIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class FlashSaleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    show_id: str
    variant_id: str
    price_amount: int
    quantity_cap: int
    sold: int
    starts_at: datetime
    ends_at: datetime


class ShowcaseItemOut(BaseModel):
    product_id: str
    position: int
    pinned: bool
