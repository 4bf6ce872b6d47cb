"""The application factory. ``create_app()`` wires settings, database, bus and routes; tests
build one per database."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from castcart import __version__
from castcart.core import failpoints
from castcart.core.db import Database
from castcart.core.migrate import upgrade
from castcart.core.modules import resolve
from castcart.core.settings import Settings, get_settings
from castcart.modules import domain_modules
from castcart.web import health, logredact
from castcart.web.context import AppContext
from castcart.web.docs import install_docs
from castcart.web.errors import install_error_handlers
from castcart.web.headers import SecurityHeaders
from castcart.web.lifecycle import periodic
from castcart.web.limits import BodySizeLimit
from castcart.web.nul_guard import RefuseNul

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, migrate: bool = True, background_tasks: bool = True
) -> FastAPI:
    """The app: one ``AppContext`` and, for every registered domain (``castcart.modules``),
    its routers, its install hooks and its lifespan."""
    settings = settings or get_settings()
    # crash tests only; refused in production (Settings already said so at start-up)
    failpoints.arm(settings.failpoints, environment=settings.environment)
    if migrate:
        upgrade(settings.effective_database_url)
    ctx = AppContext(
        settings=settings,
        db=Database(settings.effective_database_url, pool_size=settings.db_pool_size),
    )
    modules = domain_modules()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            stack.callback(ctx.db.dispose)
            if background_tasks:  # the outbox relay republishes what a crash left behind
                await stack.enter_async_context(
                    periodic(
                        "outbox relay",
                        settings.outbox_relay_interval_seconds,
                        lambda: run_in_threadpool(ctx.outbox.run_once),
                    )
                )
            stack.push_async_callback(_flush_outbox, ctx)  # a clean stop marks what it sent
            for module in modules:  # entered in registry order, left in reverse
                for reference in module.lifespan:
                    await stack.enter_async_context(resolve(reference)(app, background_tasks))
            yield

    app = FastAPI(
        title="castcart",
        version=__version__,
        summary="Live shopping for cross-border independent stores",
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs (no CDN)
        redoc_url=None,
        # off in production unless CASTCART_API_DOCS=true (docs/security.md)
        openapi_url="/openapi.json" if settings.api_docs_enabled else None,
    )
    app.state.ctx = ctx
    if settings.api_docs_enabled:
        install_docs(app)
    logredact.install()  # no token, ticket or secret from a query string in any log line
    app.add_middleware(RefuseNul)  # 422 for U+0000 anywhere in a request (web/nul_guard.py)
    app.add_middleware(BodySizeLimit)  # 413 before any body is parsed (web/limits.py)
    # outermost: CSP, nosniff, Referrer-Policy (and HSTS) on every response, 413s included
    app.add_middleware(SecurityHeaders, hsts_seconds=settings.hsts_seconds)
    install_error_handlers(app)
    app.include_router(health.router)
    for module in modules:
        for reference in module.routers:
            app.include_router(resolve(reference))
        for reference in module.install:
            resolve(reference)(app)
    return app


async def _flush_outbox(ctx: AppContext) -> None:
    try:
        await run_in_threadpool(ctx.outbox.flush)
    except Exception:
        log.exception("marking published outbox events failed")
