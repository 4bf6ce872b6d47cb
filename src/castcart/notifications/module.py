"""What `notifications` contributes to the app: order mails to shoppers (confirmation on
``order.paid``, shipping notice on ``order.fulfilled``) and their retry sweep."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "notifications",
    models=("castcart.notifications.models",),
    routers=("castcart.notifications.api:router",),
    lifespan=("castcart.notifications.module:mail_lifespan",),
    subscribes=("castcart.notifications.subscriber:SUBSCRIBED_TYPES",),
)


@asynccontextmanager
async def mail_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    from starlette.concurrency import run_in_threadpool

    from castcart.notifications.subscriber import OrderMails
    from castcart.web.lifecycle import first_user, last_user, periodic

    ctx = app.state.ctx
    async with AsyncExitStack() as stack:
        if first_user(app, "notifications"):
            mails = OrderMails(ctx.db, ctx.settings)
            mails.attach(ctx.bus)
            ctx.services.provide(OrderMails, mails)
            if background:

                async def retry() -> None:
                    await run_in_threadpool(mails.retry_due)

                await stack.enter_async_context(
                    periodic("mail retry", ctx.settings.notifications_retry_seconds, retry)
                )
        try:
            yield
        finally:
            if last_user(app, "notifications"):
                stopped = ctx.services.remove(OrderMails)
                if stopped is not None:
                    stopped.close()
