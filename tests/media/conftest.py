"""Fixtures for the video tests: real ffmpeg (and nginx) binaries, free ports, an app with
the media supervisor running behind a real uvicorn server."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from castcart.core.settings import Settings
from castcart.web.app import create_app
from tests.conftest import LiveServer, make_settings

REQUIRE_MEDIA = os.environ.get("CASTCART_REQUIRE_MEDIA") == "1"
CLI = [sys.executable, "-m", "castcart.cli"]


def need(what: str, reason: str = "") -> None:
    message = f"{what} is not available{': ' + reason if reason else ''}"
    if REQUIRE_MEDIA:
        pytest.fail(message + " (CASTCART_REQUIRE_MEDIA=1)")
    pytest.skip(message)


def binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        need(name, "install the Debian package that ships it")
    assert path is not None
    return path


def free_ports(count: int) -> list[int]:
    """Ports the OS says are free now (bound together so they differ, then released)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture
def ffmpeg() -> str:
    binary("ffprobe")
    return binary("ffmpeg")


def media_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "media_grace_seconds": 4.0,
        "media_poll_seconds": 0.2,
        "media_preset": "ultrafast",
        "media_segment_seconds": 1,
        "media_rtmp_port": free_ports(1)[0],
        "media_tap_ports": ",".join(str(p) for p in free_ports(3)),
    }
    values.update(overrides)
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'castcart.db'}", **values)


@pytest.fixture
def media_server(tmp_path: Path, ffmpeg: str) -> Iterator[LiveServer]:
    app = create_app(media_settings(tmp_path), background_tasks=True)
    with LiveServer(app) as server:
        server.settings = app.state.ctx.settings  # type: ignore[attr-defined]
        server.app = app  # type: ignore[attr-defined]
        yield server
