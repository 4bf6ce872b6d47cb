"""A small RTMP server for publishers (OBS, ffmpeg, any librtmp encoder): one listening
socket for every show, the stream key of the ``publish`` command selecting the show.

It speaks only what a publisher needs: the plain handshake, the chunk stream (both
directions), AMF0 commands (``connect``, ``releaseStream``/``FCPublish``, ``createStream``,
``publish``, ``FCUnpublish``/``deleteStream``), acknowledgements, and it re-muxes the audio,
video and ``@setDataFrame`` metadata messages into an FLV byte stream that a transcoder reads
from a pipe. It never plays streams out and never decodes media.

A refused publisher gets ``onStatus`` ``NetStream.Publish.BadName`` at level ``error`` (ffmpeg
prints "Server error: <description>" and exits non-zero; OBS reports a failed connection)
and the connection is closed before a single media message is read. See docs/video.md."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

APP = "live"
HANDSHAKE_SIZE = 1536
DEFAULT_CHUNK_SIZE = 128
OUT_CHUNK_SIZE = 4096
WINDOW_ACK_SIZE = 5_000_000
MAX_MESSAGE = 16 << 20  # a larger message is a broken or hostile client
MAX_CHUNK_SIZE = 1 << 24
HANDSHAKE_TIMEOUT_S = 10.0
COMMAND_TIMEOUT_S = 15.0  # from the handshake to ``publish``
IDLE_TIMEOUT_S = 15.0  # a publisher that sends nothing this long is gone
MAX_CLIENTS = 64  # connections at once (handshaking, negotiating or publishing)

# message types
SET_CHUNK_SIZE, ABORT, ACK, USER_CONTROL, WINDOW_ACK, PEER_BANDWIDTH = 1, 2, 3, 4, 5, 6
AUDIO, VIDEO, DATA_AMF3, COMMAND_AMF3, DATA_AMF0, COMMAND_AMF0 = 8, 9, 15, 17, 18, 20

FLV_HEADER = b"FLV\x01\x05\x00\x00\x00\x09" + b"\x00\x00\x00\x00"


class ProtocolError(Exception):
    pass


class PublishRefusedError(Exception):
    """Raised by a publish handler: ``code`` goes in the log, ``description`` to the
    encoder (never the stream key)."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(code)
        self.code = code
        self.description = description


# -- AMF0 ------------------------------------------------------------------------------------


class Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


def amf_encode(*values: Any) -> bytes:
    out = bytearray()
    for value in values:
        _encode_one(out, value)
    return bytes(out)


def _encode_string_body(out: bytearray, text: str) -> None:
    raw = text.encode("utf-8")
    out += struct.pack(">H", len(raw)) + raw


