"""Show analytics on this machine: ingest through the real path and dashboard queries over a
synthetic month.

Ingest: a castcart app (uvicorn in this process, DuckDB in a temporary directory) receives
beacons (500 events each, the most one may carry) from a load generator in a separate
process (aiohttp, ``--conns`` connections, ``--seconds`` long): HTTP -> beacon route (token,
consent) -> the writer's queue -> Arrow batch -> DuckDB. events/s = events in DuckDB when
the writer has drained / time from the first send to drained. Beside it, in the same run, the
same number of events appended straight to a DuckDB file as Arrow batches (the raw insert).

Queries: ``--events`` (10 M) synthetic events of a month (100 shows, 10 events per session,
1 M sessions, 600 k viewers) generated in DuckDB, then every dashboard query on random
shows, ``--runs`` times each: p50 / p95 per query. Beside it: the summary computed row by
row in Python over the same show's rows (what the SQL replaces).

    PYTHONPATH=src .venv/bin/python bench/analytics.py [--seconds 10] [--events 10000000]

Last line: ``RESULT analytics ingest_per_s=N raw_per_s=N ratio=R query_p50_ms=N
query_p95_ms=N events=N`` (the p50/p95 of the slowest dashboard query).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from castcart.analytics.queries import DASHBOARD_QUERIES, render
from castcart.analytics.recorder import Analytics
from castcart.analytics.schema import TABLE, Event
from castcart.analytics.store import DuckDBStore
from castcart.core.ids import new_id
from castcart.core.settings import Settings
from castcart.web.app import create_app

LOADGEN = textwrap.dedent(
    """
    import asyncio, json, sys, time
    import aiohttp

    url, body_file, conns, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    body = open(body_file, "rb").read()
    per = json.loads(body)["events"].__len__()

    async def worker(session, stop, counts):
        while time.monotonic() < stop:
            async with session.post(url, data=body, headers={"Content-Type": "text/plain"}) as r:
                data = await r.json()
                if r.status != 200:
                    counts["errors"] += 1
                counts["accepted"] += data.get("accepted", 0)
                counts["refused"] += data.get("refused", 0)
                counts["posts"] += 1

    async def main():
        counts = {"accepted": 0, "refused": 0, "posts": 0, "errors": 0}
        connector = aiohttp.TCPConnector(limit=conns)
        async with aiohttp.ClientSession(connector=connector) as session:
            t0 = time.monotonic()
            stop = t0 + seconds
            await asyncio.gather(*(worker(session, stop, counts) for _ in range(conns)))
            counts["elapsed"] = time.monotonic() - t0
        print(json.dumps(counts))

    asyncio.run(main())
    """
)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ingest(seconds: float, conns: int, tmp: Path) -> tuple[float, float, int]:
    from tests.conftest import LiveServer  # the suite's uvicorn-in-a-thread server

    settings = Settings(  # type: ignore[call-arg]
        environment="test", data_dir=tmp / "app", guest_sessions_per_address=1000
    )
    app = create_app(settings, background_tasks=False)
    with TestClient(app) as client:
        store = client.post(
            "/api/v1/stores",
            json={
                "slug": "bench-store",
                "name": "Bench",
                "currency": "EUR",
                "country": "DE",
                "owner_email": "owner@bench.example.com",
                "owner_password": "correct horse battery staple",
            },
        ).json()
        headers = {"Authorization": f"Bearer {store['token']}"}
        show = client.post(
            "/api/v1/shows",
            headers=headers,
            json={"title": "Bench", "scheduled_at": "2026-12-01T18:00:00Z"},
        ).json()
        shopper = client.post(
            "/api/v1/shop/bench-store/sessions", json={"locale": "en", "country": "DE"}
        ).json()
        client.post(
            "/api/v1/shop/bench-store/consents",
            headers={"Authorization": f"Bearer {shopper['token']}"},
            json={"purpose": "analytics", "policy_version": "1"},
        )
    now = int(time.time() * 1000)
    body = {
        "session": "bench-session-1",
        "token": shopper["token"],
        "show_id": show["id"],
        "events": [
            {"kind": "product_click", "t": now, "product_id": f"p{n % 20}", "detail": "card"}
            for n in range(500)
        ],
    }
    body_file = tmp / "beacon.json"
    body_file.write_text(json.dumps(body))
    analytics = app.state.ctx.services.get(Analytics)
    assert analytics is not None
    with LiveServer(app) as server:
        url = f"{server.url}/api/v1/shop/bench-store/analytics/beacon"
        warm = httpx.post(url, content=body_file.read_bytes(), timeout=60)  # first-use costs
        assert warm.json()["accepted"] == 500, warm.text
        assert analytics.flush(timeout=60)
        before = analytics.writer.written
        out = subprocess.run(
            [sys.executable, "-c", LOADGEN, url, str(body_file), str(conns), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        ended = time.monotonic()
        assert analytics.flush(timeout=300)
        drain = time.monotonic() - ended  # what the writer still had queued when load stopped
        counts = json.loads(out.stdout)
        written = analytics.writer.written - before
        elapsed = counts["elapsed"] + drain  # the load generator's own clock (not its start-up)
    assert counts["errors"] == 0, counts
    assert counts["refused"] == 0, counts
    assert written == counts["accepted"], (written, counts)
    ingest_per_s = written / elapsed

    # raw: the same number of events, as Arrow batches straight into a DuckDB file
    raw = DuckDBStore(tmp / "raw.duckdb")
    events = [
        Event(
            id=new_id(),
            store_id=store["store"]["id"],
            show_id=show["id"],
            kind="product_click",
            at_ms=now,
            viewer_id=shopper["shopper"]["id"],
            shopper_id=shopper["shopper"]["id"],
            session_id="bench-session-1",
            product_id=f"p{n % 20}",
            detail="card",
        )
        for n in range(written)
    ]
    t0 = time.monotonic()
    for start in range(0, len(events), 20_000):
        raw.insert(events[start : start + 20_000])
    raw_per_s = len(events) / (time.monotonic() - t0)
    raw.close()
    print(
        f"ingest: {written} events in {elapsed:.2f} s through HTTP ({counts['posts']} beacons, "
        f"writer drained {drain:.2f} s after the last; "
        f"{conns} connections): {ingest_per_s:,.0f}/s; raw Arrow insert {raw_per_s:,.0f}/s"
    )
    return ingest_per_s, raw_per_s, written


SYNTH = f"""
INSERT INTO {TABLE} (id, store_id, show_id, kind, at_ms, viewer_id, session_id, shopper_id,
  product_id, order_id, watch_ms, quantity, amount, currency, presentment_amount,
  presentment_currency, country, lang, source)
