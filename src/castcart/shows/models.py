from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class Show(Base):
    __tablename__ = "shows"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pinned_product_id: Mapped[str | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True
    )
    stream_key: Mapped[str] = mapped_column(String(64), unique=True)
    # markets the show is aimed at (ISO codes, comma-separated; empty = the store's country):
    # what the host says live is checked against each market's rules
    markets: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # the show's commercial relationship (none | sponsored | gifted | affiliate) and with
    # whom: viewers see their market's disclosure label for the whole show
    commercial_relationship: Mapped[str] = mapped_column(
        String(16), default="none", server_default="none"
    )
    disclosure_brand: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # a show aimed at a Muslim-majority market in Ramadan may count down to iftar (Maghrib)
    iftar_countdown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the seller keeps the live prices on the replay (else they end with the show)
    replay_keeps_live_prices: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class ShowProduct(Base):
    """The ordered showcase of a show."""

    __tablename__ = "show_products"
    __table_args__ = (UniqueConstraint("show_id", "product_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)


class LivePrice(Base):
    """A price that applies only while the show is live."""

    __tablename__ = "live_prices"
    __table_args__ = (
        UniqueConstraint("show_id", "variant_id"),
        CheckConstraint("price_amount >= 0", name="live_price_non_negative"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    price_amount: Mapped[int] = mapped_column(Integer)


class FlashSale(Base):
    """A price for a capped quantity inside a time window; ``sold`` counts reserved units."""

    __tablename__ = "flash_sales"
    __table_args__ = (
        CheckConstraint("sold >= 0 AND sold <= quantity_cap", name="flash_sale_within_cap"),
        CheckConstraint("price_amount >= 0", name="flash_price_non_negative"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    price_amount: Mapped[int] = mapped_column(Integer)
    quantity_cap: Mapped[int] = mapped_column(Integer)
    sold: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
