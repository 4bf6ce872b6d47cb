"""What `assistant` contributes to the app: product Q&A grounded in the store's data (chat,
the product card's Ask box, the host's question queue) and the merchant's FAQ."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "assistant",
    models=("castcart.assistant.models",),
    routers=("castcart.assistant.api:router", "castcart.assistant.api:shop_router"),
    install=("castcart.assistant.api:install",),
    lifespan=("castcart.assistant.module:warm_lifespan",),
    subscribes=("castcart.assistant.api:KNOWLEDGE_EVENTS",),
)


@asynccontextmanager
async def warm_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    """The knowledge bases of stores with a show on air or due, built in a thread after
    start-up (embedding a catalog takes seconds): the first question does not wait."""
    if background:
        import threading

        from castcart.assistant.api import warm

        threading.Thread(
            target=warm, args=(app.state.ctx,), name="assistant-warm", daemon=True
        ).start()
    yield