def _encode_one(out: bytearray, value: Any) -> None:
    if value is None:
        out.append(0x05)
    elif value is UNDEFINED:
        out.append(0x06)
    elif isinstance(value, bool):
        out += bytes((0x01, 1 if value else 0))
    elif isinstance(value, int | float):
        out.append(0x00)
        out += struct.pack(">d", float(value))
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        if len(raw) > 0xFFFF:
            out.append(0x0C)
            out += struct.pack(">I", len(raw)) + raw
        else:
            out.append(0x02)
            _encode_string_body(out, value)
    elif isinstance(value, dict):
        out.append(0x03)
        for key, item in value.items():
            _encode_string_body(out, str(key))
            _encode_one(out, item)
        out += b"\x00\x00\x09"
    elif isinstance(value, list | tuple):
        out.append(0x0A)
        out += struct.pack(">I", len(value))
        for item in value:
            _encode_one(out, item)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as AMF0")


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ProtocolError("truncated AMF0 value")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def string_body(self, wide: bool = False) -> str:
        (length,) = struct.unpack(">I" if wide else ">H", self.take(4 if wide else 2))
        return self.take(length).decode("utf-8", "replace")

    def properties(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            key = self.string_body()
            if key == "" and self.data[self.pos : self.pos + 1] == b"\x09":
                self.pos += 1
                return result
            result[key] = self.value()

    def value(self) -> Any:
        marker = self.take(1)[0]
        if marker == 0x00:
            return struct.unpack(">d", self.take(8))[0]
        if marker == 0x01:
            return self.take(1) != b"\x00"
        if marker == 0x02:
            return self.string_body()
        if marker == 0x03:
            return self.properties()
        if marker in (0x05, 0x06):
            return None
        if marker == 0x08:
            self.take(4)  # the count is a hint; the properties end with the end marker
            return self.properties()
        if marker == 0x0A:
            (count,) = struct.unpack(">I", self.take(4))
            return [self.value() for _ in range(count)]
        if marker == 0x0B:
            (millis,) = struct.unpack(">d", self.take(8))
            self.take(2)  # time zone, unused by the format
            return millis
        if marker == 0x0C:
            return self.string_body(wide=True)
        raise ProtocolError(f"unsupported AMF0 marker 0x{marker:02x}")


def amf_decode(data: bytes) -> list[Any]:
    decoder = _Decoder(data)
    values = []
    while decoder.pos < len(data):
        values.append(decoder.value())
    return values


# -- FLV -------------------------------------------------------------------------------------


def flv_tag(kind: int, timestamp: int, payload: bytes) -> bytes:
    """One FLV tag (audio 8, video 9, script 18) plus its trailing PreviousTagSize."""
    size = len(payload)
    ts = timestamp & 0xFFFFFFFF
    header = bytes((kind,)) + size.to_bytes(3, "big")
    header += (ts & 0xFFFFFF).to_bytes(3, "big") + bytes((ts >> 24,)) + b"\x00\x00\x00"
    return header + payload + struct.pack(">I", 11 + size)


def metadata_payload(payload: bytes) -> bytes | None:
    """The FLV script body of an RTMP data message: ``@setDataFrame`` (what encoders send)
    is dropped, leaving ``onMetaData`` and its object; other data messages are skipped."""
    try:
        values = amf_decode(payload)
    except ProtocolError:
        return None
    if values and values[0] == "@setDataFrame":
        values = values[1:]
    if not values or values[0] != "onMetaData":
        return None
    return amf_encode(*values)


# -- names -----------------------------------------------------------------------------------


def app_name(value: Any) -> str:
    """``live``, ``live/`` and ``live?x=y`` all name the app ``live``."""
    text = value if isinstance(value, str) else ""
    return text.split("?", 1)[0].strip("/")


def stream_name(value: Any) -> str:
    """The stream key of a ``publish`` command, without a query string (some encoders
    append one)."""
    text = value if isinstance(value, str) else ""
    return text.split("?", 1)[0]


# -- the chunk stream --------------------------------------------------------------------------


@dataclass
class _InChunkStream:
    timestamp: int = 0
    delta: int = 0
    length: int = 0
    type_id: int = 0
    stream_id: int = 0
    extended: bool = False
    buffer: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True)
class Message:
    type_id: int
    stream_id: int
    timestamp: int
    payload: bytes


