"""What `engagement` contributes to the app: Polls, giveaways and quizzes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ErasureSubscriptions:
    """How to stop engagement's ``shopper.erased`` handlers (a service on the app context)."""

    stops: list[Callable[[], None]]


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
        stops = [ctx.bus.subscribe(t, on_erased, local_only=True) for t in SUBSCRIBED_TYPES]
        ctx.services.provide(ErasureSubscriptions, ErasureSubscriptions(stops))
    try:
        yield
    finally:
        if last_user(app, "engagement"):
            subscriptions = ctx.services.remove(ErasureSubscriptions)
            for stop in subscriptions.stops if subscriptions is not None else ():
                stop()
        from castcart.engagement.api import shutdown

        shutdown(app)  # the poll results coalescer stops
