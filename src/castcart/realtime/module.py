"""What `realtime` contributes to the app: The live channel per show (WebSocket), its metrics
and the Redis cluster.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "realtime",
    routers=("castcart.realtime.api:router",),
    install=("castcart.realtime.api:install",),
    lifespan=("castcart.realtime.module:lifespan",),
    subscribes=(
        "castcart.realtime.metrics:COUNTED_EVENTS",
        "castcart.realtime.hub:forwarded_event_types",
    ),
)


@asynccontextmanager
async def lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    try:
        yield
    finally:
        from castcart.realtime.api import shutdown

        shutdown(app)  # live sockets get 1001; this node leaves Redis presence
