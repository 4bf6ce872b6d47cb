"""The pure parts of the video side: state decisions, command lines, playlist paths, the
nginx template."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from castcart.core.errors import ConflictError, InvalidTransitionError
from castcart.core.settings import Settings
from castcart.media import nginx, playlists
from castcart.media.ffmpeg import (
    LADDER,
    parse_ports,
    pattern_stream_command,
    relay_command,
    transcode_command,
)
from castcart.media.state import (
    StreamState,
    grace_expired,
    on_publish,
    on_unpublish,
    stream_state,
)
from castcart.shows.lifecycle import ShowStatus, check_transition, is_on_air

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


# -- state machine --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("live", "interrupted"),
        ("interrupted", "live"),
        ("interrupted", "ended"),
        ("live", "ended"),
        ("scheduled", "live"),
    ],
)
def test_allowed_transitions(source: str, target: str) -> None:
    assert check_transition(source, target) == ShowStatus(target)


@pytest.mark.parametrize(
    ("source", "target"),
    [("scheduled", "interrupted"), ("ended", "live"), ("ended", "interrupted")],
)
def test_refused_transitions(source: str, target: str) -> None:
    with pytest.raises(InvalidTransitionError):
        check_transition(source, target)


def test_an_interrupted_show_is_still_on_air() -> None:
    assert is_on_air("live")
    assert is_on_air("interrupted")
    assert not is_on_air("scheduled")
    assert not is_on_air("ended")


def test_publish_puts_a_scheduled_or_interrupted_show_live() -> None:
    assert on_publish("scheduled", already_publishing=False) is ShowStatus.LIVE
    assert on_publish("interrupted", already_publishing=False) is ShowStatus.LIVE
    assert on_publish("live", already_publishing=False) is None  # host went live first


def test_publish_is_refused_for_an_ended_show_and_a_second_encoder() -> None:
    with pytest.raises(ConflictError) as ended:
        on_publish("ended", already_publishing=False)
    assert ended.value.code == "show_ended"
    with pytest.raises(ConflictError) as second:
        on_publish("live", already_publishing=True)
    assert second.value.code == "already_publishing"


def test_unpublish_interrupts_only_a_live_show() -> None:
    assert on_unpublish("live") is ShowStatus.INTERRUPTED
    assert on_unpublish("scheduled") is None
    assert on_unpublish("ended") is None


def test_grace_period() -> None:
    stopped = NOW - timedelta(seconds=59)
    assert not grace_expired("interrupted", stopped, NOW, 60)
    assert grace_expired("interrupted", stopped, NOW + timedelta(seconds=1), 60)
    assert not grace_expired("live", NOW - timedelta(hours=1), NOW, 60)
    assert grace_expired("interrupted", None, NOW, 60)


def test_stream_state() -> None:
    assert stream_state("scheduled", publishing=False, ingest_ready=False) is StreamState.CLOSED
    assert stream_state("scheduled", publishing=False, ingest_ready=True) is StreamState.WAITING
    assert stream_state("live", publishing=True, ingest_ready=True) is StreamState.PUBLISHING
    assert (
        stream_state("interrupted", publishing=False, ingest_ready=True) is StreamState.INTERRUPTED
    )
    assert stream_state("ended", publishing=True, ingest_ready=True) is StreamState.ENDED


# -- command lines --------------------------------------------------------------------------


def _value(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_transcoder_reads_flv_from_stdin_and_writes_two_aligned_renditions() -> None:
    args = transcode_command(
        "ffmpeg",
        out_dir=Path("/m/shows/s1"),
        audio_tap="udp://127.0.0.1:19350?pkt_size=1316",
        preset="veryfast",
        segment_seconds=2,
    )
    assert "-listen" not in args
    assert _value(args, "-f") == "flv"
    assert _value(args, "-i") == "pipe:0"
    assert _value(args, "-preset") == "veryfast"
    assert _value(args, "-tune") == "zerolatency"
    assert _value(args, "-hls_time") == "2"
    # keyframes forced on segment boundaries in every rendition: segments line up
    assert _value(args, "-force_key_frames") == "expr:gte(t,n_forced*2)"
    assert _value(args, "-sc_threshold") == "0"
    assert _value(args, "-var_stream_map") == "v:0,a:0,name:720p v:1,a:1,name:480p"
    assert _value(args, "-master_pl_name") == "master.m3u8"
    flags = _value(args, "-hls_flags").split("+")
    assert {"append_list", "omit_endlist", "independent_segments"} <= set(flags)
    assert "scale=-2:720" in _value(args, "-filter_complex")
    assert "scale=-2:480" in _value(args, "-filter_complex")
    assert "/m/shows/s1/%v/index.m3u8" in args
    assert args[-1] == "udp://127.0.0.1:19350?pkt_size=1316"
    assert args[-3:-1] == ["-f", "mpegts"]
    no_tap = transcode_command(
        "ffmpeg", out_dir=Path("/x"), audio_tap=None, preset="ultrafast", segment_seconds=1
    )
    assert no_tap[-1] == "/x/%v/index.m3u8"


def test_ladder_has_a_lower_rung_for_slow_networks() -> None:
    assert [r.height for r in LADDER] == [720, 480]
    assert LADDER[1].video_kbps < LADDER[0].video_kbps


def test_relay_reads_the_accepted_stream_with_the_same_ladder() -> None:
    args = relay_command(
        "/usr/bin/ffmpeg",
        input_url="rtmp://127.0.0.1:1935/live/$name",
        out_dir="/m/shows/$name",
        preset="ultrafast",
        segment_seconds=2,
    )
    assert "-listen" not in args
    assert _value(args, "-i") == "rtmp://127.0.0.1:1935/live/$name"
    assert args[-1] == "/m/shows/$name/%v/index.m3u8"


def test_test_pattern_is_realtime_with_a_tone() -> None:
    args = pattern_stream_command("ffmpeg", "rtmp://h:1/live/k", duration=5)
    assert args.count("-re") == 2
    assert any(a.startswith("testsrc2=") for a in args)
    assert any(a.startswith("sine=") for a in args)
    assert _value(args, "-t") == "5"
    assert args[-2:] == ["flv", "rtmp://h:1/live/k"]
    assert "-t" not in pattern_stream_command("ffmpeg", "rtmp://h:1/live/k", duration=None)


def test_ports() -> None:
    assert parse_ports("1935-1937, 1940") == [1935, 1936, 1937, 1940]
    assert parse_ports("5,5,4") == [4, 5]
    for bad in ("x", "10-5", "0", "70000"):
        with pytest.raises(ValueError, match="port range"):
            parse_ports(bad)


# -- playlists ------------------------------------------------------------------------------


def test_hls_url() -> None:
    assert playlists.hls_url("", "s1") == "/media/shows/s1/master.m3u8"
    assert (
        playlists.hls_url("https://cdn.example.com/media/", "s1")
        == "https://cdn.example.com/media/shows/s1/master.m3u8"
    )


def test_media_files_resolve_only_inside_the_show(tmp_path: Path) -> None:
    show = tmp_path / "shows" / "s1"
    (show / "720p").mkdir(parents=True)
    (show / "720p" / "index.m3u8").write_text("#EXTM3U\n")
    (show / "master.m3u8").write_text("#EXTM3U\n")
    (show / ".hidden.ts").write_text("x")
    (tmp_path / "shows" / "s2").mkdir()
    (tmp_path / "shows" / "s2" / "master.m3u8").write_text("#EXTM3U\n")
    (tmp_path / "secret.ts").write_text("x")
    (show / "escape.ts").symlink_to(tmp_path / "secret.ts")

    assert playlists.resolve_media_file(tmp_path, "s1", "master.m3u8") == show / "master.m3u8"
    assert playlists.resolve_media_file(tmp_path, "s1", "720p/index.m3u8") is not None
    for bad in (
        "../s2/master.m3u8",
        "../../secret.ts",
        "720p/../../s2/master.m3u8",
        ".hidden.ts",
        "escape.ts",
        "/etc/passwd",
        "master.m3u8/",
        "castcart.db",
        "",
    ):
        assert playlists.resolve_media_file(tmp_path, "s1", bad) is None, bad
    assert playlists.resolve_media_file(tmp_path, "../s2", "master.m3u8") is None


def test_content_types_and_caching(tmp_path: Path) -> None:
    assert playlists.content_type(Path("a.m3u8")) == "application/vnd.apple.mpegurl"
    assert playlists.content_type(Path("a.ts")) == "video/mp2t"
    assert playlists.content_type(Path("a.vtt")).startswith("text/vtt")
    live = tmp_path / "index.m3u8"
    live.write_text("#EXTM3U\n#EXTINF:2,\nseg_00000.ts\n")
    assert playlists.cache_control(live) == "no-cache"
    live.write_text(live.read_text() + "#EXT-X-ENDLIST\n")
    assert "max-age" in playlists.cache_control(live)
    assert "immutable" in playlists.cache_control(Path("seg_00001.ts"))


def test_finalise_appends_endlist_once(tmp_path: Path) -> None:
    for name in ("720p", "480p"):
        (tmp_path / "shows" / "s1" / name).mkdir(parents=True)
        (tmp_path / "shows" / "s1" / name / "index.m3u8").write_text(
            "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2.0,\nseg_00000.ts"
        )
    assert len(playlists.finalise(tmp_path, "s1")) == 2
    assert playlists.finalise(tmp_path, "s1") == []
    text = (tmp_path / "shows" / "s1" / "480p" / "index.m3u8").read_text()
    assert text.endswith("seg_00000.ts\n#EXT-X-ENDLIST\n")
    assert text.count(playlists.ENDLIST) == 1


def test_segment_count_waits_for_the_master(tmp_path: Path) -> None:
    variant = tmp_path / "shows" / "s1" / "720p"
    variant.mkdir(parents=True)
    (variant / "index.m3u8").write_text("#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n")
    assert playlists.segment_count(tmp_path, "s1") == 0
    (tmp_path / "shows" / "s1" / "master.m3u8").write_text("#EXTM3U\n")
    assert playlists.segment_count(tmp_path, "s1") == 2


def test_master_variants() -> None:
    text = (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=2890800,RESOLUTION=1280x720,CODECS="avc1.42c01f,mp4a.40.2"\n'
        "720p/index.m3u8\n\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=1130800,RESOLUTION=854x480\n480p/index.m3u8\n"
    )
    variants = playlists.master_variants(text)
    assert [v["URI"] for v in variants] == ["720p/index.m3u8", "480p/index.m3u8"]
    assert variants[0]["CODECS"] == "avc1.42c01f,mp4a.40.2"
    assert variants[1]["RESOLUTION"] == "854x480"


# -- nginx template -------------------------------------------------------------------------


def _config(tmp_path: Path, secret: str = "s3cret") -> nginx.NginxConfig:  # noqa: S107
    return nginx.NginxConfig(
        run_dir=tmp_path / "run",
        media_dir=tmp_path / "media",
        rtmp_port=1935,
        http_port=8080,
        app_url="http://127.0.0.1:8000/",
        secret=secret,
        ffmpeg="/usr/bin/ffmpeg",
    )


def test_template_renders_callbacks_and_the_ladder(tmp_path: Path) -> None:
    text = nginx.render(nginx.default_template().read_text(), _config(tmp_path))
    assert "{{" not in text
    assert "on_publish http://127.0.0.1:8000/api/v1/media/rtmp/on_publish?secret=s3cret;" in text
    assert "on_publish_done http://127.0.0.1:8000/api/v1/media/rtmp/on_publish_done?" in text
    exec_line = next(line for line in text.splitlines() if "exec_push" in line)
    # ';' and spaces inside ffmpeg arguments are quoted so nginx keeps one directive
    assert '"v:0,a:0,name:720p v:1,a:1,name:480p"' in exec_line
    assert '"[0:v]split=2[s0][s1];[s0]scale=-2:720,setsar=1[v720p];' in exec_line
    assert exec_line.rstrip().endswith("index.m3u8;")
    assert f"{tmp_path}/media/shows/$name/%v/index.m3u8" in exec_line
    assert "rtmp://127.0.0.1:1935/live/$name" in exec_line
    assert "\nuser " not in text


def test_template_refuses_a_secret_that_would_break_the_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="URL-safe"):
        nginx.render("x", _config(tmp_path, secret="a b;c"))


def test_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        nginx.render("listen {{nope}};", _config(tmp_path))


def test_production_with_nginx_needs_a_callback_secret() -> None:
    strong = "9f3Kq-Zt7Lm2Xw8Rb4Nc6Vd1Hy5Gp0Ja"
    secrets = {"secret_key": strong, "payment_webhook_secret": strong[::-1]}
    Settings(environment="production", **secrets)  # embedded ingest: no callbacks
    with pytest.raises(ValidationError, match="MEDIA_CALLBACK_SECRET"):
        Settings(environment="production", media_ingest="nginx", **secrets)
    Settings(
        environment="production",
        media_ingest="nginx",
        media_callback_secret=strong + "x",
        **secrets,
    )
