"""Getting a paid order out of the door: the pick list (what to take from which shelf), and
shipping it (carrier + tracking on its parcels, then the order is fulfilled and
``order.fulfilled`` goes to the outbox)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.catalog.models import Variant, Warehouse
from castcart.commerce import orders
from castcart.commerce.models import Order, OrderShipment, StockAllocation
from castcart.core.clock import utcnow
from castcart.core.errors import ConflictError, NotFoundError
from castcart.events import DomainEvent


@dataclass
class PickLine:
    sku: str
    title: str
    options: dict[str, str]
    quantity: int


@dataclass
class PickGroup:
    warehouse_code: str
    warehouse_name: str
    lines: list[PickLine] = field(default_factory=list)


def pick_list(session: Session, order: Order) -> list[PickGroup]:
    """Per warehouse, the units to pick, in SKU order (how a picker walks a shelf)."""
    titles = {line.variant_id: line.title for line in order.lines}
    variant_ids = [line.variant_id for line in order.lines]
    variants = {
        v.id: v for v in session.scalars(select(Variant).where(Variant.id.in_(variant_ids)))
    }
    allocations = session.scalars(
        select(StockAllocation).where(
            StockAllocation.order_id == order.id, StockAllocation.state != "released"
        )
    ).all()
    per_warehouse: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for allocation in allocations:
        per_warehouse[allocation.warehouse_id][allocation.variant_id] += allocation.quantity
    if not per_warehouse:  # an order from before allocations: one group, from the lines
        for line in order.lines:
            per_warehouse[""][line.variant_id] += line.quantity
    warehouses = {
        w.id: w
        for w in session.scalars(select(Warehouse).where(Warehouse.id.in_(list(per_warehouse))))
    }
    groups: list[tuple[int, PickGroup]] = []
    for warehouse_id, units in per_warehouse.items():
        warehouse = warehouses.get(warehouse_id)
        group = PickGroup(warehouse.code if warehouse else "", warehouse.name if warehouse else "")
        for variant_id, quantity in units.items():
            variant = variants.get(variant_id)
            group.lines.append(
                PickLine(
                    sku=variant.sku if variant else variant_id,
                    title=titles.get(variant_id, ""),
                    options=dict(variant.options) if variant else {},
                    quantity=quantity,
                )
            )
        group.lines.sort(key=lambda line: line.sku)
        groups.append((warehouse.priority if warehouse else 0, group))
    groups.sort(key=lambda pair: (pair[0], pair[1].warehouse_code))
    return [group for _, group in groups]


def _parcels_from_allocations(session: Session, order: Order) -> None:
    """An order without planned parcels (no lanes at checkout) gets one per warehouse."""
    by_warehouse: dict[str, list[dict[str, Any]]] = defaultdict(list)
    skus = {line.variant_id: line.sku for line in order.lines}
    for allocation in session.scalars(
        select(StockAllocation).where(
            StockAllocation.order_id == order.id, StockAllocation.state != "released"
        )
    ):
        by_warehouse[allocation.warehouse_id].append(
            {
                "variant_id": allocation.variant_id,
                "sku": skus.get(allocation.variant_id, ""),
                "quantity": allocation.quantity,
            }
        )
    if not by_warehouse:
        raise ConflictError("the order holds no stock to ship", code="nothing_to_ship")
    for position, (warehouse_id, items) in enumerate(sorted(by_warehouse.items())):
        warehouse = session.get(Warehouse, warehouse_id)
        order.shipments.append(
            OrderShipment(
                position=position,
                warehouse_id=warehouse_id,
                warehouse_code=warehouse.code if warehouse else "",
                carrier="",
                service="standard",
                items=items,
                amount=0,  # the order's shipping charge stays on the order
            )
        )
    session.flush()


def ship(
    session: Session,
    order: Order,
    *,
    carrier: str,
    tracking_number: str,
    tracking_url: str | None,
    position: int | None,
    actor: str,
    outbox: list[DomainEvent],
) -> Order:
    """Hand parcels to the carrier. Once every parcel has left, the order is fulfilled."""
    if order.status != "paid":
        raise ConflictError(
            f"only a paid order can be shipped (this one is {order.status})",
            code="order_not_shippable",
        )
    if not order.shipments:
        _parcels_from_allocations(session, order)
    open_parcels = [s for s in order.shipments if s.shipped_at is None]
    if position is not None:
        open_parcels = [s for s in open_parcels if s.position == position]
        if not open_parcels:
            raise NotFoundError("no such unshipped parcel", code="shipment_not_found")
    now = utcnow()
    for parcel in open_parcels:
        parcel.carrier = carrier
        parcel.tracking_number = tracking_number
        parcel.tracking_url = tracking_url
        parcel.shipped_at = now
    session.flush()
    if all(s.shipped_at is not None for s in order.shipments):
        reason = f"shipped: {carrier} {tracking_number}"[:300]
        orders.transition(session, order, "fulfilled", actor=actor, reason=reason, outbox=outbox)
    return order
