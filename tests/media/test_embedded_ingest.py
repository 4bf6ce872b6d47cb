"""The embedded ingest end to end: ffmpeg publishes a test pattern over RTMP into a running
app, HLS with both renditions appears, the show goes live, is interrupted when the stream
stops, resumes on reconnect and ends after the grace period; a wrong key is refused."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from castcart.media import audio_tap_url
from castcart.media.playlists import ENDLIST, master_variants
from castcart.media.supervisor import IngestSupervisor
from tests.conftest import LiveServer
from tests.helpers import PASSWORD
from tests.media.streaming import (
    decodes,
    finished,
    next_frame,
    probe,
    publish,
    wait_listening,
)


def run(scenario: Any) -> None:
    asyncio.run(asyncio.wait_for(scenario, timeout=200))


async def ok(
    client: httpx.AsyncClient, method: str, url: str, expected: int = 200, **kw: Any
) -> Any:
    response = await client.request(method, url, **kw)
    assert response.status_code == expected, (response.status_code, response.text)
    return response.json() if response.content else None


async def setup_show(client: httpx.AsyncClient) -> dict[str, Any]:
    slug = f"video-{secrets.token_hex(3)}"
    store = await ok(
        client,
        "POST",
        "/api/v1/stores",
        201,
        json={
            "slug": slug,
            "name": "Video shop",
            "currency": "EUR",
            "country": "DE",
            "owner_email": f"owner@{slug}.example.com",
            "owner_password": PASSWORD,
        },
    )
    headers = {"Authorization": f"Bearer {store['token']}"}
    show = await ok(
        client,
        "POST",
        "/api/v1/shows",
        201,
        headers=headers,
        json={"title": "Launch night", "scheduled_at": "2026-12-01T18:00:00Z"},
    )
    shopper = await ok(client, "POST", f"/api/v1/shop/{slug}/sessions", 201, json={"locale": "en"})
    return {"slug": slug, "headers": headers, "show": show, "shopper": shopper}


def ws_url(server: LiveServer, room: dict[str, Any]) -> str:
    base = server.url.replace("http://", "ws://")
    return (
        f"{base}/api/v1/shop/{room['slug']}/shows/{room['show']['id']}/live"
        f"?token={room['shopper']['token']}"
    )


async def status(client: httpx.AsyncClient, room: dict[str, Any]) -> str:
    show = await ok(client, "GET", f"/api/v1/shows/{room['show']['id']}", headers=room["headers"])
    return str(show["show"]["status"])


async def fetch(client: httpx.AsyncClient, url: str, into: Path) -> httpx.Response:
    response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    await asyncio.to_thread(into.write_bytes, response.content)
    return response


def test_stream_goes_live_then_interrupted_then_ended_with_both_renditions(
    media_server: LiveServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=media_server.url, timeout=30) as client:
            room = await setup_show(client)
            show_id = room["show"]["id"]
            stream = await ok(
                client, "POST", f"/api/v1/shows/{show_id}/stream/open", headers=room["headers"]
            )
            assert stream["state"] == "waiting"
            assert stream["hls_url"] is None
            assert stream["stream_key"] == room["show"]["stream_key"]
            assert stream["ingest_url"].startswith("rtmp://127.0.0.1:")
            port = int(stream["ingest_url"].rsplit(":", 1)[1].split("/")[0])
            shop = await ok(client, "GET", f"/api/v1/shop/{room['slug']}/shows/{show_id}")
            assert shop["hls_url"] is None

            async with connect(ws_url(media_server, room)) as viewer:
                hello = await next_frame(viewer, "hello")
                assert hello["show"]["status"] == "scheduled"
                await wait_listening(port)
                publisher = await publish(f"{stream['ingest_url']}/{stream['stream_key']}", 10)

                live = await next_frame(viewer, "show.state", status="live")
                assert live["status"] == "live"
                started = await next_frame(viewer, "stream")
                assert started["hls_url"] == f"/media/shows/{show_id}/master.m3u8"
                assert await status(client, room) == "live"
                stream = await ok(
                    client, "GET", f"/api/v1/shows/{show_id}/stream", headers=room["headers"]
                )
                assert stream["state"] == "publishing"
                assert stream["hls_url"] == started["hls_url"]
                shop = await ok(client, "GET", f"/api/v1/shop/{room['slug']}/shows/{show_id}")
                assert shop["hls_url"] == started["hls_url"]

                # the captions worker's tap carries the audio while the stream runs
                tap = audio_tap_url(show_id, media_server.settings)  # type: ignore[attr-defined]
                tap_ports = media_server.settings.media_tap_ports.split(",")  # type: ignore[attr-defined]
                assert tap.split("?")[0].rsplit(":", 1)[1] in tap_ports
                wav = tmp_path / "tap.wav"
                reader = await asyncio.create_subprocess_exec(
                    "ffmpeg",
                    "-v",
                    "error",
                    "-y",
                    "-i",
                    f"{tap}&timeout=20000000",
                    "-t",
                    "1",
                    str(wav),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )

                # both renditions, served with HLS content types, decodable segments
                master = await fetch(client, started["hls_url"], tmp_path / "master.m3u8")
                assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
                assert master.headers["access-control-allow-origin"] == "*"
                variants = {v["URI"]: v for v in master_variants(master.text)}
                assert set(variants) == {"720p/index.m3u8", "480p/index.m3u8"}
                assert variants["720p/index.m3u8"]["RESOLUTION"] == "1280x720"
                assert variants["480p/index.m3u8"]["RESOLUTION"] == "854x480"
                assert int(variants["480p/index.m3u8"]["BANDWIDTH"]) < int(
                    variants["720p/index.m3u8"]["BANDWIDTH"]
                )
                for name, height in (("720p", 720), ("480p", 480)):
                    base = f"/media/shows/{show_id}/{name}"
                    playlist = await fetch(client, f"{base}/index.m3u8", tmp_path / "v.m3u8")
                    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in playlist.text
                    assert ENDLIST not in playlist.text  # live: players keep polling
                    first = next(
                        line for line in playlist.text.splitlines() if line.endswith(".ts")
                    )
                    segment = await fetch(client, f"{base}/{first}", tmp_path / f"{name}.ts")
                    assert segment.headers["content-type"] == "video/mp2t"
                    streams = {s["codec_type"]: s for s in probe(tmp_path / f"{name}.ts")}
                    assert streams["video"]["codec_name"] == "h264"
                    assert streams["video"]["height"] == height
                    assert streams["audio"]["codec_name"] == "aac"
                    decodes(tmp_path / f"{name}.ts")

                _, errors = await asyncio.wait_for(reader.communicate(), 30)
                assert reader.returncode == 0, errors
                assert [s["codec_type"] for s in probe(wav)] == ["audio"]

                # the encoder stops: interrupted, then ended after the grace period. The
                # grace is long while the interrupted state is checked (under load a short one
                # could run out between the checks), then short so the clock ends the show;
                # the grace clock reads the setting on every pass.
                media_server.settings.media_grace_seconds = 600.0  # type: ignore[attr-defined]
                code, output = await finished(publisher)
                assert code == 0, output
                interrupted = await next_frame(viewer, "show.state", status="interrupted")
                assert interrupted["grace_seconds"] == 600.0
                assert await status(client, room) == "interrupted"
                stream = await ok(
                    client, "GET", f"/api/v1/shows/{show_id}/stream", headers=room["headers"]
                )
                assert stream["state"] == "interrupted"
                media_server.settings.media_grace_seconds = 4.0  # type: ignore[attr-defined]
                await next_frame(viewer, "show.state", status="ended")
                assert await status(client, room) == "ended"

            # the replay: finalised playlists, still served after the end
            for name in ("720p", "480p"):
                replay = await client.get(f"/media/shows/{show_id}/{name}/index.m3u8")
                assert replay.status_code == 200
                assert replay.text.rstrip().endswith(ENDLIST)
            shop = await ok(client, "GET", f"/api/v1/shop/{room['slug']}/shows/{show_id}")
            assert shop["hls_url"] == f"/media/shows/{show_id}/master.m3u8"
            stream = await ok(
                client, "GET", f"/api/v1/shows/{show_id}/stream", headers=room["headers"]
            )
            assert stream["state"] == "ended"

    run(scenario())


def test_wrong_key_is_refused_and_a_reconnect_within_grace_resumes(
    media_server: LiveServer, tmp_path: Path
) -> None:
    media_server.settings.media_grace_seconds = 30.0  # type: ignore[attr-defined]

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=media_server.url, timeout=30) as client:
            room = await setup_show(client)
            show_id = room["show"]["id"]
            stream = await ok(
                client, "POST", f"/api/v1/shows/{show_id}/stream/open", headers=room["headers"]
            )
            port = int(stream["ingest_url"].rsplit(":", 1)[1].split("/")[0])
            async with connect(ws_url(media_server, room)) as viewer:
                await next_frame(viewer, "hello")
                await wait_listening(port)
                wrong = await publish(f"{stream['ingest_url']}/not-the-key", 4)
                code, _ = await finished(wrong)
                assert code != 0
                assert await status(client, room) == "scheduled"
                assert not (tmp_path / "media" / "shows" / show_id / "master.m3u8").exists()

                url = f"{stream['ingest_url']}/{stream['stream_key']}"
                await wait_listening(port)
                first = await publish(url, 4)
                await next_frame(viewer, "show.state", status="live")
                code, output = await finished(first)
                assert code == 0, output
                await next_frame(viewer, "show.state", status="interrupted")

                await wait_listening(port)
                second = await publish(url, 30)
                resumed = await next_frame(viewer, "show.state", status="live")
                assert resumed["type"] == "show.state"
                assert await status(client, room) == "live"
                playlist = await client.get(f"/media/shows/{show_id}/720p/index.m3u8")
                assert playlist.text.count("#EXT-X-DISCONTINUITY") >= 2  # start + reconnect

                # rotating the key is refused while publishing
                busy = await client.post(
                    f"/api/v1/shows/{show_id}/stream/rotate-key", headers=room["headers"]
                )
                assert busy.status_code == 409
                assert busy.json()["code"] == "stream_publishing"

                # the host ends the show while the encoder still sends: it is cut off
                await ok(
                    client,
                    "POST",
                    f"/api/v1/shows/{show_id}/transition",
                    headers=room["headers"],
                    json={"to": "ended"},
                )
                await next_frame(viewer, "show.state", status="ended")
                code, _ = await finished(second)
                assert code != 0  # the listener went away under it
            for _ in range(100):
                replay = await client.get(f"/media/shows/{show_id}/480p/index.m3u8")
                if replay.text.rstrip().endswith(ENDLIST):
                    break
                await asyncio.sleep(0.1)
            assert replay.text.rstrip().endswith(ENDLIST)
            again = await client.post(
                f"/api/v1/shows/{show_id}/stream/open", headers=room["headers"]
            )
            assert again.status_code == 409
            assert again.json()["code"] == "show_ended"

    run(scenario())


async def push_raw(url: str, seconds: float) -> asyncio.subprocess.Process:
    """A plain ffmpeg publisher, as a host would run it (not the castcart CLI)."""
    return await asyncio.create_subprocess_exec(
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=640x360:rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000",
        "-t",
        str(seconds),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        "50",
        "-c:a",
        "aac",
        "-f",
        "flv",
        url,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def test_a_wrong_key_gets_a_clear_refusal_and_changes_nothing(
    media_server: LiveServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=media_server.url, timeout=30) as client:
            room = await setup_show(client)
            show_id = room["show"]["id"]
            stream = await ok(
                client, "POST", f"/api/v1/shows/{show_id}/stream/open", headers=room["headers"]
            )
            port = int(stream["ingest_url"].rsplit(":", 1)[1].split("/")[0])
            assert port == media_server.settings.media_rtmp_port  # type: ignore[attr-defined]
            await wait_listening(port)
            wrong = await push_raw(f"{stream['ingest_url']}/WRONGKEY", 5)
            _, err = await asyncio.wait_for(wrong.communicate(), 30)  # refused, not a hang
            assert wrong.returncode != 0
            assert "Server error: unknown stream key" in err.decode()
            assert await status(client, room) == "scheduled"
            assert not (tmp_path / "media" / "shows" / show_id).exists()
            stream = await ok(
                client, "GET", f"/api/v1/shows/{show_id}/stream", headers=room["headers"]
            )
            assert stream["state"] == "waiting"
            assert stream["hls_url"] is None
            supervisor = media_server.app.state.ctx.services.get(IngestSupervisor)  # type: ignore[attr-defined]
            assert supervisor.refused == 1
            assert supervisor.publishers == {}

            # the right key on the same port: live
            async with connect(ws_url(media_server, room)) as viewer:
                await next_frame(viewer, "hello")
                right = await push_raw(f"{stream['ingest_url']}/{stream['stream_key']}", 6)
                await next_frame(viewer, "show.state", status="live")
                assert await status(client, room) == "live"
                # a second encoder with the same key while the first publishes: refused
                second = await push_raw(f"{stream['ingest_url']}/{stream['stream_key']}", 3)
                _, err = await asyncio.wait_for(second.communicate(), 30)
                assert second.returncode != 0
                assert "another encoder is publishing" in err.decode()
                _, err = await asyncio.wait_for(right.communicate(), 60)
                assert right.returncode == 0, err.decode()

    run(scenario())


def test_two_shows_stream_at_once_through_the_one_port(
    media_server: LiveServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=media_server.url, timeout=30) as client:
            rooms = [await setup_show(client), await setup_show(client)]
            urls = []
            for room in rooms:
                # no stream/open: the key alone lets the encoder in
                stream = await ok(
                    client,
                    "GET",
                    f"/api/v1/shows/{room['show']['id']}/stream",
                    headers=room["headers"],
                )
                assert stream["state"] == "closed"
                urls.append(f"rtmp://127.0.0.1:{media_server.settings.media_rtmp_port}/live")  # type: ignore[attr-defined]
            await wait_listening(media_server.settings.media_rtmp_port)  # type: ignore[attr-defined]
            async with (
                connect(ws_url(media_server, rooms[0])) as first,
                connect(ws_url(media_server, rooms[1])) as second,
            ):
                await next_frame(first, "hello")
                await next_frame(second, "hello")
                pushes = [
                    await push_raw(f"{url}/{room['show']['stream_key']}", 6)
                    for url, room in zip(urls, rooms, strict=True)
                ]
                await next_frame(first, "show.state", status="live")
                await next_frame(second, "show.state", status="live")
                for push in pushes:
                    _, err = await asyncio.wait_for(push.communicate(), 60)
                    assert push.returncode == 0, err.decode()
                await next_frame(first, "show.state", status="interrupted")
                await next_frame(second, "show.state", status="interrupted")
            sizes = []
            for room in rooms:
                folder = tmp_path / "media" / "shows" / room["show"]["id"]
                segments = sorted((folder / "720p").glob("*.ts"))
                assert segments, f"no segments in {folder}"
                streams = {s["codec_type"]: s for s in probe(segments[0])}
                assert streams["video"]["height"] == 720
                assert streams["audio"]["codec_name"] == "aac"
                sizes.append(len(segments))
                assert (folder / "master.m3u8").exists()
            assert all(size >= 3 for size in sizes), sizes

    run(scenario())
