"""What `commerce` contributes to the app: Carts, checkout, orders, payments, coupons, cross-
border quotes and invoices; the reservation sweeper.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "commerce",
    models=("castcart.commerce.models",),
    routers=(
        "castcart.commerce.api:router",
        "castcart.commerce.api:shop_router",
        "castcart.commerce.crossborder_api:shop_router",
        "castcart.commerce.crossborder_api:router",
        "castcart.commerce.api:webhook_router",
        "castcart.commerce.fulfilment_api:router",
    ),
    lifespan=("castcart.commerce.module:reservation_sweeper",),
    commands=(("tax", "castcart.commerce.cli:tax_commands"),),  # joins the tax group
)


def reservation_sweeper(app: Any, background: bool) -> AbstractAsyncContextManager[None]:
    """Unpaid orders give their stock back after the reservation TTL."""
    from starlette.concurrency import run_in_threadpool

    from castcart.commerce.reservations import expire_unpaid_orders
    from castcart.core.clock import utcnow
    from castcart.web.lifecycle import nothing, periodic

    if not background:
        return nothing()
    ctx = app.state.ctx

    async def sweep() -> None:
        # the cancellations' events are in the outbox already (written with each cancel)
        events = await run_in_threadpool(expire_unpaid_orders, ctx.db, utcnow())
        ctx.bus.publish_all(events)
        ctx.outbox.published(event.id for event in events)

    return periodic("reservation sweep", ctx.settings.reservation_sweep_interval_seconds, sweep)
