"""The stored form of shipping lanes (the pure `Lane` dataclass is built from these rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class ShippingLane(Base):
    """A carrier service from one warehouse to destination countries or regions.

    `destinations` holds ISO codes: "DE" (a whole country), "US-NY" (one region) or "EU" (the
    27 member states). Rates are integer minor units of `currency`: either one flat price or
    weight bands ``[[max_grams, amount], ...]`` plus an optional price per started kilogram
    above the top band.
    """

    __tablename__ = "shipping_lanes"
    __table_args__ = (
        CheckConstraint("transit_days_min <= transit_days_max", name="lane_transit_ordered"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    warehouse_id: Mapped[str] = mapped_column(
        ForeignKey("warehouses.id", ondelete="CASCADE"), index=True
    )
    carrier: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(64), default="standard")
    destinations: Mapped[list[str]] = mapped_column(JSON)
    transit_days_min: Mapped[int] = mapped_column(Integer)
    transit_days_max: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    flat_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    weight_bands: Mapped[list[list[int]] | None] = mapped_column(JSON, nullable=True)
    extra_per_kg_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    customs: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
