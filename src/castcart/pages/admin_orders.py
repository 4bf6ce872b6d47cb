"""The printable packing slip of an order (staff session), in the page language."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam

from castcart.accounts.models import Store
from castcart.commerce import fulfilment, orders
from castcart.core.errors import NotFoundError
from castcart.pages.order_view import address_lines
from castcart.pages.routes import (
    LangParam,
    _locale,
    _not_found,
    _render,
    _staff_from_cookie,
    _to_login,
)
from castcart.web.deps import Ctx

router = APIRouter(include_in_schema=False)
OrderId = Annotated[str, PathParam(max_length=32)]


@router.get("/admin/orders/{order_id}/packing-slip", response_model=None)
def packing_slip(ctx: Ctx, request: Request, order_id: OrderId, lang: LangParam = None) -> Response:
    """What goes in the parcel: ship-to, contact, and per warehouse the SKUs and quantities
    (no prices: the invoice carries those). Printed from the browser (print stylesheet)."""
    loc = _locale(request, lang)
    staff = _staff_from_cookie(ctx, request)
    if staff is None:
        return _to_login(request)
    staff.require("orders.read")
    try:
        with ctx.db.read() as session:
            order = orders.get_order(session, staff.store_id, order_id)
            store = session.get(Store, staff.store_id)
            groups = fulfilment.pick_list(session, order)
            context: dict[str, Any] = {
                "store": store,
                "order": order,
                "groups": groups,
                "address": address_lines(order.shipping_address, loc.lang),
                "ordered": loc.datetime(order.created_at, UTC) + " UTC",
                "units": sum(line.quantity for g in groups for line in g.lines),
                "tracking": [s for s in order.shipments if s.tracking_number],
            }
    except NotFoundError:
        return _not_found(request, loc)
    return _render(request, "packing_slip.html", loc, context, remember_lang=lang)
