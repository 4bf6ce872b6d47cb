"""Flash-sale race: 2,000 concurrent buyers, 100 units of one variant, through the HTTP API
of a real `castcart` server process on loopback, against SQLite and PostgreSQL, next to a
naive read-then-write server measured in the same run.

    .venv/bin/python bench/flash_sale.py [--buyers 2000] [--stock 100]

PostgreSQL is used when CASTCART_TEST_POSTGRES_URL (or --postgres-url) names a server; each
run creates and drops its own database. The last lines are one RESULT line per backend.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "bench password 123"  # noqa: S105 - a throw-away store of the benchmark


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(
    command: list[str], port: int, env: dict[str, str]
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                    ) from None
                time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def _gather_limited(coroutines: list[Any], limit: int) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def run(coro: Any) -> Any:
        async with semaphore:
            return await coro

    return list(await asyncio.gather(*(run(c) for c in coroutines)))


async def seed_castcart(url: str, buyers: int, stock: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        slug = f"bench-{secrets.token_hex(3)}"
        signup = (
            await client.post(
                "/api/v1/stores",
                json={
                    "slug": slug,
                    "name": "Bench",
                    "currency": "EUR",
                    "country": "DE",
                    "owner_email": f"owner@{slug}.example.com",
                    "owner_password": PASSWORD,
                },
            )
        ).json()
        staff = {"Authorization": f"Bearer {signup['token']}"}
        warehouse = (
            await client.post(
                "/api/v1/warehouses",
                headers=staff,
                json={"code": "MAIN", "name": "Main", "country": "DE"},
            )
        ).json()
        product = (
            await client.post(
                "/api/v1/products",
                headers=staff,
                json={
                    "handle": "flash-item",
                    "translations": [{"locale": "en", "title": "Flash item"}],
                    "variants": [{"sku": "FLASH-1", "price_amount": 1999}],
                },
            )
        ).json()
        variant_id = product["variants"][0]["id"]
        await client.put(
            f"/api/v1/variants/{variant_id}/stock/{warehouse['id']}",
            headers=staff,
            json={"quantity": stock},
        )

        async def make_buyer() -> dict[str, str]:
            session = (await client.post(f"/api/v1/shop/{slug}/sessions", json={})).json()
            headers = {"Authorization": f"Bearer {session['token']}"}
            response = await client.post(
                f"/api/v1/shop/{slug}/cart/lines",
                headers=headers,
                json={"variant_id": variant_id, "quantity": 1},
            )
            response.raise_for_status()
            return headers

        tokens = await _gather_limited([make_buyer() for _ in range(buyers)], 32)
        return {"slug": slug, "staff": staff, "buyers": tokens, "product_id": product["id"]}


# Checkout requires a shipping address and an e-mail (the buyers' sessions are German).
CHECKOUT_BODY = {
    "shipping_address": {
        "name": "Bench Buyer",
        "street_address": "Torstr. 1",
        "city": "Berlin",
        "postal_code": "10119",
    },
    "contact_email": "buyer@example.com",
}


async def race(
    url: str, requests: list[tuple[str, dict[str, str]]], connections: int
) -> tuple[list[int], list[float], float]:
    """Fire every request at once behind a start gate; aiohttp keeps the client cheap enough
    that the server, not the load generator, is what gets measured."""
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as client:
        start_gate = asyncio.Event()

        async def one(path: str, headers: dict[str, str]) -> tuple[int, float]:
            await start_gate.wait()
            started = time.perf_counter()
            try:
                async with client.post(path, headers=headers, json=CHECKOUT_BODY) as response:
                    await response.read()
                    status = response.status
            except aiohttp.ClientError:
                status = 599  # a dropped connection counts as a server-side error
            return status, (time.perf_counter() - started) * 1000

        tasks = [asyncio.create_task(one(p, h)) for p, h in requests]
        await asyncio.sleep(0.1)
        begin = time.perf_counter()
        start_gate.set()
        results = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - begin
    return [s for s, _ in results], [ms for _, ms in results], elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(
    backend: str,
    buyers: int,
    stock: int,
    sold: int,
    statuses: list[int],
    latencies: list[float],
    elapsed: float,
    rss: float,
) -> str:
    errors = sum(1 for s in statuses if s >= 500)
    line = (
        f"RESULT flash_sale backend={backend} buyers={buyers} stock={stock} sold={sold} "
        f"oversold={max(0, sold - stock)} errors_5xx={errors} "
        f"orders_per_s={sold / elapsed:.1f} p50_ms={statistics.median(latencies):.1f} "
        f"p99_ms={percentile(latencies, 0.99):.1f}"
    )
    print(
        f"  {backend}: {elapsed:.2f}s for {buyers} checkouts, server RSS {rss:.0f} MB", flush=True
    )
    return line


def run_castcart(
    backend: str, database_url: str, data_dir: Path, buyers: int, stock: int, connections: int
) -> str:
    env = {
        "CASTCART_DATA_DIR": str(data_dir),
        "CASTCART_DATABASE_URL": database_url,
        "CASTCART_ENVIRONMENT": "test",
        "CASTCART_DB_POOL_SIZE": "20",
    }
    subprocess.run(
        [PYTHON, "-m", "castcart.cli", "migrate"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        "castcart.web.asgi:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--backlog",
        "4096",
    ]
    with server(command, port, env) as (url, process):
        print(f"[{backend}] seeding {buyers} buyers with a cart each ...", flush=True)
        seed_start = time.perf_counter()
        seeded = asyncio.run(seed_castcart(url, buyers, stock))
        print(f"  seeded in {time.perf_counter() - seed_start:.1f}s", flush=True)
        requests = [
            (
                f"/api/v1/shop/{seeded['slug']}/checkout",
                {**h, "Idempotency-Key": secrets.token_hex(8)},
            )
            for h in seeded["buyers"]
        ]
        statuses, latencies, elapsed = asyncio.run(race(url, requests, connections))
        rss = rss_mb(process.pid)
        orders = httpx.get(
            f"{url}/api/v1/orders?limit=200", headers=seeded["staff"], timeout=60
        ).json()
        product = httpx.get(
            f"{url}/api/v1/products/{seeded['product_id']}", headers=seeded["staff"], timeout=60
        ).json()
    sold = len(orders)
    reserved = product["variants"][0]["stock"][0]["reserved"]
    assert sold == sum(1 for s in statuses if s == 201), "orders in DB != 201 responses"
    assert reserved == sold, f"reserved {reserved} != orders {sold}"
    return report(backend, buyers, stock, sold, statuses, latencies, elapsed, rss)


def run_naive(data_dir: Path, buyers: int, stock: int, connections: int) -> str:
    port = free_port()
    command = [
        PYTHON,
        str(ROOT / "bench" / "naive_server.py"),
        str(port),
        str(data_dir / "naive.db"),
    ]
    with server(command, port, {}) as (url, process):
        httpx.post(f"{url}/setup", params={"stock": stock}, timeout=30).raise_for_status()
        statuses, latencies, elapsed = asyncio.run(
            race(url, [("/checkout", {})] * buyers, connections)
        )
        sold = httpx.get(f"{url}/orders", timeout=30).json()["orders"]
        rss = rss_mb(process.pid)
    return report("naive-sqlite", buyers, stock, sold, statuses, latencies, elapsed, rss)


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str | None]:
    import psycopg

    name = f"castcart_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable ({exc}); skipping the postgres row", flush=True)
        yield None
        return
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument(
        "--connections",
        type=int,
        default=500,
        help="client connection pool: how many requests are in flight at once",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "CASTCART_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    results: list[str] = []
    with tempfile.TemporaryDirectory(prefix="castcart-bench-") as tmp:
        data_dir = Path(tmp)
        results.append(
            run_castcart(
                "sqlite",
                f"sqlite:///{data_dir / 'bench.db'}",
                data_dir,
                args.buyers,
                args.stock,
                args.connections,
            )
        )
        with postgres_database(args.postgres_url) as pg_url:
            if pg_url:
                results.append(
                    run_castcart(
                        "postgres", pg_url, data_dir, args.buyers, args.stock, args.connections
                    )
                )
        results.append(run_naive(data_dir, args.buyers, args.stock, args.connections))
    for line in results:
        print(line)


if __name__ == "__main__":
    main()
