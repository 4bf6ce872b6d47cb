"""The production path for real: nginx + nginx-rtmp from the rendered template, its
``on_publish`` callback reaching castcart, the ladder via ``exec_push``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from castcart.media import audio_tap_url
from castcart.media.nginx import RTMP_MODULE
from castcart.media.playlists import ENDLIST, master_variants
from castcart.web.app import create_app
from tests.conftest import LiveServer
from tests.media.conftest import binary, free_ports, media_settings, need
from tests.media.streaming import finished, next_frame, probe, publish, wait_listening
from tests.media.test_embedded_ingest import ok, run, setup_show, status, ws_url

SECRET = "test-callback-secret"


@pytest.fixture
def nginx_stack(tmp_path: Path, ffmpeg: str) -> Iterator[dict[str, Any]]:
    nginx = binary("nginx")
    if not RTMP_MODULE.is_file():
        need("the nginx RTMP module", f"{RTMP_MODULE} (apt install libnginx-mod-rtmp)")
    rtmp_port, http_port = free_ports(2)
    ingest = f"rtmp://127.0.0.1:{rtmp_port}/live"
    settings = media_settings(
        tmp_path,
        media_ingest="nginx",
        media_callback_secret=SECRET,
        media_nginx_ingest_url=ingest,
        media_nginx_play_url=ingest,
    )
    app = create_app(settings, background_tasks=True)
    with LiveServer(app) as server:
        conf = tmp_path / "nginx.conf"
        env = {
            **os.environ,
            "CASTCART_DATA_DIR": str(tmp_path),
            "CASTCART_MEDIA_CALLBACK_SECRET": SECRET,
            "CASTCART_MEDIA_PRESET": "ultrafast",
            "CASTCART_MEDIA_SEGMENT_SECONDS": "1",
        }
        rendered = subprocess.run(
            [
                sys.executable,
                "-m",
                "castcart.cli",
                "media",
                "nginx-config",
                "--out",
                str(conf),
                "--app-url",
                server.url,
                "--rtmp-port",
                str(rtmp_port),
                "--http-port",
                str(http_port),
                "--run-dir",
                str(tmp_path / "nginx"),
                *(["--user", "root"] if os.geteuid() == 0 else []),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert rendered.returncode == 0, rendered.stdout + rendered.stderr
        error_log = tmp_path / "nginx" / "error.log"
        process = subprocess.Popen(  # noqa: S603 - our rendered config
            [nginx, "-c", str(conf), "-e", str(error_log), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            yield {
                "server": server,
                "settings": settings,
                "ingest": ingest,
                "rtmp_port": rtmp_port,
                "http_port": http_port,
                "nginx": process,
                "error_log": error_log,
            }
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_nginx_rtmp_authenticates_keys_and_drives_the_show(
    nginx_stack: dict[str, Any], tmp_path: Path
) -> None:
    server: LiveServer = nginx_stack["server"]

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not (tmp_path / "nginx" / "nginx.pid").exists():
            returncode = nginx_stack["nginx"].poll()
            assert returncode is None, nginx_stack["error_log"].read_text(errors="replace")
            assert loop.time() < deadline, "nginx did not start"
            await asyncio.sleep(0.1)
        await wait_listening(nginx_stack["rtmp_port"])
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            room = await setup_show(client)
            show_id = room["show"]["id"]
            stream = await ok(
                client, "GET", f"/api/v1/shows/{show_id}/stream", headers=room["headers"]
            )
            assert stream["ingest_url"] == nginx_stack["ingest"]
            assert stream["state"] == "waiting"

            async with connect(ws_url(server, room)) as viewer:
                await next_frame(viewer, "hello")
                wrong = await publish(f"{stream['ingest_url']}/wrong-key", 3)
                code, _ = await finished(wrong)
                assert code != 0
                assert await status(client, room) == "scheduled"

                publisher = await publish(f"{stream['ingest_url']}/{stream['stream_key']}", 12)
                await next_frame(viewer, "show.state", status="live")
                started = await next_frame(viewer, "stream")
                assert await status(client, room) == "live"

                # the audio tap is nginx's play URL of the renamed stream
                tap = audio_tap_url(show_id, nginx_stack["settings"])
                assert tap == f"{nginx_stack['ingest']}/{show_id}"
                wav = tmp_path / "tap.wav"
                reader = await asyncio.create_subprocess_exec(
                    "ffmpeg",
                    "-v",
                    "error",
                    "-y",
                    "-i",
                    tap,
                    "-t",
                    "1",
                    "-vn",
                    str(wav),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
                _, errors = await asyncio.wait_for(reader.communicate(), 30)
                assert reader.returncode == 0, errors
                assert [s["codec_type"] for s in probe(wav)] == ["audio"]

                # exec_push wrote the ladder into castcart's media dir, named by show id
                master = None
                for _ in range(300):
                    response = await client.get(started["hls_url"])
                    variant = await client.get(f"/media/shows/{show_id}/480p/index.m3u8")
                    if response.status_code == 200 and "#EXTINF" in variant.text:
                        master = response.text
                        break
                    await asyncio.sleep(0.1)
                assert master is not None, nginx_stack["error_log"].read_text(errors="replace")
                resolutions = {v["URI"]: v["RESOLUTION"] for v in master_variants(master)}
                assert resolutions == {"720p/index.m3u8": "1280x720", "480p/index.m3u8": "854x480"}
                # nginx serves the same files itself
                direct = await client.get(
                    f"http://127.0.0.1:{nginx_stack['http_port']}/media/shows/{show_id}/master.m3u8"
                )
                assert direct.status_code == 200
                assert "720p/index.m3u8" in direct.text
                key_paths = list((tmp_path / "media").rglob(f"*{stream['stream_key']}*"))
                assert key_paths == []  # the key never names a file

                code, output = await finished(publisher)
                assert code == 0, output
                await next_frame(viewer, "show.state", status="interrupted")
                await next_frame(viewer, "show.state", status="ended")
            replay = await client.get(f"/media/shows/{show_id}/720p/index.m3u8")
            assert replay.text.rstrip().endswith(ENDLIST)
            # an ended show's key is refused
            again = await publish(f"{stream['ingest_url']}/{stream['stream_key']}", 3)
            code, _ = await finished(again)
            assert code != 0
            assert await status(client, room) == "ended"

    run(scenario())
