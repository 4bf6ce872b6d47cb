"""Request-body size limits per route class, enforced before anything parses the body.

An ASGI middleware: a declared ``Content-Length`` over the limit is answered 413 at once; a
chunked body is counted as it streams and cut off (413) the moment it passes the limit, so a
50 MB post to a public endpoint never reaches the JSON parser or the process's memory."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB

# (path prefix, limit in bytes), first match wins: public shopper JSON is small, staff JSON
# (catalog, scripts) larger, signed machine-to-machine posts in between.
DEFAULT_LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/v1/shop/", 64 * KIB),
    ("/api/v1/webhooks/", 256 * KIB),
    ("/api/v1/internal/", 1 * MIB),
    ("/api/v1/media/", 64 * KIB),
    ("/api/v1/", 2 * MIB),
    ("/", 256 * KIB),  # pages: login and sign-up forms
)


class _TooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI's body reader passes it on to the
    app's error handler (anything else it turns into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit} bytes")


def limit_for(path: str, limits: tuple[tuple[str, int], ...] = DEFAULT_LIMITS) -> int:
    for prefix, limit in limits:
        if path.startswith(prefix):
            return limit
    return limits[-1][1]


class BodySizeLimit:
    def __init__(self, app: ASGIApp, limits: tuple[tuple[str, int], ...] = DEFAULT_LIMITS):
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.limits)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
                    await _reject(send, limit)
                    return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(send, limit)


async def _reject(send: Send, limit: int) -> None:
    body: dict[str, Any] = {
        "code": "payload_too_large",
        "message": f"request body is larger than {limit} bytes",
        "details": {"limit_bytes": limit},
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
