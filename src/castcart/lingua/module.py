"""What `lingua` contributes to the app: Store languages, glossary, detection and translation
of chat and catalog.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "lingua",
    models=("castcart.lingua.models",),
    routers=(
        "castcart.lingua.api:router",
        "castcart.lingua.api:products_router",
    ),
    install=("castcart.lingua.module:install",),
    lifespan=("castcart.lingua.module:warm_lifespan",),
)


@asynccontextmanager
async def warm_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    """Language models of stores with a show on air or due, loaded off the loop."""
    import logging

    from starlette.concurrency import run_in_threadpool

    from castcart.lingua.api import warm

    if background:
        try:
            await run_in_threadpool(warm, app.state.ctx)
        except Exception:  # a cold model costs a pause later, never a failed start
            logging.getLogger(__name__).exception("warming the language detectors failed")
    yield


def install(app: Any) -> None:
    """The real-time rooms' chat translator (the ``ChatTranslation`` service)."""
    from castcart.lingua.api import install as install_translators

    install_translators(app.state.ctx)
