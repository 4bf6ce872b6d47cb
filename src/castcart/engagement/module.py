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
)


@asynccontextmanager
async def lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    try:
        yield
    finally:
        from castcart.engagement.api import shutdown

        shutdown(app)  # the poll results coalescer stops
