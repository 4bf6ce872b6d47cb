"""Real ``castcart serve`` processes sharing one database and one Redis: the production
topology, for the tests that cross nodes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "castcart.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cluster_env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "CASTCART_ENVIRONMENT": "test",
        "CASTCART_DATA_DIR": str(tmp_path),
        "CASTCART_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
        "CASTCART_REDIS_URL": redis_url,
    }


@contextmanager
def serve_nodes(env: dict[str, str], tmp_path: Path, count: int = 2) -> Iterator[list[str]]:
    """Migrate, start ``count`` app nodes, wait until each answers; their base URLs."""
    subprocess.run([*CLI, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for n in range(count):
            port = free_port()
            log = (tmp_path / f"node{n}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [*CLI, "serve", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for proc, url in zip(procs, urls, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}/openapi.json", timeout=2)
                    break
                except httpx.HTTPError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        logs = [p.read_text()[-2000:] for p in tmp_path.glob("node*.log")]
                        raise RuntimeError(f"node did not start: {logs}") from None
                    time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
