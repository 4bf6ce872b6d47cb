"""Shared fixtures: an app per test on a fresh SQLite file (or a fresh PostgreSQL database for
tests marked ``postgres``), a TestClient, and a real uvicorn server for concurrency tests."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from castcart.core.settings import Settings
from castcart.web.app import create_app
from castcart.web.serving import uvicorn_options
from tests.helpers import Api

# Every app a test starts (in process or as a `castcart serve` child) reads the compliance
# guard's training embeddings from the one cache `make` builds, not from its own fresh data
# directory (recomputing them costs a minute of CPU per process).
os.environ.setdefault(
    "CASTCART_SEMANTIC_CACHE",
    str(Path(__file__).resolve().parents[1] / "var" / "cache" / "compliance"),
)

POSTGRES_URL = os.environ.get("CASTCART_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("CASTCART_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("CASTCART_REQUIRE_SERVICES") == "1"


def _service_unavailable(what: str, reason: str) -> None:
    message = f"{what} not reachable ({reason}); set CASTCART_TEST_{what.upper()}_URL"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throw-away database on the PostgreSQL server, dropped afterwards."""
    if not POSTGRES_URL:
        _service_unavailable("postgres", "CASTCART_TEST_POSTGRES_URL is not set")
    import psycopg

    name = f"castcart_t_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _service_unavailable("postgres", str(exc).strip())
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        _service_unavailable("redis", "CASTCART_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _service_unavailable("redis", str(exc))
    return REDIS_URL


def make_settings(tmp_path: Path, database_url: str = "", **overrides: object) -> Settings:
    return Settings(environment="test", data_dir=tmp_path, database_url=database_url, **overrides)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite by default; tests parametrized with "postgres" get a fresh PostgreSQL db."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'castcart.db'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings, background_tasks=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
            backlog=4096,
            **uvicorn_options(app.state.ctx.settings),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        sockets = self.server.servers[0].sockets
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server
