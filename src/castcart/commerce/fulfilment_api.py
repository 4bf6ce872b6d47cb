"""Staff API for fulfilment: an order's pick list, and shipping it with carrier + tracking."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints

from castcart.commerce import fulfilment, orders
from castcart.commerce.api import order_out
from castcart.commerce.schemas import OrderOut
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["commerce"], responses=ERROR_RESPONSES)
ObjectId = Annotated[str, Path(max_length=32)]


class PickLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    title: str
    options: dict[str, str]
    quantity: int


class PickGroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    warehouse_code: str
    warehouse_name: str
    lines: list[PickLineOut]


class ShipmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    carrier: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 ._&-]{1,64}$")]
    tracking_number: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9 ._/-]{1,64}$")
    ]
    tracking_url: Annotated[HttpUrl, Field(max_length=500)] | None = None
    # one parcel of a split order; left out, every parcel not yet shipped
    position: Annotated[int, Field(ge=0, le=100)] | None = None


@router.get("/orders/{order_id}/pick-list", response_model=list[PickGroupOut])
def pick_list(ctx: Ctx, staff: Staff, order_id: ObjectId) -> list[PickGroupOut]:
    """What to take from which warehouse's shelves, per SKU."""
    staff.require("orders.read")
    with ctx.db.read() as session:
        order = orders.get_order(session, staff.store_id, order_id)
        return [PickGroupOut.model_validate(g) for g in fulfilment.pick_list(session, order)]


@router.post("/orders/{order_id}/shipments", response_model=OrderOut)
def ship_order(ctx: Ctx, staff: Staff, order_id: ObjectId, data: ShipmentIn) -> OrderOut:
    """Hand a paid order's parcels to the carrier: tracking number (and URL) on each, and
    once all have left, the order is fulfilled (``order.fulfilled`` is published)."""
    staff.require("orders.write")
    with ctx.unit_of_work() as (session, outbox):
        order = orders.get_order(session, staff.store_id, order_id)
        fulfilment.ship(
            session,
            order,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
            tracking_url=str(data.tracking_url) if data.tracking_url else None,
            position=data.position,
            actor=f"staff:{staff.user_id}",
            outbox=outbox,
        )
        return order_out(order)
