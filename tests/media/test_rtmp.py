"""The embedded RTMP server: the pure parts (AMF0, chunks, FLV, names) and the server itself
against a real ffmpeg publisher, without the app."""

from __future__ import annotations

import asyncio
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from castcart.media import rtmp
from castcart.media.rtmp import (
    UNDEFINED,
    ChunkReader,
    Message,
    PublishRefusedError,
    PublishRequest,
    RtmpServer,
    amf_decode,
    amf_encode,
    app_name,
    encode_chunks,
    flv_tag,
    metadata_payload,
    stream_name,
)
from castcart.media.service import embedded_ingest_url
from tests.media.conftest import media_settings, need

# -- pure parts ----------------------------------------------------------------------------


def test_amf0_round_trip() -> None:
    values = ["publish", 5.0, None, "key", {"a": 1.0, "b": True, "c": "x", "d": [1.0, "y"]}]
    assert amf_decode(amf_encode(*values)) == values
    assert amf_encode(UNDEFINED) == b"\x06"
    # an ECMA array (what encoders send as onMetaData) decodes like an object
    ecma = b"\x08\x00\x00\x00\x01" + b"\x00\x05width" + amf_encode(1280) + b"\x00\x00\x09"
    assert amf_decode(ecma) == [{"width": 1280.0}]
    with pytest.raises(rtmp.ProtocolError):
        amf_decode(b"\x02\x00\x09ab")  # a string shorter than its length
    with pytest.raises(rtmp.ProtocolError):
        amf_decode(b"\x11")  # AMF3 switch inside AMF0


def _messages(data: bytes, count: int) -> list[Message]:
    async def read() -> list[Message]:
        stream = asyncio.StreamReader()
        stream.feed_data(data)
        stream.feed_eof()
        reader = ChunkReader(stream)
        return [await reader.message() for _ in range(count)]

    return asyncio.run(read())


def test_chunks_reassemble_split_and_interleaved_messages() -> None:
    video = Message(rtmp.VIDEO, 1, 40, bytes(range(256)) * 2)  # 512 bytes: 4 chunks of 128
    audio = Message(rtmp.AUDIO, 1, 0x1000000, b"\xaf\x01" + b"a" * 200)  # extended timestamp
    a, b = encode_chunks(6, video, 128), encode_chunks(4, audio, 128)
    # interleave: the first chunk of the video, all of the audio, the rest of the video
    first_video = 1 + 11 + 128
    data = a[:first_video] + b + a[first_video:]
    got = _messages(data, 2)
    assert got == [audio, video]


def test_chunk_headers_carry_deltas_between_messages() -> None:
    first = encode_chunks(4, Message(rtmp.AUDIO, 1, 100, b"x" * 10), 128)
    # type 1 (same stream, delta 23, new length/type), then type 3 (repeat the delta)
    second = bytes((0x40 | 4,)) + (23).to_bytes(3, "big") + (5).to_bytes(3, "big") + b"\x08"
    second += b"y" * 5
    third = bytes((0xC0 | 4,)) + b"z" * 5
    got = _messages(first + second + third, 3)
    assert [(m.timestamp, m.payload) for m in got] == [
        (100, b"x" * 10),
        (123, b"y" * 5),
        (146, b"z" * 5),
    ]


def test_a_chunk_stream_must_start_with_a_full_header() -> None:
    with pytest.raises(rtmp.ProtocolError):
        _messages(bytes((0xC0 | 5,)) + b"x", 1)


def test_flv_tags_and_metadata() -> None:
    tag = flv_tag(rtmp.VIDEO, 0x01020304, b"abc")
    assert tag[0] == 9
    assert tag[1:4] == (3).to_bytes(3, "big")
    assert tag[4:7] == bytes((2, 3, 4))  # the lower 24 bits of the timestamp...
    assert tag[7] == 1  # ...then its high byte
    assert tag[11:14] == b"abc"
    assert struct.unpack(">I", tag[-4:])[0] == 11 + 3
    meta = amf_encode("@setDataFrame", "onMetaData", {"width": 1280.0})
    assert amf_decode(metadata_payload(meta) or b"") == ["onMetaData", {"width": 1280.0}]
    assert metadata_payload(amf_encode("onCuePoint", {})) is None


def test_names() -> None:
    assert app_name("live") == app_name("live/") == app_name("live?x=1") == "live"
    assert app_name(None) == ""
    assert stream_name("KEY?obs=1") == "KEY"
    assert stream_name(3) == ""


