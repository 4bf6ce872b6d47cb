"""What `analytics` contributes to the app: the event store and its writer, the recorder of
domain events and of the real-time room, the beacon and the staff figures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "analytics",
    routers=("castcart.analytics.api:router",),
    install=("castcart.analytics.module:install",),
    lifespan=("castcart.analytics.module:lifespan",),
    commands=(("analytics", "castcart.analytics.cli:app"),),
    subscribes=("castcart.analytics.recorder:RECORDED_TYPES",),
)


def install(app: Any) -> None:
    """At app creation: the ``Analytics`` service, and the room tracker as the real-time
    room's ``RoomActivity`` (read when the hub registry is made, at the first socket)."""
    from castcart.analytics.recorder import Analytics
    from castcart.realtime.activity import RoomActivity

    ctx = app.state.ctx
    analytics = ctx.services.provide(Analytics, Analytics(ctx.db, ctx.settings))
    if analytics.enabled:
        ctx.services.provide(RoomActivity, analytics.tracker)


@asynccontextmanager
async def lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    from castcart.analytics.recorder import Analytics
    from castcart.web.lifecycle import first_user, last_user, periodic

    ctx = app.state.ctx
    analytics: Analytics | None = ctx.services.get(Analytics)
    on = analytics is not None and ctx.settings.analytics_backend != "off"
    async with AsyncExitStack() as stack:
        if analytics is not None and on and first_user(app, "analytics"):
            analytics.open()
            analytics.attach(ctx.bus)
            if background:

                async def beat() -> None:
                    analytics.tracker.beat()

                await stack.enter_async_context(
                    periodic("analytics heartbeat", ctx.settings.analytics_heartbeat_seconds, beat)
                )
        try:
            yield
        finally:
            if analytics is not None and on and last_user(app, "analytics"):
                analytics.tracker.end_all()
                analytics.close()
