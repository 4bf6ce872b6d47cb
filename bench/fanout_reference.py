"""The reference for ``bench/fanout.py``: a minimal chat broadcast server written with the
plain ``websockets`` library, one room, no auth, no limits, no per-connection queue.

    .venv/bin/python bench/fanout_reference.py PORT

Every client gets ``{"type":"hello"}`` on connect (so the benchmark client knows it is in the
room, as with castcart's ``hello``); every text frame received is turned into
``{"type":"chat.message","text":...}``, encoded once and pushed to every connected client with
``websockets.broadcast`` (no per-connection queue, no backpressure, nothing dropped).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

CLIENTS: set[ServerConnection] = set()
SEQ = itertools.count(1)
HELLO = json.dumps({"type": "hello", "v": 1, "seq": 0}, separators=(",", ":"))


async def handler(websocket: ServerConnection) -> None:
    CLIENTS.add(websocket)
    try:
        await websocket.send(HELLO)
        async for raw in websocket:
            if not isinstance(raw, str):
                continue
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(message, dict) or not isinstance(message.get("text"), str):
                continue
            frame = json.dumps(
                {"type": "chat.message", "v": 1, "seq": next(SEQ), "text": message["text"]},
                separators=(",", ":"),
                ensure_ascii=False,
            )
            broadcast(CLIENTS, frame)
    except ConnectionClosed:
        pass  # the benchmark client aborts its sockets at the end
    finally:
        CLIENTS.discard(websocket)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, backlog=4096, max_queue=64):
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
