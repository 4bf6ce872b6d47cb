"""What `media` contributes to the app: Video: RTMP ingest, HLS renditions, nginx-rtmp
callbacks, HLS files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "media",
    models=("castcart.media.models",),
    routers=(
        "castcart.media.api:router",
        "castcart.media.api:callback_router",
        "castcart.media.api:files_router",
    ),
    install=("castcart.media.module:install",),
    lifespan=("castcart.media.module:ingest_lifespan",),
    commands=(("media", "castcart.media.cli:app"),),
)


def install(app: Any) -> None:
    """Show pages learn a show's HLS URL from media (shows must not import media)."""
    from castcart.media.service import hls_url_for
    from castcart.shows.streams import provide_hls_urls

    provide_hls_urls(hls_url_for)


@asynccontextmanager
async def ingest_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    """Video ingest (the RTMP listener and its ffmpeg transcoders) and the interrupted ->
    ended grace clock."""
    from castcart.media.supervisor import IngestSupervisor

    media = IngestSupervisor(app.state.ctx) if background else None
    if media is not None:
        await media.start()
        app.state.ctx.services.provide(IngestSupervisor, media)
    try:
        yield
    finally:
        if media is not None:
            app.state.ctx.services.remove(IngestSupervisor)
            await media.stop()
