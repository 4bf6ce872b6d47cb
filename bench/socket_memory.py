"""Memory per idle live-channel socket, measured inside the server with tracemalloc.

    .venv/bin/python bench/socket_memory.py [--viewers 500] [--runs 3]

A castcart app is served by uvicorn in this process (the same options as ``castcart serve``,
``web/serving.py``); N idle viewers connect from a separate process (so the client's memory
is not counted), and the Python allocations the server holds for them are divided by N.
Measured with permessage-deflate off (the default) and on (the reference, what uvicorn does
by default) in the same run. RSS growth is printed too but is noisy (arenas, the allocator).
The last lines: ``RESULT socket_memory compression=B viewers=N traced_kb_per_conn=K``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def _hold(urls: list[str]) -> None:
    from websockets.asyncio.client import connect

    sockets = [await connect(url, max_queue=4, compression="deflate") for url in urls]
    print("connected", len(sockets), flush=True)
    await asyncio.sleep(3600)


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(viewers: int, compression: bool) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT))
    import httpx

    from castcart.web.app import create_app
    from tests.conftest import LiveServer, make_settings
    from tests.helpers import Api

    tmp = Path(tempfile.mkdtemp())
    settings = make_settings(tmp, f"sqlite:///{tmp / 'db.sqlite'}", live_compression=compression)
    app = create_app(settings, background_tasks=False)
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as http:
        api = Api(http)  # type: ignore[arg-type]  # httpx.Client has TestClient's request()
        store = api.store()
        warehouse = api.warehouse(store)
        show = api.show(store, products=[api.product(store, warehouse=warehouse)], live=True)
        slug = store["store"]["slug"]
        base = server.url.replace("http://", "ws://")
        urls = [
            f"{base}/api/v1/shop/{slug}/shows/{show['id']}/live?token={api.shopper(store)['token']}"
            for _ in range(viewers)
        ]
        (tmp / "urls.json").write_text(json.dumps(urls))
        gc.collect()
        rss_before = _rss_bytes()
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        clients = subprocess.Popen(  # noqa: S603 - this interpreter, this file
            [sys.executable, __file__, "--hold", str(tmp / "urls.json")],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert clients.stdout is not None
            clients.stdout.readline()
            time.sleep(2)
            gc.collect()
            after = tracemalloc.take_snapshot()
            rss_after = _rss_bytes()
        finally:
            clients.kill()
            tracemalloc.stop()
    traced = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return traced / viewers / 1024, (rss_after - rss_before) / viewers / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--viewers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hold", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hold:
        asyncio.run(_hold(json.loads(args.hold.read_text())))
        return
    results: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for run in range(args.runs):
        for compression in (False, True):
            traced, rss = measure(args.viewers, compression)
            results[compression].append((traced, rss))
            load = os.getloadavg()[0]
            print(
                f"run {run + 1} compression={compression}: {traced:.1f} KB traced, "
                f"{rss:.1f} KB RSS per connection (load {load:.2f})",
                flush=True,
            )
    for compression, rows in results.items():
        traced_values = [t for t, _ in rows]
        print(
            f"RESULT socket_memory compression={str(compression).lower()} viewers={args.viewers} "
            f"traced_kb_per_conn={statistics.median(traced_values):.1f} "
            f"min={min(traced_values):.1f} max={max(traced_values):.1f}"
        )


if __name__ == "__main__":
    main()
