"""What `engagement` contributes to the app: Polls, giveaways and quizzes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "engagement",
    models=("castcart.engagement.models",),
    routers=(
        "castcart.engagement.api:router",
        "castcart.engagement.api:shop_router",
    ),
    lifespan=("castcart.engagement.module:lifespan",),
    subscribes=("castcart.engagement.module:SUBSCRIBED_TYPES",),
)
SUBSCRIBED_TYPES = ("shopper.erased",)


@asynccontextmanager
async def lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    from castcart.events import DomainEvent
    from castcart.web.lifecycle import first_user, last_user

    ctx = app.state.ctx

    def on_erased(event: DomainEvent) -> None:
        from castcart.engagement.service import forget_shopper

        with ctx.db.write() as session:
            forget_shopper(session, str(getattr(event, "shopper_id", "")))

    # the node where the erasure committed (or whose relay republished it) detaches the rows
    if first_user(app, "engagement"):
        app.state.engagement_unsubscribe = [
            ctx.bus.subscribe(t, on_erased, local_only=True) for t in SUBSCRIBED_TYPES
        ]
    try:
        yield
    finally:
        if last_user(app, "engagement"):
            for stop in app.state.engagement_unsubscribe:
                stop()
        from castcart.engagement.api import shutdown

        shutdown(app)  # the poll results coalescer stops
