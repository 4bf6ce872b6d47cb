"""API shapes for consents, exports and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from castcart.commerce.schemas import OrderOut, PaymentOut

Purpose = Literal["marketing", "analytics", "personalisation"]
PURPOSES: tuple[str, ...] = ("marketing", "analytics", "personalisation")


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose
    policy_version: Annotated[
        str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    ]


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    purpose: str
    policy_version: str
    granted_at: datetime
    withdrawn_at: datetime | None
    end_reason: str | None
    source: str


class ConsentsOut(BaseModel):
    current: dict[str, bool]
    history: list[ConsentOut]


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