SELECT
  'e' || i AS id, 'store' AS store_id, 'show' || shw AS show_id, kind,
  1798761600000 + shw * 25920000 + (h % 3600) * 1000 + j * 30000 AS at_ms,
  'v' || (hash(session * 7919) % 600000) AS viewer_id,
  's' || session AS session_id,
  'v' || (hash(session * 7919) % 600000) AS shopper_id,
  CASE WHEN kind IN ('product_click', 'add_to_cart', 'purchase_item')
    THEN 'p' || (shw * 20 + h % 20) END AS product_id,
  CASE WHEN kind IN ('order_paid', 'purchase_item', 'checkout_start') THEN 'o' || session END,
  CASE WHEN kind IN ('heartbeat', 'session_end') THEN 30000 ELSE 0 END AS watch_ms,
  CASE WHEN kind IN ('add_to_cart', 'purchase_item') THEN 1 ELSE 0 END AS quantity,
  CASE WHEN kind IN ('order_paid', 'purchase_item') THEN 1000 + h % 9000 ELSE 0 END AS amount,
  'EUR', CASE WHEN kind = 'order_paid' THEN 1000 + h % 9000 ELSE 0 END, 'EUR',
  CASE WHEN kind = 'session_start' THEN ['DE','FR','US','ID','MY','TH','VN','BR'][h % 8 + 1]
    END AS country,
  CASE WHEN kind = 'session_start' THEN ['en','de','fr','id','es'][h % 5 + 1] END AS lang,
  CASE WHEN kind = 'landing' THEN ['instagram','tiktok','share','direct','ref:google.com',
    'widget:blog.example'][h % 6 + 1] END AS source
