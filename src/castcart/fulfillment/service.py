"""Stored warehouses and lanes as the pure `WarehouseCalendar` / `Lane` values, and lane admin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.catalog.models import Warehouse
from castcart.core.errors import UnprocessableError
from castcart.core.tenancy import get_owned
from castcart.fulfillment.errors import FulfillmentError
from castcart.fulfillment.models import ShippingLane
from castcart.fulfillment.values import (
    FlatRate,
    Lane,
    Rate,
    WarehouseCalendar,
    WeightBand,
    WeightBandRate,
)
from castcart.fulfillment.zones import derive_timezone
from castcart.tax.table import EU_MEMBERS


def default_timezone(
    country: str, subdivision: str | None = None, name: str = "", city: str = ""
) -> str:
    """The zone of a warehouse stored without one: the country's only clock, else derived
    from its city, subdivision or name; FulfillmentError("timezone_required") if ambiguous."""
    return derive_timezone(country, subdivision, name, city)


def to_warehouse(row: Warehouse) -> WarehouseCalendar:
    """The pure warehouse; raises FulfillmentError on a bad zone, cut-off or subdivision."""
    try:
        hours, minutes = (int(part) for part in row.cutoff_local_time.split(":"))
        cutoff = time(hours, minutes)
    except ValueError as exc:
        raise FulfillmentError("invalid_cutoff", f"bad cut-off {row.cutoff_local_time!r}") from exc
    return WarehouseCalendar(
        code=row.code,
        country=row.country,
        cutoff_local_time=cutoff,
        timezone=row.timezone
        or default_timezone(row.country, row.subdivision, row.name or "", row.city or ""),
        subdivision=row.subdivision,
    )


def _rate(row: ShippingLane) -> Rate:
    if row.flat_amount is not None:
        return FlatRate(row.flat_amount, row.currency)
    bands = tuple(WeightBand(int(b[0]), int(b[1])) for b in row.weight_bands or ())
    return WeightBandRate(row.currency, bands, row.extra_per_kg_amount)


def expand_destinations(codes: Sequence[str]) -> list[tuple[str, str | None]]:
    """("DE", None) for a country, ("US", "NY") for a region; "EU" is the 27 member states."""
    out: list[tuple[str, str | None]] = []
    for code in codes:
        if code == "EU":
            out.extend((member, None) for member in sorted(EU_MEMBERS))
        elif "-" in code:
            country, region = code.split("-", 1)
            out.append((country, region))
        else:
            out.append((code, None))
    return out


def serves(row: ShippingLane, country: str, region: str | None) -> bool:
    return any(
        c == country and (r is None or r == region)
        for c, r in expand_destinations(row.destinations)
    )


def to_lane(row: ShippingLane, warehouse: Warehouse, destinations: Sequence[str]) -> Lane:
    """The pure lane to `destinations`. The stored `customs` flag is about the lane's
    cross-border destinations: a parcel that stays in its country (or inside the EU) never
    clears customs, even on a lane that also serves abroad (ID -> ID on an ID/SG/MY lane)."""
    return Lane(
        origin=warehouse.code,
        destinations=frozenset(destinations),
        carrier=row.carrier,
        transit_days_min=row.transit_days_min,
        transit_days_max=row.transit_days_max,
        rate=_rate(row),
        customs=row.customs
        and _customs_needed(warehouse.country, [(code, None) for code in destinations]),
        service=row.service,
    )


@dataclass(frozen=True)
class Network:
    """What a store ships from and to, for one destination."""

    warehouses: dict[str, tuple[Warehouse, WarehouseCalendar]]  # by code
    lanes: list[tuple[ShippingLane, Lane]]

    def lane_row(self, lane: Lane) -> ShippingLane:
        return next(row for row, pure in self.lanes if pure is lane)


def store_has_lanes(session: Session, store_id: str) -> bool:
    return (
        session.scalar(
            select(ShippingLane.id)
            .where(ShippingLane.store_id == store_id, ShippingLane.active.is_(True))
            .limit(1)
        )
        is not None
    )


def network_for(session: Session, store_id: str, country: str, region: str | None) -> Network:
    """Active lanes serving the destination, as pure lanes to `country` only."""
    rows = session.scalars(
        select(ShippingLane)
        .where(ShippingLane.store_id == store_id, ShippingLane.active.is_(True))
        .order_by(ShippingLane.created_at, ShippingLane.id)
    ).all()
    warehouses: dict[str, tuple[Warehouse, WarehouseCalendar]] = {}
    lanes: list[tuple[ShippingLane, Lane]] = []
    for row in rows:
        if not serves(row, country, region):
            continue
        wh_row = session.get(Warehouse, row.warehouse_id)
        if wh_row is None:
            continue
        if wh_row.code not in warehouses:
            warehouses[wh_row.code] = (wh_row, to_warehouse(wh_row))
        lanes.append((row, to_lane(row, wh_row, [country])))
    return Network(warehouses, lanes)


def _customs_needed(origin: str, destinations: Sequence[tuple[str, str | None]]) -> bool:
    """A parcel clears customs unless it stays in one country or inside the EU."""
    return any(
        dest != origin and not (dest in EU_MEMBERS and origin in EU_MEMBERS)
        for dest, _ in destinations
    )


def create_lane(
    session: Session,
    store_id: str,
    *,
    warehouse_id: str,
    carrier: str,
    service: str,
    destinations: list[str],
    transit_days_min: int,
    transit_days_max: int,
    currency: str,
    flat_amount: int | None,
    weight_bands: list[list[int]] | None,
    extra_per_kg_amount: int | None,
    customs: bool | None,
) -> ShippingLane:
    warehouse = get_owned(
        session,
        Warehouse,
        warehouse_id,
        store_id,
        message="warehouse not found",
        code="warehouse_not_found",
    )
    if (flat_amount is None) == (weight_bands is None):
        raise UnprocessableError("give either flat_amount or weight_bands", code="invalid_rate")
    expanded = expand_destinations(destinations)
    row = ShippingLane(
        store_id=store_id,
        warehouse_id=warehouse_id,
        carrier=carrier,
        service=service,
        destinations=sorted(set(destinations)),
        transit_days_min=transit_days_min,
        transit_days_max=transit_days_max,
        currency=currency.upper(),
        flat_amount=flat_amount,
        weight_bands=weight_bands,
        extra_per_kg_amount=extra_per_kg_amount,
        customs=_customs_needed(warehouse.country, expanded) if customs is None else customs,
        active=True,
    )
    try:  # validate through the pure model: one source of truth for a sane lane
        to_warehouse(warehouse)
        to_lane(row, warehouse, sorted({c for c, _ in expanded}))
    except FulfillmentError as exc:
        raise UnprocessableError(exc.message, code=exc.code, details=exc.details) from exc
    session.add(row)
    session.flush()
    return row


def list_lanes(session: Session, store_id: str) -> Sequence[ShippingLane]:
    return session.scalars(
        select(ShippingLane)
        .where(ShippingLane.store_id == store_id)
        .order_by(ShippingLane.created_at, ShippingLane.id)
    ).all()


def delete_lane(session: Session, store_id: str, lane_id: str) -> None:
    row = get_owned(
        session,
        ShippingLane,
        lane_id,
        store_id,
        message="shipping lane not found",
        code="lane_not_found",
    )
    session.delete(row)
    session.flush()
