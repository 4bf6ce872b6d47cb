"""API shapes for consents, exports and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from castcart.commerce.schemas import OrderOut, PaymentOut

Purpose = Literal["marketing", "analytics", "personalisation"]
PURPOSES: tuple[str, ...] = ("marketing", "analytics", "personalisation")


PolicyVersion = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
]


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose
    policy_version: PolicyVersion


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    purpose: str
    policy_version: str
    # granted | refused; ``decided_at`` is when (``granted_at`` is the same instant, kept
    # under its old name for clients of the grant-only API)
    decision: str = "granted"
    decided_at: datetime
    granted_at: datetime
    withdrawn_at: datetime | None
    end_reason: str | None
    source: str
    jurisdiction: str | None = None


class DecisionOut(BaseModel):
    decision: str
    policy_version: str
    decided_at: datetime


class ConsentsOut(BaseModel):
    current: dict[str, bool]  # a live grant per purpose
    decisions: dict[str, DecisionOut | None] = {}  # the live decision per purpose, if any
    model: str = "opt_in"  # the consent model of the market asked about
    effective: dict[str, bool] = {}  # what may run for that market's viewer
    history: list[ConsentOut]


def _necessary_only_true(value: object) -> object:
    if value is not True:
        raise ValueError(
            "necessary storage (session, cart, language) cannot be refused; send true or "
            "leave it out"
        )
    return value


class ConsentChoices(BaseModel):
    """The banner's answer: true grants a purpose, false refuses it (both are recorded)."""

    model_config = ConfigDict(extra="forbid")

    necessary: Annotated[bool, AfterValidator(_necessary_only_true)] | None = None
    analytics: StrictBool | None = None
    marketing: StrictBool | None = None
    personalisation: StrictBool | None = None

    def decided(self) -> dict[str, bool]:
        return {p: v for p in PURPOSES if (v := getattr(self, p)) is not None}


class ConsentDecisionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy_version: PolicyVersion
    choices: ConsentChoices
    # the viewer's market (the page's), recorded as the jurisdiction whose rules applied
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    # banner: the visitor's click; settings: the "cookie settings" dialog later;
    # gpc: the browser's Global Privacy Control signal (an opt-out of sale/sharing)
    source: Literal["banner", "settings", "gpc"] = "banner"

    @model_validator(mode="after")
    def _some_choice(self) -> ConsentDecisionsIn:
        if not self.choices.decided():
            raise ValueError(
                "choices must decide at least one of analytics, marketing, personalisation"
            )
        return self


class ProfileOut(BaseModel):
    id: str
    email: str | None
    display_name: str
    locale: str
    country: str | None
    registered: bool
    created_at: datetime
    erased_at: datetime | None


class SessionOut(BaseModel):
    kind: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class CartLineExport(BaseModel):
    variant_id: str
    quantity: int
    added_at: datetime


class ShareCodeExport(BaseModel):
    code: str
    offer_id: str
    joins_count: int
    redeemed_order_id: str | None


class PrivacyRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    requested_by: str
    completed_at: datetime


class StoreRef(BaseModel):
    id: str
    slug: str
    name: str


class ExportOut(BaseModel):
    """Everything personal the store holds on one shopper (GDPR art. 15/20)."""

    generated_at: datetime
    store: StoreRef
    profile: ProfileOut
    consents: list[ConsentOut]
    orders: list[OrderOut]
    payments: list[PaymentOut]
    cart: list[CartLineExport]
    share_codes: list[ShareCodeExport]
    joined_share_offers: list[str]
    sessions: list[SessionOut]
    privacy_requests: list[PrivacyRequestOut]


class ErasureOut(BaseModel):
    shopper_id: str
    erased_at: datetime
    tokens_revoked: int
    consents_kept: int
    orders_kept: int
    already_erased: bool


class RetentionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    older_than_days: Annotated[int, Field(ge=1, le=3650)] = 30


class RetentionOut(BaseModel):
    deleted_guests: int
    # entries of show audit logs past the store's audit retention (whole shows at a time)
    deleted_audit_entries: int = 0
