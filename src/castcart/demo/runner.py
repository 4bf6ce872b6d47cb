"""``castcart demo``: one process that serves the seeded store, feeds its live show a generated
test stream through the real ingest, and fills the room with simulated viewers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import uvicorn

from castcart.core.settings import Settings
from castcart.demo.chatters import run_chatters
from castcart.demo.seed import DemoStore

log = logging.getLogger(__name__)

# Started once the server listens: feeds the show's ingest until cancelled.
StreamFeeder = Callable[[str, DemoStore], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class DemoOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    chatters: int = 5
    stream: bool = True


def banner(base: str, store: DemoStore) -> str:
    return (
        "\ncastcart demo is ready (Ctrl-C stops it)\n\n"
        f"  Shopper page     {base}/s/{store.slug}/shows/{store.show_id}\n"
        f"  Host console     {base}/console/shows/{store.show_id}\n"
        f"  Merchant admin   {base}/admin\n"
        f"  Staff logins     owner {store.owner_email} / host {store.host_email}\n"
        f"                   password {store.password}  (store: {store.slug})\n"
        f'  Embed widget     <script src="{base}/widget.js"></script>\n'
        f'                   <castcart-show store="{store.slug}" show="{store.show_id}">'
        "</castcart-show>\n"
        f"  API docs         {base}/docs\n"
    )


async def run_demo(
    settings: Settings,
    store: DemoStore,
    options: DemoOptions,
    *,
    feed_stream: StreamFeeder | None = None,
    on_ready: Callable[[str], None] = print,
) -> None:
    from castcart.web.app import create_app

    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host=options.host, port=options.port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            await serving  # startup failed (port taken, ...): raise its error
            return
        await asyncio.sleep(0.05)
    base = f"http://{options.host}:{options.port}"
    helpers: list[asyncio.Task[None]] = []
    if options.stream and feed_stream is not None:
        helpers.append(asyncio.create_task(feed_stream(base, store)))
    if options.chatters:
        helpers.append(
            asyncio.create_task(
                run_chatters(base, store.slug, store.show_id, count=options.chatters)
            )
        )
    on_ready(banner(base, store))
    try:
        await serving
    finally:
        for task in helpers:
            task.cancel()
        for task in helpers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