def test_ingest_url_for_hosts(tmp_path: Path) -> None:
    local = media_settings(tmp_path, media_rtmp_port=1935)
    assert embedded_ingest_url(local) == "rtmp://127.0.0.1:1935/live"
    assert embedded_ingest_url(local, 40001) == "rtmp://127.0.0.1:40001/live"
    anywhere = media_settings(tmp_path, media_rtmp_bind="0.0.0.0", media_rtmp_port=1935)  # noqa: S104
    assert embedded_ingest_url(anywhere) == "rtmp://127.0.0.1:1935/live"
    public = media_settings(tmp_path, media_rtmp_public_url="rtmp://live.example.com/live/")
    assert embedded_ingest_url(public) == "rtmp://live.example.com/live"


# -- the server against a real publisher -----------------------------------------------------


class MemorySink:
    def __init__(self) -> None:
        self.data = bytearray()
        self.closed: str | None = None

    async def write(self, data: bytes) -> None:
        self.data += data

    async def close(self, reason: str) -> None:
        self.closed = reason


def _push(ffmpeg: str, url: str, seconds: float) -> list[str]:
    return [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=25",
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
    ]


def test_one_socket_accepts_the_right_key_and_refuses_others(
    ffmpeg: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sinks: dict[str, MemorySink] = {}
    requests: list[tuple[str, str]] = []

    async def on_publish(request: PublishRequest) -> MemorySink:
        requests.append((request.app, request.key))
        if request.key not in ("key-one", "key-two"):
            raise PublishRefusedError("unknown_stream_key", "unknown stream key")
        sinks[request.key] = MemorySink()
        return sinks[request.key]

    async def scenario() -> dict[str, tuple[int, str]]:
        server = RtmpServer("127.0.0.1", 0, on_publish)
        await server.start()
        base = f"rtmp://127.0.0.1:{server.bound_port}"
        results: dict[str, tuple[int, str]] = {}

        async def push(name: str, url: str, seconds: float) -> None:
            process = await asyncio.create_subprocess_exec(
                *_push(ffmpeg, url, seconds), stderr=asyncio.subprocess.PIPE
            )
            _, err = await asyncio.wait_for(process.communicate(), 60)
            results[name] = (process.returncode or 0, err.decode("utf-8", "replace"))

        try:
            # two publishers at once through the same port, plus a wrong key and a wrong app
            await asyncio.gather(
                push("one", f"{base}/live/key-one", 3),
                push("two", f"{base}/live/key-two", 3),
                push("wrong", f"{base}/live/WRONGKEY", 3),
                push("app", f"{base}/other/key-one", 3),
            )
        finally:
            await server.stop()
        return results

    with caplog.at_level("INFO", logger="castcart.media.rtmp"):
        results = asyncio.run(asyncio.wait_for(scenario(), 120))
    assert results["one"][0] == 0, results["one"][1]
    assert results["two"][0] == 0, results["two"][1]
    code, err = results["wrong"]
    assert code != 0
    assert "Server error: unknown stream key" in err
    code, err = results["app"]
    assert code != 0
    assert "unknown application" in err
    assert ("live", "WRONGKEY") in requests
    assert ("other", "key-one") not in requests  # refused at connect, before publish
    assert set(sinks) == {"key-one", "key-two"}
    assert "WRONGKEY" not in caplog.text  # the log names the reason, never the key
    assert "unknown_stream_key" in caplog.text
    for key, sink in sinks.items():
        assert sink.closed == "disconnected"
        flv = tmp_path / f"{key}.flv"
        flv.write_bytes(bytes(sink.data))
        assert sink.data.startswith(b"FLV\x01")
        streams = subprocess.run(
            [ffmpeg, "-v", "error", "-xerror", "-i", str(flv), "-f", "null", "-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert streams.returncode == 0, streams.stderr
        probed = subprocess.run(
            [  # noqa: S607 - the system ffprobe
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name:format=duration",
                "-of",
                "default=nw=1",
                str(flv),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
        assert "codec_name=h264" in probed
        assert "codec_name=aac" in probed
        duration = float(probed.split("duration=")[1].split()[0])
        assert 2.5 <= duration <= 3.5


def test_a_client_that_is_not_rtmp_is_dropped() -> None:
    async def on_publish(request: PublishRequest) -> Any:
        raise AssertionError("never reached")

    async def scenario() -> bytes:
        server = RtmpServer("127.0.0.1", 0, on_publish)
        await server.start()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.bound_port)
            writer.write(b"GET / HTTP/1.1\r\n\r\n" + b"x" * 2000)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), 10)  # the server closes
            writer.close()
            return data
        finally:
            await server.stop()

    assert asyncio.run(scenario()) == b""


def test_clients_beyond_the_limit_are_dropped_at_once() -> None:
    async def on_publish(request: PublishRequest) -> Any:
        raise AssertionError("never reached")

    async def scenario() -> tuple[bytes, bool]:
        server = RtmpServer("127.0.0.1", 0, on_publish, max_clients=1)
        await server.start()
        try:
            _, first = await asyncio.open_connection("127.0.0.1", server.bound_port)
            for _ in range(100):
                if server.connections:
                    break
                await asyncio.sleep(0.02)
            reader, second = await asyncio.open_connection("127.0.0.1", server.bound_port)
            try:
                dropped = await asyncio.wait_for(reader.read(), 5)  # well before the 10 s
            except ConnectionResetError:
                dropped = b""
            still_there = len(server.connections) == 1
            first.close()
            second.close()
            return dropped, still_there
        finally:
            await server.stop()

    dropped, still_there = asyncio.run(scenario())
    assert dropped == b""
    assert still_there  # the first client (mid-handshake) was not touched


# -- librtmp, the RTMP client inside OBS ---------------------------------------------------


def _librtmp() -> Any:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("rtmp")
    if name is None:
        need("librtmp", "apt-get install librtmp1")
    lib = ctypes.CDLL(name)
    lib.RTMP_Alloc.restype = ctypes.c_void_p
    lib.RTMP_Init.argtypes = [ctypes.c_void_p]
    lib.RTMP_SetupURL.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.RTMP_EnableWrite.argtypes = [ctypes.c_void_p]
    lib.RTMP_Connect.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.RTMP_ConnectStream.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.RTMP_Write.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.RTMP_Close.argtypes = [ctypes.c_void_p]
    lib.RTMP_Free.argtypes = [ctypes.c_void_p]
    lib.RTMP_LogSetLevel(0)  # critical only
    return lib


def _librtmp_publish(lib: Any, url: str, flv: bytes) -> str:
    """Publish an FLV file the way OBS does (librtmp: handshake, connect, publish, write)."""
    handle = lib.RTMP_Alloc()
    lib.RTMP_Init(handle)
    url_buffer = url.encode()  # librtmp keeps pointers into it: alive until the end
    try:
        if not lib.RTMP_SetupURL(handle, url_buffer):
            return "setup"
        lib.RTMP_EnableWrite(handle)
        if not lib.RTMP_Connect(handle, None):
            return "connect"
        if not lib.RTMP_ConnectStream(handle, 0):
            return "refused"
        step = 64 * 1024
        for start in range(0, len(flv), step):
            block = flv[start : start + step]
            if lib.RTMP_Write(handle, block, len(block)) <= 0:
                return "write"
        return "published"
    finally:
        lib.RTMP_Close(handle)
        lib.RTMP_Free(handle)


def test_librtmp_publishes_like_obs_and_is_refused_with_a_wrong_key(
    ffmpeg: str, tmp_path: Path
) -> None:
    lib = _librtmp()
    clip = tmp_path / "clip.flv"
    subprocess.run(
        [*_push(ffmpeg, str(clip), 2)[:-1], str(clip)],  # the same stream into a file
        check=True,
        capture_output=True,
        timeout=60,
    )
    flv = clip.read_bytes()
    sinks: list[MemorySink] = []

    async def on_publish(request: PublishRequest) -> MemorySink:
        if request.key != "obs-key":
            raise PublishRefusedError("unknown_stream_key", "unknown stream key")
        sinks.append(MemorySink())
        return sinks[-1]

    async def scenario() -> tuple[str, str]:
        server = RtmpServer("127.0.0.1", 0, on_publish)
        await server.start()
        base = f"rtmp://127.0.0.1:{server.bound_port}/live"
        try:
            wrong = await asyncio.to_thread(_librtmp_publish, lib, f"{base}/WRONG", flv)
            right = await asyncio.to_thread(_librtmp_publish, lib, f"{base}/obs-key", flv)
            for _ in range(100):  # the server sees librtmp's close
                if sinks and sinks[0].closed:
                    break
                await asyncio.sleep(0.05)
        finally:
            await server.stop()
        return wrong, right

    wrong, right = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert wrong == "refused"
    assert right == "published"
    assert len(sinks) == 1
    relayed = tmp_path / "relayed.flv"
    relayed.write_bytes(bytes(sinks[0].data))
    decoded = subprocess.run(
        [ffmpeg, "-v", "error", "-xerror", "-i", str(relayed), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert decoded.returncode == 0, decoded.stderr
    probed = subprocess.run(
        [  # noqa: S607 - the system ffprobe
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-show_entries",
            "stream=codec_name,nb_read_frames",
            "-of",
            "default=nw=1",
            str(relayed),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "codec_name=h264" in probed
    assert "nb_read_frames=50" in probed  # 2 s at 25 fps: every video frame arrived
