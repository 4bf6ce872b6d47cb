"""Which warehouse ships what at checkout, at what price and with which promise.

Reads the stored lanes and stock, then hands them to the pure `castcart.fulfillment` logic
(nearest warehouse that can fulfil, split only when needed). At checkout the stock rows are
read ``FOR UPDATE`` (in variant, warehouse order, the same order every checkout locks in) so
the plan cannot go stale before its reservations are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.catalog.models import StockLevel
from castcart.commerce.crossborder import ShipmentIn
from castcart.core.errors import OutOfStockError, UnprocessableError
from castcart.fulfillment import FulfillmentError, allocate, delivery_promise, shipping_rate
from castcart.fulfillment.service import network_for, store_has_lanes


@dataclass(frozen=True)
class PlanItem:
    variant_id: str
    sku: str
    quantity: int
    weight_grams: int | None


def plan_shipments(
    session: Session,
    store_id: str,
    items: Sequence[PlanItem],
    country: str,
    region: str | None,
    now: datetime,
    *,
    lock: bool = False,
) -> list[ShipmentIn] | None:
    """The parcels for this cart, or None when the store has configured no lanes at all
    (then stock is taken by warehouse priority and shipping is not charged)."""
    if not store_has_lanes(session, store_id):
        return None
    try:
        network = network_for(session, store_id, country, region)
    except FulfillmentError as exc:  # e.g. a warehouse saved before zones were required
        raise UnprocessableError(exc.message, code=exc.code, details=exc.details) from exc
    if not network.lanes:
        raise UnprocessableError(
            f"this store does not ship to {country}" + (f"-{region}" if region else ""),
            code="no_shipping_lane",
            details={"country": country, "region": region},
        )
    by_variant = {item.variant_id: item for item in items}
    query = (
        select(StockLevel)
        .where(
            StockLevel.variant_id.in_(sorted(by_variant)),
            StockLevel.warehouse_id.in_(sorted(row.id for row, _ in network.warehouses.values())),
        )
        .order_by(StockLevel.variant_id, StockLevel.warehouse_id)
    )
    if lock:
        query = query.with_for_update()
    code_of = {row.id: code for code, (row, _) in network.warehouses.items()}
    stock: dict[str, dict[str, int]] = {code: {} for code in network.warehouses}
    for level in session.scalars(query).all():
        sku = by_variant[level.variant_id].sku
        stock[code_of[level.warehouse_id]][sku] = level.quantity - level.reserved
    try:
        parcels = allocate(
            [(item.sku, item.quantity) for item in items],
            stock,
            country,
            [lane for _, lane in network.lanes],
        )
    except FulfillmentError as exc:
        if exc.code == "insufficient_stock":
            raise OutOfStockError(
                f"not enough stock ships to {country}", details=exc.details
            ) from exc
        raise UnprocessableError(exc.message, code=exc.code, details=exc.details) from exc

    by_sku = {item.sku: item for item in items}
    planned: list[ShipmentIn] = []
    for parcel in parcels:
        row, warehouse = network.warehouses[parcel.warehouse_code]
        lane_row = network.lane_row(parcel.lane)
        weight = sum((by_sku[sku].weight_grams or 0) * qty for sku, qty in parcel.lines)
        try:
            rate = shipping_rate(parcel, parcel.lane, weight)
            promise = delivery_promise(now, warehouse, parcel.lane, destination_country=country)
        except FulfillmentError as exc:
            raise UnprocessableError(exc.message, code=exc.code, details=exc.details) from exc
        planned.append(
            ShipmentIn(
                warehouse_id=row.id,
                warehouse_code=row.code,
                lane_id=lane_row.id,
                carrier=lane_row.carrier,
                service=lane_row.service,
                customs=parcel.lane.customs,  # for this destination, not the whole lane
                items=tuple(
                    (by_sku[sku].variant_id, sku, qty) for sku, qty in sorted(parcel.lines)
                ),
                weight_grams=weight,
                rate=rate,
                promise=promise,
                origin_country=warehouse.country,
            )
        )
    return planned
