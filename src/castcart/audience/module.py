"""What `audience` contributes to the app: the store's shows page, reminders (e-mail, Web
Push, calendar file) with their sender, the shoppable replay and its retention sweep."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "audience",
    models=("castcart.audience.models",),
    routers=(
        "castcart.audience.api:shop_router",
        "castcart.audience.api:staff_router",
        "castcart.audience.pages:router",
    ),
    lifespan=("castcart.audience.module:audience_lifespan",),
    commands=(
        ("worker", "castcart.audience.cli:worker_app"),
        ("audience", "castcart.audience.cli:app"),
    ),
    subscribes=("castcart.audience.subscriber:SUBSCRIBED_TYPES",),
)


@asynccontextmanager
async def audience_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    from starlette.concurrency import run_in_threadpool

    from castcart.audience import replay
    from castcart.audience.sender import ReminderSender
    from castcart.audience.subscriber import attach
    from castcart.core.clock import utcnow
    from castcart.web.lifecycle import first_user, last_user, periodic

    ctx = app.state.ctx
    async with AsyncExitStack() as stack:
        detach = None
        if first_user(app, "audience"):
            detach = attach(ctx.db, ctx.bus)
            if background:
                if ctx.settings.reminders_in_app:
                    sender = ReminderSender(ctx.db, ctx.settings)

                    async def remind() -> None:
                        await run_in_threadpool(sender.run_once)

                    await stack.enter_async_context(
                        periodic("reminders", ctx.settings.reminders_poll_seconds, remind)
                    )

                async def sweep() -> None:
                    await run_in_threadpool(replay.sweep_expired, ctx.db, ctx.settings, utcnow())

                await stack.enter_async_context(
                    periodic("replay retention", ctx.settings.replay_sweep_seconds, sweep)
                )
        try:
            yield
        finally:
            if last_user(app, "audience") and detach is not None:
                detach()
