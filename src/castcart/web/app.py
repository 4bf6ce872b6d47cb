"""The application factory. ``create_app()`` wires settings, database, bus and routes; tests
build one per database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from castcart import __version__
from castcart.accounts import api as accounts_api
from castcart.audit import AuditRecorder
from castcart.audit import api as audit_api
from castcart.captions import api as captions_api
from castcart.catalog import api as catalog_api
from castcart.commerce import api as commerce_api
from castcart.commerce import crossborder_api
from castcart.commerce.reservations import expire_unpaid_orders
from castcart.compliance import scheduling_api
from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.core.migrate import upgrade
from castcart.core.settings import Settings, get_settings
from castcart.demo import assets as demo_assets
from castcart.engagement import api as engagement_api
from castcart.fulfillment import api as fulfillment_api
from castcart.lingua import api as lingua_api
from castcart.media import api as media_api
from castcart.media.supervisor import IngestSupervisor
from castcart.pages import install as install_pages
from castcart.privacy import api as privacy_api
from castcart.realtime import api as realtime_api
from castcart.shows import api as shows_api
from castcart.shows.live_guard import LiveGuard
from castcart.web import health
from castcart.web.context import AppContext
from castcart.web.errors import install_error_handlers

log = logging.getLogger(__name__)


async def _sweep_reservations(ctx: AppContext) -> None:
    while True:
        await asyncio.sleep(ctx.settings.reservation_sweep_interval_seconds)
        try:
            events = await run_in_threadpool(expire_unpaid_orders, ctx.db, utcnow())
            ctx.bus.publish_all(events)
        except Exception:  # keep sweeping; one failed pass must not stop expiry for good
            log.exception("reservation sweep failed")


async def _relay_outbox(ctx: AppContext) -> None:
    while True:
        await asyncio.sleep(ctx.settings.outbox_relay_interval_seconds)
        try:
            await run_in_threadpool(ctx.outbox.run_once)
        except Exception:  # the next pass retries; events stay in the table until published
            log.exception("outbox relay pass failed")


def create_app(
    settings: Settings | None = None, *, migrate: bool = True, background_tasks: bool = True
) -> FastAPI:
    settings = settings or get_settings()
    if migrate:
        upgrade(settings.effective_database_url)
    ctx = AppContext(
        settings=settings,
        db=Database(settings.effective_database_url, pool_size=settings.db_pool_size),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(_sweep_reservations(ctx)) if background_tasks else None
        relay = asyncio.create_task(_relay_outbox(ctx)) if background_tasks else None
        # video ingest (ffmpeg listeners) and the interrupted -> ended grace clock
        media = IngestSupervisor(ctx) if background_tasks else None
        if media is not None:
            await media.start()
        app.state.media_supervisor = media
        if background_tasks:  # language models for shows on air or due, off the loop
            try:
                await run_in_threadpool(lingua_api.warm, app.state, ctx)
            except Exception:  # a cold model costs a pause later, never a failed start
                log.exception("warming the language detectors failed")
        # the show audit log and the live compliance guard listen to the bus on their own
        # threads: neither may slow the room or a checkout. Once per app, even when two
        # servers run the same app object (tests do), or every line would be checked twice.
        app.state.bus_listener_users = getattr(app.state, "bus_listener_users", 0) + 1
        if app.state.bus_listener_users == 1:
            recorder, guard = AuditRecorder(ctx.db), LiveGuard(ctx.db, ctx.bus)
            recorder.attach(ctx.bus)
            guard.attach()
            app.state.audit_recorder, app.state.live_guard = recorder, guard
        yield
        if media is not None:
            await media.stop()
        app.state.bus_listener_users -= 1
        if app.state.bus_listener_users == 0:
            app.state.live_guard.close()
            app.state.audit_recorder.close()
        engagement_api.shutdown(app)
        realtime_api.shutdown(app)  # live sockets get 1001; this node leaves Redis presence
        for task in (sweeper, relay):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        with contextlib.suppress(Exception):  # a clean stop marks what it published
            await run_in_threadpool(ctx.outbox.flush)
        ctx.db.dispose()

    app = FastAPI(
        title="castcart",
        version=__version__,
        summary="Live shopping for cross-border independent stores",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.include_router(health.router)
    for module in (accounts_api, catalog_api, shows_api, commerce_api):
        app.include_router(module.router)
        app.include_router(module.shop_router)
    app.include_router(crossborder_api.shop_router)
    app.include_router(crossborder_api.router)  # tax settings, invoices, tax report
    app.include_router(fulfillment_api.router)  # shipping lanes
    app.include_router(commerce_api.webhook_router)
    app.include_router(scheduling_api.router)
    app.include_router(privacy_api.router)
    app.include_router(audit_api.router)
    app.include_router(demo_assets.router)  # drawn pictures of the demo store's products
    app.include_router(privacy_api.shop_router)
    # real-time channel (WebSocket) per show; the hub binds to the serving loop lazily
    app.include_router(realtime_api.router)
    realtime_api.install(app)  # moderation + metrics routes, metrics book on the bus
    # polls, giveaways and quizzes (their frames reach the room as ShowBroadcast events)
    app.include_router(engagement_api.router)
    app.include_router(engagement_api.shop_router)
    app.include_router(lingua_api.router)  # store languages, glossary, translation
    app.include_router(lingua_api.products_router)  # machine-translated catalog drafts
    lingua_api.install(app.state, ctx)  # chat translation for the real-time hub
    app.include_router(captions_api.router)  # caption worker -> bus (HMAC-signed, internal)
    # video: stream endpoints, nginx-rtmp callbacks, HLS files under /media
    app.include_router(media_api.router)
    app.include_router(media_api.callback_router)
    app.include_router(media_api.files_router)
    # server-rendered pages (shopper page, console, admin, widget) and their assets
    install_pages(app)
    return app