class ChunkReader:
    """Reassembles RTMP messages from the interleaved chunks a client sends."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.chunk_size = DEFAULT_CHUNK_SIZE
        self.streams: dict[int, _InChunkStream] = {}
        self.received = 0

    async def _read(self, n: int) -> bytes:
        data = await self.reader.readexactly(n)
        self.received += n
        return data

    async def message(self) -> Message:
        while True:
            message = await self._chunk()
            if message is not None:
                return message

    async def _chunk(self) -> Message | None:
        first = (await self._read(1))[0]
        fmt, csid = first >> 6, first & 0x3F
        if csid == 0:
            csid = 64 + (await self._read(1))[0]
        elif csid == 1:
            low, high = await self._read(2)
            csid = 64 + low + high * 256
        state = self.streams.get(csid)
        if state is None:
            if fmt != 0:
                raise ProtocolError(f"chunk stream {csid} starts without a full header")
            state = self.streams[csid] = _InChunkStream()
        new_message = not state.buffer
        if fmt <= 2:
            header = await self._read((11, 7, 3)[fmt])
            stamp = int.from_bytes(header[0:3], "big")
            state.extended = stamp == 0xFFFFFF
            if fmt <= 1:
                state.length = int.from_bytes(header[3:6], "big")
                state.type_id = header[6]
                if state.length > MAX_MESSAGE:
                    raise ProtocolError(f"message of {state.length} bytes")
            if fmt == 0:
                state.stream_id = int.from_bytes(header[7:11], "little")
            if state.extended:
                stamp = int.from_bytes(await self._read(4), "big")
            if fmt == 0:
                state.timestamp, state.delta = stamp, 0
            else:
                state.delta = stamp
                state.timestamp += stamp
        else:
            if state.extended:
                await self._read(4)  # type 3 repeats the extended timestamp
            if new_message:
                state.timestamp += state.delta
        want = min(self.chunk_size, state.length - len(state.buffer))
        if want > 0:
            state.buffer += await self._read(want)
        if len(state.buffer) < state.length:
            return None
        payload = bytes(state.buffer)
        state.buffer.clear()
        return Message(state.type_id, state.stream_id, state.timestamp & 0xFFFFFFFF, payload)


def encode_chunks(csid: int, message: Message, chunk_size: int) -> bytes:
    """A message as chunks: one type-0 header, then type-3 continuations."""
    out = bytearray()
    stamp = message.timestamp & 0xFFFFFFFF
    extended = stamp >= 0xFFFFFF
    basic = bytes((csid,)) if csid < 64 else bytes((0, csid - 64))
    out += basic
    out += (0xFFFFFF if extended else stamp).to_bytes(3, "big")
    out += len(message.payload).to_bytes(3, "big") + bytes((message.type_id,))
    out += message.stream_id.to_bytes(4, "little")
    if extended:
        out += stamp.to_bytes(4, "big")
    payload = message.payload
    for start in range(0, max(len(payload), 1), chunk_size):
        if start:
            out.append(0xC0 | (basic[0] & 0x3F))
            if len(basic) > 1:
                out += basic[1:]
            if extended:
                out += stamp.to_bytes(4, "big")
        out += payload[start : start + chunk_size]
    return bytes(out)


# -- the server --------------------------------------------------------------------------------


class Sink(Protocol):
    """Where an accepted publisher's FLV goes (the show's transcoder)."""

    async def write(self, data: bytes) -> None: ...

    async def close(self, reason: str) -> None: ...


@dataclass(frozen=True)
class PublishRequest:
    app: str
    key: str
    peer: str
    connection: Connection


PublishHandler = Callable[[PublishRequest], Awaitable[Sink]]


class Connection:
    """One client: handshake, commands, then the media of one published stream."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        on_publish: PublishHandler,
    ) -> None:
        self.reader = ChunkReader(reader)
        self.writer = writer
        self.on_publish = on_publish
        self.out_chunk_size = DEFAULT_CHUNK_SIZE
        self.peer_window = 0
        self.acked = 0
        self.app = ""
        self.sink: Sink | None = None
        self.end_reason = "disconnected"
        self.closing = False
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "?"

    # -- writing

    def send(self, csid: int, type_id: int, payload: bytes, stream_id: int = 0) -> None:
        message = Message(type_id, stream_id, 0, payload)
        self.writer.write(encode_chunks(csid, message, self.out_chunk_size))

    def send_control(self, type_id: int, payload: bytes) -> None:
        self.send(2, type_id, payload)

    def send_command(self, *values: Any, stream_id: int = 0) -> None:
        self.send(3 if stream_id == 0 else 5, COMMAND_AMF0, amf_encode(*values), stream_id)

    def status(self, level: str, code: str, description: str, stream_id: int = 1) -> None:
        info = {"level": level, "code": code, "description": description}
        self.send_command("onStatus", 0, None, info, stream_id=stream_id)

    def abort(self, reason: str) -> None:
        """Cut the publisher off (the show ended, the app stops)."""
        self.end_reason = reason
        self.closing = True
        transport = self.writer.transport
        if not transport.is_closing():
            transport.abort()

    # -- the session

    async def run(self) -> None:
        try:
            await asyncio.wait_for(self.handshake(), HANDSHAKE_TIMEOUT_S)
            await asyncio.wait_for(self.negotiate(), COMMAND_TIMEOUT_S)
            if self.sink is not None:
                await self.relay()
        except PublishRefusedError as refused:
            self.end_reason = refused.code
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as exc:
            if not self.closing:
                self.end_reason = "timeout" if isinstance(exc, TimeoutError) else "disconnected"
        except ProtocolError as exc:
            self.end_reason = "protocol_error"
            log.warning("RTMP client %s: protocol error: %s", self.peer, exc)
        finally:
            if self.sink is not None:
                sink, self.sink = self.sink, None
                await sink.close(self.end_reason)
            with contextlib.suppress(Exception):
                self.writer.close()
                await asyncio.wait_for(self.writer.wait_closed(), 2)

    async def handshake(self) -> None:
        c0c1 = await self.reader.reader.readexactly(1 + HANDSHAKE_SIZE)
        if c0c1[0] != 3:
            raise ProtocolError(f"RTMP version {c0c1[0]}")
        # S1 with a zero version: librtmp (OBS) then uses the plain handshake, ffmpeg does not
        # check a publisher's server digest
        s1 = struct.pack(">II", int(time.monotonic() * 1000) & 0xFFFFFFFF, 0)
        s1 += os.urandom(HANDSHAKE_SIZE - 8)
        self.writer.write(b"\x03" + s1 + c0c1[1:])
        await self.writer.drain()
        await self.reader.reader.readexactly(HANDSHAKE_SIZE)  # C2: the echo of S1

    async def negotiate(self) -> None:
        """Commands until a stream is published (and accepted)."""
        while self.sink is None:
            message = await self.reader.message()
            await self.control(message)
            if message.type_id in (COMMAND_AMF0, COMMAND_AMF3):
                payload = message.payload
                if message.type_id == COMMAND_AMF3 and payload[:1] == b"\x00":
                    payload = payload[1:]
                await self.command(amf_decode(payload), message.stream_id)
            await self.writer.drain()

    async def control(self, message: Message) -> None:
        if message.type_id == SET_CHUNK_SIZE and len(message.payload) >= 4:
            size = struct.unpack(">I", message.payload[:4])[0] & 0x7FFFFFFF
            if not 1 <= size <= MAX_CHUNK_SIZE:
                raise ProtocolError(f"chunk size {size}")
            self.reader.chunk_size = size
        elif message.type_id == ABORT and len(message.payload) >= 4:
            csid = struct.unpack(">I", message.payload[:4])[0]
            if csid in self.reader.streams:
                self.reader.streams[csid].buffer.clear()
        elif message.type_id == WINDOW_ACK and len(message.payload) >= 4:
            self.peer_window = struct.unpack(">I", message.payload[:4])[0]
        self.acknowledge()

    def acknowledge(self) -> None:
        """Acknowledge what was received once per window the peer asked for."""
        window = self.peer_window or WINDOW_ACK_SIZE
        received = self.reader.received
        if received - self.acked >= window:
            self.acked = received
            self.send_control(ACK, struct.pack(">I", received & 0xFFFFFFFF))

    async def command(self, values: list[Any], stream_id: int) -> None:
        if not values or not isinstance(values[0], str):
            return
        name = values[0]
        transaction = values[1] if len(values) > 1 else 0
        if name == "connect":
            params = values[2] if len(values) > 2 and isinstance(values[2], dict) else {}
            self.app = app_name(params.get("app"))
            if self.app != APP:
                log.info("RTMP client %s refused: unknown app", self.peer)
                self.send_command(
                    "_error",
                    transaction,
                    None,
                    {
                        "level": "error",
                        "code": "NetConnection.Connect.Rejected",
                        "description": f"unknown application; publish to /{APP}",
                    },
                )
                await self.writer.drain()
                raise PublishRefusedError("unknown_app", "unknown application")
            self.send_control(WINDOW_ACK, struct.pack(">I", WINDOW_ACK_SIZE))
            self.send_control(PEER_BANDWIDTH, struct.pack(">IB", WINDOW_ACK_SIZE, 2))
            self.send_control(SET_CHUNK_SIZE, struct.pack(">I", OUT_CHUNK_SIZE))
            self.out_chunk_size = OUT_CHUNK_SIZE
            self.send_command(
                "_result",
                transaction,
                {"fmsVer": "FMS/3,0,1,123", "capabilities": 31},
                {
                    "level": "status",
                    "code": "NetConnection.Connect.Success",
                    "description": "Connection succeeded.",
                    "objectEncoding": 0,
                },
            )
        elif name == "createStream":
            self.send_command("_result", transaction, None, 1)
        elif name == "publish":
            await self.publish(values, stream_id or 1)
        elif name in ("FCUnpublish", "deleteStream", "closeStream"):
            raise ConnectionResetError("the publisher left before publishing")
        # releaseStream, FCPublish, _checkbw, ...: nothing to answer for a publisher

    async def publish(self, values: list[Any], stream_id: int) -> None:
        key = stream_name(values[3] if len(values) > 3 else None)
        request = PublishRequest(app=self.app, key=key, peer=self.peer, connection=self)
        try:
            sink = await self.on_publish(request)
        except PublishRefusedError as refused:
            log.info("RTMP publisher %s refused: %s", self.peer, refused.code)
            self.status("error", "NetStream.Publish.BadName", refused.description, stream_id)
            await self.writer.drain()
            raise
        self.sink = sink
        self.send_control(USER_CONTROL, struct.pack(">HI", 0, stream_id))  # StreamBegin
        self.status("status", "NetStream.Publish.Start", "Publishing.", stream_id)
        await sink.write(FLV_HEADER)

    async def relay(self) -> None:
        """Media until the publisher leaves: audio, video and metadata become FLV tags."""
        while self.sink is not None:
            message = await asyncio.wait_for(self.reader.message(), IDLE_TIMEOUT_S)
            if message.type_id in (AUDIO, VIDEO):
                if message.payload:
                    tag = flv_tag(message.type_id, message.timestamp, message.payload)
                    await self.sink.write(tag)
            elif message.type_id == DATA_AMF0:
                body = metadata_payload(message.payload)
                if body is not None:
                    await self.sink.write(flv_tag(DATA_AMF0, 0, body))
            elif message.type_id in (COMMAND_AMF0, COMMAND_AMF3):
                payload = message.payload
                if message.type_id == COMMAND_AMF3 and payload[:1] == b"\x00":
                    payload = payload[1:]
                values = amf_decode(payload)
                if values and values[0] in ("FCUnpublish", "deleteStream", "closeStream"):
                    self.end_reason = "disconnected"
                    return
            else:
                await self.control(message)
                continue
            self.acknowledge()
            if self.writer.transport.get_write_buffer_size():
                await self.writer.drain()


