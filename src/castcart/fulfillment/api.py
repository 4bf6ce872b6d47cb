"""Staff API for shipping lanes (warehouses and their stock live in the catalog API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from castcart.events import CatalogChanged
from castcart.fulfillment import service
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["fulfillment"], responses=ERROR_RESPONSES)

Destination = Annotated[str, StringConstraints(pattern=r"^(EU|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")]
Minor = Annotated[int, Field(strict=True, ge=0, le=10**9)]


class LaneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouse_id: Annotated[str, StringConstraints(max_length=32)]
    carrier: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 ._-]{1,64}$")]
    service: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 ._-]{1,64}$")] = "standard"
    # "DE" a country, "US-NY" a region, "EU" the 27 member states
    destinations: Annotated[list[Destination], Field(min_length=1, max_length=300)]
    transit_days_min: Annotated[int, Field(ge=0, le=120)]
    transit_days_max: Annotated[int, Field(ge=0, le=120)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
    flat_amount: Minor | None = None
    # [[max_grams, amount], ...], rising by max_grams
    weight_bands: (
        Annotated[
            list[Annotated[list[Minor], Field(min_length=2, max_length=2)]],
            Field(min_length=1, max_length=50),
        ]
        | None
    ) = None
    extra_per_kg_amount: Minor | None = None
    # None: worked out from the warehouse's country (a parcel leaving the EU or a country
    # clears customs)
    customs: bool | None = None


class LaneOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    warehouse_id: str
    carrier: str
    service: str
    destinations: list[str]
    transit_days_min: int
    transit_days_max: int
    currency: str
    flat_amount: int | None
    weight_bands: list[list[int]] | None
    extra_per_kg_amount: int | None
    customs: bool
    active: bool


@router.get("/shipping-lanes", response_model=list[LaneOut])
def list_lanes(ctx: Ctx, staff: Staff) -> list[LaneOut]:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        return [LaneOut.model_validate(r) for r in service.list_lanes(session, staff.store_id)]


@router.post("/shipping-lanes", status_code=status.HTTP_201_CREATED, response_model=LaneOut)
def create_lane(ctx: Ctx, staff: Staff, data: LaneIn) -> LaneOut:
    """A carrier service from one warehouse: where it goes, how long, what it costs."""
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, outbox):
        row = service.create_lane(session, staff.store_id, **data.model_dump())
        outbox.append(CatalogChanged(store_id=staff.store_id, what="shipping"))
        return LaneOut.model_validate(row)


@router.delete("/shipping-lanes/{lane_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_lane(ctx: Ctx, staff: Staff, lane_id: Annotated[str, Path(max_length=32)]) -> None:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, outbox):
        service.delete_lane(session, staff.store_id, lane_id)
        outbox.append(CatalogChanged(store_id=staff.store_id, what="shipping"))
