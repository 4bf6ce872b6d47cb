"""Request-body size limits per route class, enforced before anything parses the body.

An ASGI middleware: a declared ``Content-Length`` over the limit is answered 413 at once; a
chunked body is counted as it streams and cut off (413) the moment it passes the limit, so a
50 MB post to a public endpoint never reaches the JSON parser or the process's memory."""

from __future__ import annotations

import json
from collections.abc import Callable
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

    error_code = "payload_too_large"

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

        def count(chunk: bytes) -> None:
            nonlocal received
            received += len(chunk)
            if received > limit:
                raise _TooLarge(limit)

        await serve_checking_body(self.app, scope, receive, send, count, _TooLarge, limit)


async def serve_checking_body(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    check: Callable[[bytes], None],
    refusal: type[HTTPException],
    limit: int = 0,
) -> None:
    """Run ``app`` with every body chunk passed to ``check`` as it streams in; ``check``
    raises ``refusal`` (an HTTPException, so FastAPI's body reader hands it to the error
    handler). If it escapes before a response started, answer it here."""
    started = False

    async def checked_receive() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            check(message.get("body", b""))
        return message

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, checked_receive, tracking_send)
    except refusal as exc:
        if not started:
            await send_json_error(
                send, exc.status_code, getattr(exc, "error_code", ""), str(exc.detail), limit
            )


async def send_json_error(send: Send, status: int, code: str, message: str, limit: int = 0) -> None:
    """castcart's error shape, written straight to ASGI (no app to render it)."""
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "details": {"limit_bytes": limit} if limit else {},
    }
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if status == 413:  # the rest of an oversized body is not read: end the connection
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _reject(send: Send, limit: int) -> None:
    await send_json_error(
        send, 413, "payload_too_large", f"request body is larger than {limit} bytes", limit
    )