class RtmpServer:
    """The listening socket; every client runs as its own task."""

    def __init__(
        self, bind: str, port: int, on_publish: PublishHandler, max_clients: int = MAX_CLIENTS
    ) -> None:
        self.bind = bind
        self.port = port
        self.on_publish = on_publish
        self.max_clients = max_clients
        self.server: asyncio.Server | None = None
        self.connections: set[Connection] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, self.bind, self.port)
        log.info("RTMP ingest listening on %s:%s", self.bind, self.bound_port)

    @property
    def bound_port(self) -> int:
        if self.server is None or not self.server.sockets:
            return self.port
        return int(self.server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.connections) >= self.max_clients:  # a flood of idle sockets stops here
            log.warning("RTMP: %s clients already connected, one more dropped", self.max_clients)
            writer.transport.abort()
            return
        connection = Connection(reader, writer, self.on_publish)
        self.connections.add(connection)
        try:
            await connection.run()
        except Exception:
            log.exception("RTMP client %s failed", connection.peer)
        finally:
            self.connections.discard(connection)

    async def stop(self, reason: str = "app_shutdown") -> None:
        if self.server is not None:
            self.server.close()
        for connection in list(self.connections):
            connection.abort(reason)
        for _ in range(100):
            if not self.connections:
                break
            await asyncio.sleep(0.05)
        if self.server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 5)
