"""uvicorn's WebSocket protocol (websockets, sans-I/O) with a direct send path for the live
channel.

A broadcast reaches thousands of sockets at once. Through ASGI each frame would cost one task
wake per socket and one ``websocket.send`` per socket (Starlette, then uvicorn framing the
same text again for every viewer). This protocol puts a ``FrameSink`` into the connection's
ASGI scope (``scope["extensions"][DIRECT_SEND]["sink"]``): the room writes the frame it
framed once (``realtime.frames.wire``) straight into each socket's transport buffer.

The sink is offered only when no extension (permessage-deflate) was negotiated, and writes
nothing once the close handshake started or the peer is gone; a close the room decides goes
out at once behind the buffered frames (``close_frame``); everything else (handshake,
receive, ping/pong keepalive, the client's close) is uvicorn's, unchanged. An app that ignores the
extension gets plain uvicorn behaviour.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

DIRECT_SEND = "castcart.direct_send"
PROTOCOL = "castcart.web.live_protocol:LiveWebSocketProtocol"  # uvicorn's ``ws`` option


class LiveWebSocketProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # the ASGI task is created but has not run yet: the scope can still be extended
        scope = getattr(self, "scope", None)
        if scope is not None and not self.conn.extensions:
            scope["extensions"][DIRECT_SEND] = {"sink": self}

    def send_frame(self, data: bytes) -> None:
        """Write one framed message; nothing once closing or gone (like ``websocket.send``,
        which refuses after the close and raises once disconnected)."""
        if self.close_sent or self.disconnected or not self.handshake_complete:
            return
        if self.transport.is_closing():
            return
        self.transport.write(data)

    def buffered(self) -> int:
        return int(self.transport.get_write_buffer_size())

    def close_frame(self, code: int, reason: str) -> None:
        """Start the close handshake now, behind what is already buffered: uvicorn's
        ``websocket.close`` would first wait for the buffer to drain, which a stalled viewer
        (the very one the room drops) never does. The same steps as that path otherwise: the
        app's reader gets ``websocket.disconnect``, the transport closes when the peer
        answers or after ``close_timeout`` without reading."""
        if self.close_sent or self.disconnected or not self.handshake_complete:
            return
        if self.transport.is_closing():
            return
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.conn.send_close(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        self.close_timer = self.loop.call_later(
            self.close_timeout, self._close_unless_reading, self.buffered()
        )

    def _close_unless_reading(self, before: int) -> None:
        """The close frame went out behind a full buffer: give the peer ``close_timeout``
        more each time it read some of what came before, then one more once all of it left
        (it may still be in the kernel's buffer). Closing while it still reads would cut it
        off without the close frame (the kernel answers its next bytes with a reset)."""
        now = self.buffered()
        if before and now < before:
            self.close_timer = self.loop.call_later(
                self.close_timeout, self._close_unless_reading, now
            )
            return
        self.close_timer = None
        self.transport.close()
