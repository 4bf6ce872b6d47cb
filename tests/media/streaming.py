"""Helpers for the real-stream tests: publish with the CLI, wait for a listener, read frames
from the show's WebSocket, probe segments with ffprobe."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from tests.media.conftest import CLI

SAFETY_S = 60.0


def listening(port: int) -> bool:
    """Whether something listens on TCP ``port`` (from /proc, so no connection is made:
    ffmpeg's listener accepts exactly one)."""
    wanted = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].endswith(wanted) and fields[3] == "0A":
                return True
    return False


async def wait_listening(port: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SAFETY_S
    while not listening(port):
        if loop.time() > deadline:
            raise AssertionError(f"nothing listens on port {port}")
        await asyncio.sleep(0.1)


async def publish(url: str, duration: float) -> asyncio.subprocess.Process:
    """``castcart media test-stream`` in the background."""
    return await asyncio.create_subprocess_exec(
        *CLI,
        "media",
        "test-stream",
        "--url",
        url,
        "--duration",
        str(duration),
        "--size",
        "1280x720",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str]:
    output, _ = await asyncio.wait_for(process.communicate(), SAFETY_S)
    return process.returncode or 0, output.decode("utf-8", "replace")


async def next_frame(ws: ClientConnection, kind: str, **match: Any) -> dict[str, Any]:
    """The next frame of type ``kind`` whose fields match, skipping the others."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_S))
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message  # type: ignore[no-any-return]


def probe(path: Path) -> list[dict[str, Any]]:
    """The streams ffprobe decodes in a segment (it fails on a broken file)."""
    result = subprocess.run(
        [  # noqa: S607 - the test needs the system ffprobe
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,codec_name,width,height",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(result.stdout)["streams"]  # type: ignore[no-any-return]


def decodes(path: Path) -> None:
    """Decode every frame (not only the headers): errors make ffmpeg exit non-zero."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],  # noqa: S607
        capture_output=True,
        check=True,
        timeout=60,
    )
