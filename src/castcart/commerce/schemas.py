from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from castcart.core.validation import Timestamp

Id = Annotated[str, StringConstraints(max_length=32)]
CouponCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{2,40}$")]


class CouponIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: CouponCode
    kind: Annotated[str, StringConstraints(pattern="^(percent|fixed)$")]
    percent_off: Annotated[int, Field(ge=1, le=100)] | None = None
    amount_off: Annotated[int, Field(ge=1, le=10**12)] | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    max_uses_total: Annotated[int, Field(ge=1, le=10**9)] | None = None
    max_uses_per_customer: Annotated[int, Field(ge=1, le=10**6)] | None = None
    min_subtotal_amount: Annotated[int, Field(ge=0, le=10**12)] = 0

    @model_validator(mode="after")
    def _consistent(self) -> CouponIn:
        if self.kind == "percent" and (self.percent_off is None or self.amount_off is not None):
            raise ValueError("a percent coupon needs percent_off and no amount_off")
        if self.kind == "fixed" and (self.amount_off is None or self.percent_off is not None):
            raise ValueError("a fixed coupon needs amount_off and no percent_off")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class CouponOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    kind: str
    percent_off: int | None
    amount_off: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses_total: int | None
    max_uses_per_customer: int | None
    min_subtotal_amount: int
    used_count: int


class ShareOfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    percent_off: Annotated[int, Field(ge=1, le=90)]
    invites_required: Annotated[int, Field(ge=1, le=1000)]


class ShareOfferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    show_id: str
    percent_off: int
    invites_required: int


class ShareCodeOut(BaseModel):
    code: str
    offer_id: str
    joins_count: int
    invites_required: int
    unlocked: bool
    redeemed: bool


class CartLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variant_id: Id
    quantity: Annotated[int, Field(ge=1, le=100)]


class CartLineQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Annotated[int, Field(ge=0, le=100)]


class CartPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    show_id: Id | None = None
    coupon_code: CouponCode | None = None
    share_code: Annotated[str, StringConstraints(max_length=32)] | None = None


class CartLineOut(BaseModel):
    variant_id: str
    product_id: str
    sku: str
    title: str
    quantity: int
    list_price_amount: int
    unit_price_amount: int
    price_source: str
    line_total_amount: int


class CartOut(BaseModel):
    id: str
    show_id: str | None
    coupon_code: str | None
    share_code: str | None
    currency: str
    lines: list[CartLineOut]
    subtotal_amount: int


class CheckoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Optional guard: refuse if the total moved since the shopper looked (price changed,
    # flash sale ended). Sent by the shopper page.
    expected_total_amount: Annotated[int, Field(ge=0, le=10**13)] | None = None


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    variant_id: str
    product_id: str
    sku: str
    title: str
    quantity: int
    list_price_amount: int
    unit_price_amount: int
    price_source: str
    line_total_amount: int


class OrderEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sequence: int
    from_status: str | None
    to_status: str
    actor: str
    reason: str
    created_at: datetime


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    status: str
    show_id: str | None
    currency: str
    subtotal_amount: int
    discount_amount: int
    total_amount: int
    reservation_expires_at: datetime
    created_at: datetime
    paid_at: datetime | None
    lines: list[OrderLineOut]
    events: list[OrderEventOut]


class OrderTransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Annotated[str, StringConstraints(pattern="^(fulfilled|cancelled|refunded)$")]
    reason: Annotated[str, StringConstraints(max_length=300)] = ""


class PaymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    order_id: str
    gateway: str
    reference: str
    amount: int
    currency: str
    status: str
    checkout_url: str = ""


class SandboxOutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Annotated[str, StringConstraints(pattern="^(succeeded|failed)$")] = "succeeded"


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    region: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    vat_id: Annotated[str, StringConstraints(max_length=20)] | None = None
    locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"


class QuoteLineOut(BaseModel):
    variant_id: str
    title: str
    quantity: int
    unit_price_amount: int
    line_total_amount: int


class TaxLineOut(BaseModel):
    name: str
    rate_percent: str
    amount: int
    collected_at: str
    jurisdiction: str
    scheme: str


class PaymentMethodOut(BaseModel):
    id: str
    kind: str
    name: str


class QuoteOut(BaseModel):
    currency: str
    fx_rate: str
    fx_source: str
    fx_as_of: str
    lines: list[QuoteLineOut]
    subtotal_amount: int
    tax_lines: list[TaxLineOut]
    duty_lines: list[TaxLineOut]
    tax_rule: str
    tax_rule_text: str
    due_at_checkout_amount: int
    due_at_import_amount: int
    tax_category: str
    payment_methods: list[PaymentMethodOut]
    notes: list[str]