FROM (
  SELECT i, i // 10 AS session, i // 10 // 10000 AS shw, i % 10 AS j,
    CAST(hash(i // 10) % 1000000 AS BIGINT) AS h,
    CASE i % 10
      WHEN 0 THEN 'landing' WHEN 1 THEN 'session_start' WHEN 9 THEN 'session_end'
      WHEN 6 THEN 'product_click'
      WHEN 7 THEN CASE WHEN hash(i // 10) % 5 = 0 THEN 'add_to_cart' ELSE 'like' END
      WHEN 8 THEN CASE WHEN hash(i // 10) % 20 = 0 THEN 'checkout_start' ELSE 'chat' END
      WHEN 5 THEN CASE WHEN hash(i // 10) % 40 = 0 THEN 'purchase_item' ELSE 'heartbeat' END
      WHEN 4 THEN CASE WHEN hash(i // 10) % 40 = 0 THEN 'order_paid' ELSE 'heartbeat' END
      ELSE 'heartbeat' END AS kind
  FROM range(?) t(i)
) g
"""  # noqa: S608 - constant SQL, the size is a parameter


def naive_summary(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    viewers: set[str] = set()
    chatters: set[str] = set()
    orders: set[str] = set()
    watch = gmv = clicks = 0
    for kind, viewer, order, watch_ms, amount in rows:
        if kind == "session_start":
            viewers.add(viewer)
        elif kind in ("heartbeat", "session_end"):
            watch += watch_ms
        elif kind == "chat":
            chatters.add(viewer)
        elif kind == "product_click":
            clicks += 1
        elif kind == "order_paid":
            orders.add(order)
            gmv += amount
    return {"viewers": len(viewers), "watch": watch, "orders": len(orders), "gmv": gmv}


def queries(total: int, runs: int, path: Path) -> tuple[str, float, float]:
    """``path``: the month's DuckDB file, generated when it does not exist (``--month``
    keeps one between runs)."""
    fresh = not path.exists()
    store = DuckDBStore(path)
    if fresh:
        t0 = time.monotonic()
        store.execute(SYNTH, [total])
        print(f"synthetic month: {total:,} events generated in {time.monotonic() - t0:.1f} s")
    else:
        (count,) = store.fetch(f"SELECT COUNT(*) AS n FROM {TABLE}")[0].values()  # noqa: S608
        assert count == total, f"{path} holds {count} events, not {total}"
    shows = total // 10 // 10000
    rng = random.Random(13)
    timings: dict[str, list[float]] = {name: [] for name in DASHBOARD_QUERIES}
    for _ in range(runs):
        show = f"show{rng.randrange(max(1, shows))}"
        for name in DASHBOARD_QUERIES:
            sql = render(name, "duckdb", {"store_id": "store", "show_id": show})
            t = time.perf_counter()
            store.fetch(sql)
            timings[name].append((time.perf_counter() - t) * 1000)
    for name, values in timings.items():
        print(
            f"  {name:22s} p50 {statistics.median(values):7.1f} ms  "
            f"p95 {_pct(values, 0.95):7.1f} ms  max {max(values):7.1f} ms"
        )
    slowest = max(timings, key=lambda n: _pct(timings[n], 0.95))
    # the naive way: fetch the show's rows, aggregate row by row in Python
    naive = []
    for _ in range(3):
        show = f"show{rng.randrange(max(1, shows))}"
        t = time.perf_counter()
        rows = store._con.execute(  # noqa: SLF001
            f"SELECT kind, viewer_id, order_id, watch_ms, amount FROM {TABLE} "  # noqa: S608
            "WHERE store_id = 'store' AND show_id = ?",
            [show],
        ).fetchall()
        naive_summary(rows)
        naive.append((time.perf_counter() - t) * 1000)
    print(
        f"  naive Python summary (fetch the show's rows, loop): median "
        f"{statistics.median(naive):.1f} ms vs SQL summary p50 "
        f"{statistics.median(timings['summary']):.1f} ms"
    )
    store.close()
    return slowest, statistics.median(timings[slowest]), _pct(timings[slowest], 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--conns", type=int, default=16)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--month", type=Path, help="keep the synthetic month in this file")
    parser.add_argument("--skip-ingest", action="store_true", help="queries only")
    args = parser.parse_args()
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ingest_per_s, raw_per_s = (
            (0.0, 1.0) if args.skip_ingest else ingest(args.seconds, args.conns, tmp)[:2]
        )
        slowest, p50, p95 = queries(args.events, args.runs, args.month or tmp / "month.duckdb")
    print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
    print(f"slowest dashboard query (p95): {slowest}")
    print(
        f"RESULT analytics ingest_per_s={ingest_per_s:.0f} raw_per_s={raw_per_s:.0f} "
        f"ratio={ingest_per_s / raw_per_s:.3f} query_p50_ms={p50:.1f} query_p95_ms={p95:.1f} "
        f"events={args.events}"
    )


if __name__ == "__main__":
    main()
