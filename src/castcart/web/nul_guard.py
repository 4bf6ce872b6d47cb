"""Refuse NUL characters at the edge, the same on every database.

PostgreSQL cannot store U+0000 in text (the insert fails deep inside a transaction) while
SQLite stores it silently, and C-based tools downstream (mail, PDF, logs) cut strings at it.
No legitimate name, address or chat line contains one, so a request that carries one — in
the path, the query string or a JSON body — is answered 422 ``nul_character`` before any
handler runs. JSON can only carry it as the escape ``\\u0000`` (raw control characters are
invalid there); binary uploads (multipart images) are not JSON and are left alone."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from castcart.web.limits import send_json_error, serve_checking_body

# a \u0000 escape: preceded by an even number of backslashes (pairs are escaped backslashes)
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_QUERY_NUL = re.compile(rb"%00|\x00")
_CARRY = 16  # bytes kept across chunks so an escape split between two is still seen


_MESSAGE = "the request contains a NUL character (U+0000), which no field accepts"


class _NulFound(HTTPException):
    error_code = "nul_character"

    def __init__(self) -> None:
        super().__init__(422, _MESSAGE)


def json_has_nul(body: bytes) -> bool:
    return b"\x00" in body or _JSON_NUL.search(body) is not None


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or _QUERY_NUL.search(scope.get("query_string", b"")):
            if scope["type"] == "http":
                await _reject(send)
            else:  # a socket is refused before it is accepted (HTTP 403 to the client)
                await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] == "websocket" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        tail = b""

        def check(chunk: bytes) -> None:
            nonlocal tail
            window = tail + chunk
            if json_has_nul(window):
                raise _NulFound()
            tail = window[-_CARRY:]

        await serve_checking_body(self.app, scope, receive, send, check, _NulFound)


async def _reject(send: Send) -> None:
    await send_json_error(send, 422, _NulFound.error_code, _MESSAGE)
