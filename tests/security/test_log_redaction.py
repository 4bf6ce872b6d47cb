"""Issue 11 item 6: no token, ticket or secret from a query string reaches a log line, on a
real uvicorn server (access log and WebSocket handshake log)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.sync.client import connect

from castcart.web.logredact import redact
from tests.helpers import Api

SECRET = "ccg_SUPERSECRETTOKENVALUE123"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextlib.contextmanager
def _server_with_access_log(app: FastAPI) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="info", access_log=True)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    try:
        yield f"127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def test_tokens_never_reach_the_logs(app: FastAPI, api: Api) -> None:
    store = api.store()
    show = api.show(store)
    collect = _Collect()
    loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error")]
    with _server_with_access_log(app) as host:
        for logger in loggers:  # after uvicorn configured its logging (that drops handlers)
            logger.addHandler(collect)
        try:
            httpx.get(f"http://{host}/healthz?token={SECRET}&ticket={SECRET}&t={SECRET}")
            live = f"/api/v1/shop/{store['store']['slug']}/shows/{show['id']}/live"
            with (
                contextlib.suppress(Exception),
                connect(f"ws://{host}{live}?token={SECRET}&lang=en", open_timeout=5) as ws,
            ):
                ws.recv(timeout=2)
            time.sleep(0.2)
        finally:
            for logger in loggers:
                logger.removeHandler(collect)
    text = "\n".join(collect.lines)
    assert "/healthz" in text  # the access log did run
    assert "WebSocket" in text or live in text
    assert SECRET not in text
    assert "token=[redacted]" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /x?token=abc&lang=en", "GET /x?token=[redacted]&lang=en"),
        ("/live?lang=en&ticket=abc", "/live?lang=en&ticket=[redacted]"),
        ("/on_publish?secret=s3", "/on_publish?secret=[redacted]"),
        ("/p?t=1&tab=2", "/p?t=[redacted]&tab=2"),
        ("/p?format=json", "/p?format=json"),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected
