"""The video HTTP surface without ffmpeg: stream endpoints, nginx-rtmp callbacks (as nginx
sends them: form-encoded), the HLS file route."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from castcart.core.settings import Settings
from castcart.media.models import StreamSession
from castcart.web.app import create_app
from tests.helpers import Api
from tests.media.conftest import media_settings

SECRET = "cb-secret"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return media_settings(tmp_path, media_tap_ports="41000-41001", media_callback_secret=SECRET)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, background_tasks=False)) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


def _callback(client: TestClient, which: str, name: str, secret: str = SECRET) -> Any:
    return client.post(
        f"/api/v1/media/rtmp/{which}?secret={secret}",
        data={"call": which.removeprefix("on_"), "app": "live", "name": name, "addr": "10.0.0.7"},
        follow_redirects=False,
    )


def test_open_gives_every_show_the_one_listener_and_reserves_a_tap_port(
    api: Api, settings: Settings
) -> None:
    store = api.store()
    first, second, third = (api.show(store) for _ in range(3))
    stream = api.ok("GET", f"/api/v1/shows/{first['id']}/stream", headers=store["headers"])
    assert stream == {
        "ingest_url": None,
        "stream_key": first["stream_key"],
        "state": "closed",
        "hls_url": None,
    }
    shared = f"rtmp://127.0.0.1:{settings.media_rtmp_port}/live"
    opened = api.ok("POST", f"/api/v1/shows/{first['id']}/stream/open", headers=store["headers"])
    assert opened["ingest_url"] == shared
    assert opened["state"] == "waiting"
    again = api.ok("POST", f"/api/v1/shows/{first['id']}/stream/open", headers=store["headers"])
    assert again["ingest_url"] == opened["ingest_url"]
    other = api.ok("POST", f"/api/v1/shows/{second['id']}/stream/open", headers=store["headers"])
    assert other["ingest_url"] == shared  # the same server URL, the key picks the show
    assert other["stream_key"] != opened["stream_key"]
    # each open show holds one audio tap port (41000-41001 here): a third one waits
    full = api.client.post(f"/api/v1/shows/{third['id']}/stream/open", headers=store["headers"])
    assert full.status_code == 409
    assert full.json()["code"] == "ingest_ports_exhausted"
    closed = api.ok("POST", f"/api/v1/shows/{first['id']}/stream/close", headers=store["headers"])
    assert closed["state"] == "closed"
    assert closed["ingest_url"] is None
    reused = api.ok("POST", f"/api/v1/shows/{third['id']}/stream/open", headers=store["headers"])
    assert reused["ingest_url"] == shared


def test_the_public_url_setting_is_what_hosts_see(tmp_path: Path) -> None:
    settings = media_settings(
        tmp_path,
        media_rtmp_bind="0.0.0.0",  # noqa: S104 - encoders on other machines
        media_rtmp_public_url="rtmp://live.example.com:1935/live/",
    )
    with TestClient(create_app(settings, background_tasks=False)) as client:
        api = Api(client)
        store = api.store()
        show = api.show(store)
        opened = api.ok("POST", f"/api/v1/shows/{show['id']}/stream/open", headers=store["headers"])
        assert opened["ingest_url"] == "rtmp://live.example.com:1935/live"


def test_stream_endpoints_are_staff_only_and_per_store(api: Api) -> None:
    store, other = api.store(), api.store()
    show = api.show(store)
    shopper = api.shopper(store)
    url = f"/api/v1/shows/{show['id']}/stream"
    assert api.client.get(url).status_code == 401
    assert api.client.get(url, headers=shopper["headers"]).status_code == 401
    assert api.client.get(url, headers=other["headers"]).status_code == 404
    assert api.client.post(f"{url}/open", headers=other["headers"]).status_code == 404


def test_rotate_key_gives_a_new_key_and_the_old_one_is_refused(
    api: Api, client: TestClient
) -> None:
    store = api.store()
    show = api.show(store)
    rotated = api.ok(
        "POST", f"/api/v1/shows/{show['id']}/stream/rotate-key", headers=store["headers"]
    )
    assert rotated["stream_key"] != show["stream_key"]
    assert len(rotated["stream_key"]) < 64
    assert _callback(client, "on_publish", show["stream_key"]).status_code == 403
    assert _callback(client, "on_publish", rotated["stream_key"]).status_code == 302


def test_callbacks_drive_the_show_like_nginx_would(api: Api, client: TestClient) -> None:
    store = api.store()
    show = api.show(store)
    key, show_id = show["stream_key"], show["id"]

    accepted = _callback(client, "on_publish", key)
    assert accepted.status_code == 302
    assert accepted.headers["location"] == show_id  # nginx renames the stream to the show id
    detail = api.ok("GET", f"/api/v1/shows/{show_id}", headers=store["headers"])
    assert detail["show"]["status"] == "live"
    assert detail["hls_url"] == f"/media/shows/{show_id}/master.m3u8"
    stream = api.ok("GET", f"/api/v1/shows/{show_id}/stream", headers=store["headers"])
    assert stream["state"] == "publishing"

    second = _callback(client, "on_publish", key)
    assert second.status_code == 403
    assert second.json()["code"] == "already_publishing"

    assert _callback(client, "on_publish_done", key).status_code == 204
    detail = api.ok("GET", f"/api/v1/shows/{show_id}", headers=store["headers"])
    assert detail["show"]["status"] == "interrupted"
    started_at = detail["show"]["started_at"]

    assert _callback(client, "on_publish", key).status_code == 302  # reconnect: live again
    detail = api.ok("GET", f"/api/v1/shows/{show_id}", headers=store["headers"])
    assert detail["show"]["status"] == "live"
    assert detail["show"]["started_at"] == started_at  # a resume, not a new start

    api.ok(
        "POST",
        f"/api/v1/shows/{show_id}/transition",
        headers=store["headers"],
        json={"to": "ended"},
    )
    assert _callback(client, "on_publish_done", show_id).status_code == 204  # renamed name
    refused = _callback(client, "on_publish", key)
    assert refused.status_code == 403
    assert refused.json()["code"] == "show_ended"
    shop = api.ok("GET", f"/api/v1/shop/{store['store']['slug']}/shows/{show_id}")
    assert shop["hls_url"] == f"/media/shows/{show_id}/master.m3u8"  # the replay


def test_callbacks_refuse_a_wrong_secret_an_unknown_key_and_bad_forms(
    api: Api, client: TestClient
) -> None:
    store = api.store()
    show = api.show(store)
    wrong = _callback(client, "on_publish", show["stream_key"], secret="nope")
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "bad_callback_secret"
    unknown = _callback(client, "on_publish", "not-a-key")
    assert unknown.status_code == 403
    assert unknown.json()["code"] == "unknown_stream_key"
    missing = client.post(f"/api/v1/media/rtmp/on_publish?secret={SECRET}", data={"app": "live"})
    assert missing.status_code == 422
    assert client.post("/api/v1/media/rtmp/on_publish", data={"name": "x"}).status_code == 422
    done = _callback(client, "on_publish_done", "not-a-key")
    assert done.status_code == 404
    status = api.ok("GET", f"/api/v1/shows/{show['id']}", headers=store["headers"])
    assert status["show"]["status"] == "scheduled"  # nothing half-written


def test_media_files_are_served_with_hls_types_and_no_traversal(
    client: TestClient, settings: Settings
) -> None:
    show = settings.effective_media_dir / "shows" / "abc123"
    (show / "720p").mkdir(parents=True)
    (show / "master.m3u8").write_text("#EXTM3U\n720p/index.m3u8\n")
    (show / "720p" / "index.m3u8").write_text("#EXTM3U\n#EXTINF:2,\nseg_00000.ts\n")
    (show / "720p" / "seg_00000.ts").write_bytes(b"\x47" * 188)
    (settings.effective_media_dir / "secret.m3u8").write_text("no")

    master = client.get("/media/shows/abc123/master.m3u8")
    assert master.status_code == 200
    assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert master.headers["cache-control"] == "no-cache"
    segment = client.get("/media/shows/abc123/720p/seg_00000.ts")
    assert segment.headers["content-type"] == "video/mp2t"
    assert "immutable" in segment.headers["cache-control"]
    assert client.head("/media/shows/abc123/720p/index.m3u8").status_code == 200
    for bad in (
        "/media/shows/abc123/../secret.m3u8",
        "/media/shows/abc123/%2e%2e/secret.m3u8",
        "/media/shows/abc123/..%2fsecret.m3u8",
        "/media/shows/abc123/720p/missing.ts",
        "/media/shows/abc123/castcart.db",
        "/media/shows/..%2f..%2fcastcart.db/x.m3u8",
    ):
        response = client.get(bad)
        assert response.status_code == 404, bad


def test_a_playlist_growing_while_served_keeps_its_content_length(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ffmpeg appends to a live playlist at any time: here after every stat of it, so a
    response that takes its length from a stat and then reads the file sends too much."""
    show = settings.effective_media_dir / "shows" / "grow01"
    (show / "720p").mkdir(parents=True)
    playlist = show / "720p" / "index.m3u8"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:2\n")
    real_stat = os.stat
    names = {str(playlist), str(playlist.resolve())}

    def stat_then_ffmpeg_writes(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)
        if isinstance(path, str | Path) and str(path) in names:
            with open(str(playlist), "a", encoding="utf-8") as f:
                f.write("#EXTINF:2.0,\nseg_00001.ts\n")
        return result

    monkeypatch.setattr(os, "stat", stat_then_ffmpeg_writes)
    response = client.get("/media/shows/grow01/720p/index.m3u8")
    monkeypatch.undo()
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content.startswith(b"#EXTM3U\n")
    assert response.content.endswith(b"seg_00001.ts\n")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"] == "application/vnd.apple.mpegurl"


