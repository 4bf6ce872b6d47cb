from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("store_id", "handle"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    handle: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # Structured attributes (material, capacity, power, dimensions, origin, certifications,
    # category) that compliance fact-checks and tax categorisation read.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    translations: Mapped[list[ProductTranslation]] = relationship(
        cascade="all, delete-orphan", order_by="ProductTranslation.locale", lazy="selectin"
    )
    images: Mapped[list[ProductImage]] = relationship(
        cascade="all, delete-orphan", order_by="ProductImage.position", lazy="selectin"
    )
    variants: Mapped[list[Variant]] = relationship(
        cascade="all, delete-orphan", order_by="Variant.sku", lazy="selectin"
    )


class ProductTranslation(Base):
    __tablename__ = "product_translations"
    __table_args__ = (UniqueConstraint("product_id", "locale"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # "merchant": written by the store; "machine": a draft from machine translation that
    # shoppers see only once the merchant approves it ("draft" -> "published")
    origin: Mapped[str] = mapped_column(String(16), default="merchant", server_default="merchant")
    status: Mapped[str] = mapped_column(String(16), default="published", server_default="published")


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    alt: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("store_id", "sku"),
        CheckConstraint("price_amount >= 0", name="variant_price_non_negative"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    price_amount: Mapped[int] = mapped_column(Integer)  # minor units of `currency`
    currency: Mapped[str] = mapped_column(String(3))
    weight_grams: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Warehouse(Base):
    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    # Lower goes first when several warehouses can fulfil a line.
    priority: Mapped[int] = mapped_column(Integer, default=100)
    # Orders placed before this local time ("HH:MM", in `timezone`) ship the same business day.
    cutoff_local_time: Mapped[str] = mapped_column(
        String(5), default="14:00", server_default="14:00"
    )
    # IANA zone; set from the country (one clock) or derived from subdivision/city when left out.
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # ISO 3166-2 subdivision for regional public holidays (e.g. "BE" for Berlin).
    subdivision: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # The town it ships from; with the subdivision it decides the zone of a multi-zone country.
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)


class StockLevel(Base):
    """On-hand quantity and the part of it held by unpaid orders (``reserved``)."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("variant_id", "warehouse_id"),
        CheckConstraint("reserved >= 0", name="stock_reserved_non_negative"),
        CheckConstraint("quantity >= reserved", name="stock_never_oversold"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(
        ForeignKey("variants.id", ondelete="CASCADE"), index=True
    )
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)


class ProductFinding(Base):
    """A compliance finding in a product's copy, kept so the merchant can review it.

    One row per distinct problem (``fingerprint``: locale, field, rule and the flagged words),
    so saving the same copy again does not duplicate it and a resolution sticks to the text it
    was made for. ``status``: open → resolved (by staff, with a note), or → cleared when a later
    save no longer contains it (the copy was fixed).
    """

    __tablename__ = "product_findings"
    __table_args__ = (UniqueConstraint("product_id", "fingerprint"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(16))
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    suggestion: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(String(500), default="")
    resolved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PriceChange(Base):
    """One price a variant was offered at, and when: the price history that price references
    ("was €99, now €49", "lowest price this year") are judged against.

    ``kind``: ``list`` (the catalog price; open until the next change), ``live`` (a show-only
    price: ``starts_at`` is set when the show goes live, ``ends_at`` when it is replaced or the
    show ends; both null while the show has not started), ``flash`` (a flash sale's window).
    ``markets``: the ISO countries the price was offered in (comma-separated; empty = every
    market the store sells to) — a live price applies to the show's target markets only.
    Rows are never updated except to close their window, and never deleted with the show.
    """

    __tablename__ = "price_changes"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="price_change_non_negative"),
        Index("ix_price_changes_variant_starts", "variant_id", "starts_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(Integer)  # minor units of `currency`
    currency: Mapped[str] = mapped_column(String(3))
    previous_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the show a live or flash price belonged to (no foreign key: the history outlives it)
    show_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    flash_sale_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    markets: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # "" for a recorded change; "backfill" for the price a variant had when history began
    note: Mapped[str] = mapped_column(String(40), default="", server_default="")


class ClaimEvidence(Base):
    """A merchant's substantiation for a comparative or superlative claim ("cheaper than on
    Amazon", "better than any other brand"): what backs it (text, a URL, a file reference),
    until when, for which product and markets. A finding on a line that makes the claim is
    cleared with this record cited while it is valid; revoked records stay for the audit."""

    __tablename__ = "claim_evidence"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), nullable=True, index=True
    )
    claim: Mapped[str] = mapped_column(String(300))
    evidence_text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    file_ref: Mapped[str | None] = mapped_column(String(500), nullable=True)
    markets: Mapped[str] = mapped_column(String(200), default="", server_default="")
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
