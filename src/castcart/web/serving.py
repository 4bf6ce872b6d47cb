"""How uvicorn serves castcart: the options every entry point (``castcart serve``, the demo,
the test server) shares, so what is measured and tested is what production runs."""

from __future__ import annotations

from typing import Any

from castcart.core.settings import Settings
from castcart.web.live_protocol import PROTOCOL


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        # permessage-deflate keeps a zlib compressor and decompressor per socket (~46 KB of
        # the ~60 KB an idle viewer cost) and compresses every frame once per viewer, which
        # undoes encoding a broadcast frame once for all. Live frames are small JSON, so the
        # bandwidth saved is small; an operator on metered mobile audiences may turn it on.
        "ws_per_message_deflate": settings.live_compression,
        # uvicorn's sans-I/O WebSocket protocol plus a direct send path: a broadcast frame is
        # framed once and written to every viewer's socket buffer (web/live_protocol.py)
        "ws": PROTOCOL,
    }