def test_heartbeat_keeps_the_encoder_until_the_host_ends_the_show(
    api: Api, client: TestClient
) -> None:
    store = api.store()
    show = api.show(store)
    assert _callback(client, "on_update", show["stream_key"]).status_code == 403  # no stream
    assert _callback(client, "on_publish", show["stream_key"]).status_code == 302
    assert _callback(client, "on_update", show["stream_key"]).status_code == 204
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/transition",
        headers=store["headers"],
        json={"to": "ended"},
    )
    dropped = _callback(client, "on_update", show["stream_key"])
    assert dropped.status_code == 403  # nginx drops the encoder
    assert dropped.json()["code"] == "stream_not_live"


def test_a_dead_nginx_does_not_block_the_next_publish(api: Api, client: TestClient) -> None:
    store = api.store()
    show = api.show(store)
    assert _callback(client, "on_publish", show["stream_key"]).status_code == 302
    assert _callback(client, "on_publish", show["stream_key"]).status_code == 403
    # nginx died: no on_publish_done, no heartbeat for a minute
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.write() as session:
        session.execute(
            update(StreamSession)
            .where(StreamSession.show_id == show["id"])
            .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert _callback(client, "on_publish", show["stream_key"]).status_code == 302
    with ctx.db.read() as session:
        rows = session.scalars(
            select(StreamSession)
            .where(StreamSession.show_id == show["id"])
            .order_by(StreamSession.started_at)
        ).all()
    assert [r.end_reason for r in rows] == ["stale", None]


def test_which_embedded_publishers_are_let_in(api: Api, client: TestClient) -> None:
    """The embedded listener's decision for a stream key (the RTMP refusal itself is in
    test_rtmp.py and test_embedded_ingest.py): each reason names no key."""
    from castcart.media import service
    from castcart.media.rtmp import PublishRefusedError

    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    store = api.store()
    fresh, closed, ended = (api.show(store) for _ in range(3))

    def accept(key: str) -> service.ListenTarget:
        with ctx.db.write() as session:
            return service.accept_publisher(session, ctx.settings, key)

    def refused(key: str) -> str:
        with pytest.raises(PublishRefusedError) as caught:
            accept(key)
        assert not key or key not in caught.value.description
        return caught.value.code

    # a show nobody opened: let in, its ingest opened on the way (a tap port reserved)
    target = accept(fresh["stream_key"])
    assert target.show_id == fresh["id"]
    assert target.port in (41000, 41001)
    stream = api.ok("GET", f"/api/v1/shows/{fresh['id']}/stream", headers=store["headers"])
    assert stream["state"] == "waiting"

    assert refused("not-a-key") == "unknown_stream_key"
    assert refused("") == "unknown_stream_key"
    api.ok("POST", f"/api/v1/shows/{closed['id']}/stream/open", headers=store["headers"])
    api.ok("POST", f"/api/v1/shows/{closed['id']}/stream/close", headers=store["headers"])
    assert refused(closed["stream_key"]) == "ingest_closed"
    api.ok(
        "POST",
        f"/api/v1/shows/{ended['id']}/transition",
        headers=store["headers"],
        json={"to": "ended"},
    )
    assert refused(ended["stream_key"]) == "show_ended"
    # an encoder already publishing (here through nginx's callback) keeps the show
    assert _callback(client, "on_publish", fresh["stream_key"]).status_code == 302
    assert refused(fresh["stream_key"]) == "already_publishing"
