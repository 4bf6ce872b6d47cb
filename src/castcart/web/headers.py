"""Security headers on every HTTP response, whatever produced it (JSON API, invoice HTML,
``/docs``, error handlers, static files).

A pure ASGI middleware so it also covers responses that never pass through a route (404s,
413s from ``limits.py``, mounted static files). A route that set its own header keeps it: the
pages send a richer CSP (``pages/routes.py``) and ``/docs`` one that lets its local Swagger
bundle and its one inline start-up script run (``docs.py``)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# JSON and server-rendered documents run no script: nothing may load, nothing may frame it.
DEFAULT_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts_seconds: int = 0) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_seconds}; includeSubDomains" if hsts_seconds > 0 else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # HSTS only over https (uvicorn --proxy-headers sets the scheme behind a proxy): sent
        # over plain http it is ignored by browsers and would only confuse a test setup.
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if self.hsts and https:
                    headers.setdefault("Strict-Transport-Security", self.hsts)
            await send(message)

        await self.app(scope, receive, send_with_headers)
