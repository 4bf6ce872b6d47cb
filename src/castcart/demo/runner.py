"""``castcart demo``: one process that serves the seeded store, feeds its live show a generated
test stream through the real ingest, and fills the room with simulated viewers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import uvicorn

from castcart.core.settings import Settings
from castcart.demo.chatters import post_json, run_chatters
from castcart.demo.narration import narration_wav
from castcart.demo.seed import DemoStore

log = logging.getLogger(__name__)

# Started once the server listens: feeds the show's ingest until cancelled.
StreamFeeder = Callable[[str, DemoStore, Settings], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class DemoOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    chatters: int = 5
    stream: bool = True


def open_ingest(base: str, store: DemoStore) -> str:
    """Log in as the host and open the show's ingest, like the console's button does; the
    RTMP URL an encoder publishes to (server URL + stream key)."""
    token = post_json(
        f"{base}/api/v1/auth/login",
        {"store": store.slug, "email": store.host_email, "password": store.password},
    )["token"]
    info = post_json(f"{base}/api/v1/shows/{store.show_id}/stream/open", {}, token)
    if not info.get("ingest_url"):
        raise RuntimeError(f"the ingest did not open: {info}")
    return f"{info['ingest_url']}/{info['stream_key']}"


async def feed_test_pattern(base: str, store: DemoStore, settings: Settings) -> None:
    """Publish an ffmpeg test pattern with a tone into the show's ingest, as OBS would,
    restarting it if the listener was not ready yet or the stream dropped."""
    from castcart.media.ffmpeg import find_ffmpeg, pattern_stream_command

    url = await asyncio.to_thread(open_ingest, base, store)
    narration = await asyncio.to_thread(narration_wav, settings.data_dir / "demo")
    command = pattern_stream_command(
        find_ffmpeg(settings.media_ffmpeg),
        url,
        duration=None,
        size="1280x720",
        rate=25,
        audio_file=str(narration) if narration else None,
    )
    captions = (
        asyncio.create_task(run_captions_worker(base, store)) if narration is not None else None
    )
    try:
        await _publish_forever(command)
    finally:
        if captions is not None:
            captions.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await captions


async def run_captions_worker(base: str, store: DemoStore) -> None:
    """``castcart worker captions`` for the demo show, as its own process (as in production),
    restarted if it stops; it posts captions back to this server."""
    await asyncio.sleep(8.0)  # let the first segments land and the show go live
    command = [
        sys.executable, "-m", "castcart.cli", "worker", "captions",
        "--show", store.show_id, "--app-url", base,
    ]  # fmt: skip
    await _run_forever(command, "captions worker")


async def _publish_forever(command: list[str]) -> None:
    await _run_forever(command, "test stream")


async def _run_forever(command: list[str], what: str) -> None:
    while True:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            code = await process.wait()
        except asyncio.CancelledError:
            if process.returncode is None:
                process.terminate()
                with contextlib.suppress(ProcessLookupError, TimeoutError):
                    await asyncio.wait_for(process.wait(), timeout=5)
            raise
        log.info("demo %s exited with %s; restarting", what, code)
        await asyncio.sleep(2.0)


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
    from castcart.web.serving import uvicorn_options

    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=options.host,
            port=options.port,
            log_level="warning",
            **uvicorn_options(settings),
        )
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
        helpers.append(asyncio.create_task(feed_stream(base, store, settings)))
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
