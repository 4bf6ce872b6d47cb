"""What `shows` contributes to the app: Shows (scheduled -> live -> ended), showcase, pins,
flash sales, live prices; the live compliance guard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "shows",
    models=("castcart.shows.models",),
    routers=(
        "castcart.shows.api:router",
        "castcart.shows.api:shop_router",
    ),
    lifespan=("castcart.shows.module:live_guard_lifespan",),
    subscribes=("castcart.shows.live_guard:CHECKED_TYPES",),
)


@asynccontextmanager
async def live_guard_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    """The live compliance guard checks what the host says, on its own thread."""
    from castcart.shows.live_guard import LiveGuard
    from castcart.web.lifecycle import first_user, last_user

    if first_user(app, "live_guard"):
        guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)
        guard.attach()
        app.state.ctx.services.provide(LiveGuard, guard)
    try:
        yield
    finally:
        if last_user(app, "live_guard"):
            stopped = app.state.ctx.services.remove(LiveGuard)
            if stopped is not None:
                stopped.close()
