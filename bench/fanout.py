"""Chat fan-out of one live show: V viewers on loopback in one show, chat at R messages/s,
through a real `castcart` server (``castcart serve``'s uvicorn options, SQLite; ``--nodes 2``:
two app processes sharing the show through Redis, ``CASTCART_REDIS_URL``), next to plain
broadcast servers in the same run: ``node`` (``bench/node/reference.mjs``, Node's ``ws``) and
``reference`` (``bench/fanout_reference.py``, Python's ``websockets``).

    cd bench/node && npm ci && cd ../..
    .venv/bin/python bench/fanout.py [--viewers 1000 5000] [--rate 20 100] [--duration 10]
        [--servers castcart node] [--nodes 1] [--runs 1] [--client node]

Each scenario gets a fresh server. The viewers run in a separate load-generator process
(``--clients`` of them), by default on Node's ``ws`` (``bench/node/viewers.mjs``; ``--client
python`` for the ``websockets`` client, which saturates a core before the server does); the
chat senders run in one more process. A sender embeds ``t=<time.time_ns()>`` in the text;
each viewer records receive time minus that stamp for every chat line (a ``chat.message``
frame, or each line of a ``chat.batch`` frame: castcart batches busy chat per tick).
castcart rate-limits chat per connection (5 messages, refilled over 10 s), so the rate is
spread over ``2 * rate`` sender connections that each send one message every 2 s; ``error``
frames are counted and reported. With several nodes, viewers and senders are dealt round
robin over the nodes.

Reported per server and scenario: delivered chat lines/s (deliveries to viewers / duration),
p50 / p99 end-to-end latency, lost (messages broadcast x viewers still connected at the end,
minus what those viewers received), memory per viewer connection ((RSS of the server
processes after connecting - before) / viewers), server CPU per connect and per delivered
line, and the load average. With ``--runs N`` each scenario is repeated and the spread
(min-max) printed. Load generator and server share the machine's cores: on a small machine
the client is part of what is measured, which is why the plain servers run in the same run.
The last lines are one RESULT line per server, scenario and run:
``RESULT fanout server=S viewers=N rate=N delivered_per_s=N p50_ms=N p99_ms=N lost=N
kb_per_conn=N``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "bench password 123"  # noqa: S105 - a throw-away store of the benchmark
SENDS_PER_CONNECTION_PER_S = 0.5  # castcart: 5 messages refilled over 10 s, so 0.5/s holds
BUCKET_US = 100  # latency histogram resolution (0.1 ms)


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_status(pid: int, field: str) -> float:
    """A ``/proc/<pid>/status`` memory field (VmRSS, VmHWM) in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(
    command: list[str], port: int, env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 240  # a loaded machine starts a server slowly
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()[-2000:]) from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- seeding -----------------------------------------------------------------------------


def seed_castcart(url: str, shoppers: int) -> dict[str, Any]:
    """A store, a live show and a few guest shoppers; a token may open several sockets."""
    with httpx.Client(base_url=url, timeout=60) as client:
        slug = f"fanout-{secrets.token_hex(3)}"
        signup = client.post(
            "/api/v1/stores",
            json={
                "slug": slug,
                "name": "Fanout",
                "currency": "EUR",
                "country": "DE",
                "owner_email": f"owner@{slug}.example.com",
                "owner_password": PASSWORD,
            },
        )
        signup.raise_for_status()
        staff = {"Authorization": f"Bearer {signup.json()['token']}"}
        show = client.post(
            "/api/v1/shows",
            headers=staff,
            json={"title": "Fan-out night", "scheduled_at": "2026-12-01T18:00:00Z"},
        )
        show.raise_for_status()
        show_id = show.json()["id"]
        client.post(
            f"/api/v1/shows/{show_id}/transition", headers=staff, json={"to": "live"}
        ).raise_for_status()
        tokens = []
        for _ in range(shoppers):
            session = client.post(
                f"/api/v1/shop/{slug}/sessions", json={"locale": "en", "country": "DE"}
            )
            session.raise_for_status()
            tokens.append(session.json()["token"])
    base = url.replace("http://", "ws://")
    return {"urls": [f"{base}/api/v1/shop/{slug}/shows/{show_id}/live?token={t}" for t in tokens]}


# -- load generator (runs in child processes) ------------------------------------------------


async def _open(url: str, compression: str | None) -> Any:
    """Connect and wait for ``hello``; returns the connection or a close code / error."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    try:
        ws = await connect(
            url,
            compression=compression,
            ping_interval=None,
            open_timeout=120,
            close_timeout=2,
            max_queue=64,
        )
    except Exception as exc:  # reported as a failure, not raised
        return f"connect: {type(exc).__name__}"
    try:
        first = await asyncio.wait_for(ws.recv(decode=False), 120)
    except ConnectionClosed as exc:
        return f"close {exc.rcvd.code if exc.rcvd else 1006}"
    except TimeoutError:
        return "no hello"
    if b'"hello"' not in first:
        return "first frame not hello"
    return ws


async def _open_all(
    urls: list[str], count: int, compression: str | None, concurrency: int
) -> tuple[list[Any], dict[str, int]]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Any:
        async with semaphore:
            return await _open(urls[i % len(urls)], compression)

    results = await asyncio.gather(*(one(i) for i in range(count)))
    failures: dict[str, int] = {}
    for r in results:
        if isinstance(r, str):
            failures[r] = failures.get(r, 0) + 1
    return [r for r in results if not isinstance(r, str)], failures


def viewers_process(pipe: Pipe, urls: list[str], count: int, opts: dict[str, Any]) -> None:
    raise_fd_limit()
    if opts["client"] == "node":
        node_viewers(pipe, urls, count, opts)
        return
    asyncio.run(_viewers(pipe, urls, count, opts))


NODE_CLIENT = ROOT / "bench" / "node" / "viewers.mjs"


def node_viewers(pipe: Pipe, urls: list[str], count: int, opts: dict[str, Any]) -> None:
    """The same viewers on Node's ``ws`` (``bench/node/viewers.mjs``): this process only
    relays the protocol between the parent's pipe and node's stdin/stdout."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec:
        json.dump(
            {
                "urls": urls,
                "count": count,
                "concurrency": opts["concurrency"],
                "idle": opts["idle"],
                "drain": opts["drain"],
                "bucket_us": BUCKET_US,
            },
            spec,
        )
    node = subprocess.Popen(  # noqa: S603 - node on the bench's own script
        ["node", str(NODE_CLIENT), spec.name],  # noqa: S607
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert node.stdin is not None  # noqa: S101
    assert node.stdout is not None  # noqa: S101
    try:
        pipe.send(json.loads(node.stdout.readline()))  # connected
        node.stdin.write(f"{pipe.recv()}\n")  # expected lines per viewer
        node.stdin.flush()
        result = json.loads(node.stdout.readline())
        result["hist"] = {int(k): v for k, v in result["hist"].items()}
        result["closed"] = {int(k): v for k, v in result["closed"].items()}
        pipe.send(result)
        pipe.recv()  # stop
        node.stdin.write("stop\n")
        node.stdin.flush()
        node.wait(timeout=30)
    finally:
        if node.poll() is None:
            node.kill()
        os.unlink(spec.name)


async def _viewers(pipe: Pipe, urls: list[str], count: int, opts: dict[str, Any]) -> None:
    from websockets.exceptions import ConnectionClosed

    sockets, failures = await _open_all(urls, count, opts["compression"], opts["concurrency"])
    counts = [0] * len(sockets)
    closed: dict[int, int] = {}  # viewer index -> close code
    hist: dict[int, int] = {}
    clock = {"first": 0, "last": 0}

    async def watch(i: int, ws: Any) -> None:
        try:
            while True:
                data = await ws.recv(decode=False)
                now = time.time_ns()
                if b'"chat.message"' not in data and b'"chat.batch"' not in data:
                    continue
                k = data.find(b"t=")  # one stamp per line; a chat.batch carries several
                while k >= 0:
                    stamp = int(data[k + 2 : data.find(b" ", k)])
                    bucket = (now - stamp) // (1000 * BUCKET_US)
                    hist[bucket] = hist.get(bucket, 0) + 1
                    counts[i] += 1
                    k = data.find(b"t=", k + 2)
                if not clock["first"]:
                    clock["first"] = now
                clock["last"] = now
        except ConnectionClosed as exc:
            closed[i] = exc.rcvd.code if exc.rcvd else 1006

    tasks = [asyncio.create_task(watch(i, ws)) for i, ws in enumerate(sockets)]
    pipe.send({"connected": len(sockets), "failures": failures})
    expected = await asyncio.to_thread(pipe.recv)
    # drain: until every viewer still connected has everything, nothing moves for
    # ``idle`` seconds, or the cap
    start = time.monotonic()
    moved_at, last_total = start, -1
    while True:
        alive = [c for i, c in enumerate(counts) if i not in closed]
        total = sum(counts)
        now = time.monotonic()
        if total != last_total:
            last_total, moved_at = total, now
        if all(c >= expected for c in alive):
            break
        if now - moved_at > opts["idle"] or now - start > opts["drain"]:
            break
        await asyncio.sleep(0.1)
    alive_counts = [c for i, c in enumerate(counts) if i not in closed]
    codes: dict[int, int] = {}
    for code in closed.values():
        codes[code] = codes.get(code, 0) + 1
    pipe.send(
        {
            "received": sum(counts),
            "alive": len(alive_counts),
            "alive_received": sum(min(c, expected) for c in alive_counts),
            "closed": codes,
            "hist": hist,
            "first_ns": clock["first"],
            "last_ns": clock["last"],
            "drain_s": time.monotonic() - start,
        }
    )
    pipe.recv()  # stop
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in sockets:
        ws.transport.abort()


def senders_process(pipe: Pipe, urls: list[str], count: int, opts: dict[str, Any]) -> None:
    raise_fd_limit()
    asyncio.run(_senders(pipe, urls, count, opts))


async def _senders(pipe: Pipe, urls: list[str], count: int, opts: dict[str, Any]) -> None:
    from websockets.exceptions import ConnectionClosed

    sockets, failures = await _open_all(urls, count, opts["compression"], opts["concurrency"])
    errors: dict[str, int] = {}
    closed: dict[int, int] = {}

    async def drain(i: int, ws: Any) -> None:
        """Senders are in the room too: read (and drop) what they get, count errors."""
        try:
            while True:
                data = await ws.recv(decode=False)
                if b'"type":"error"' in data:
                    code = json.loads(data).get("code", "?")
                    errors[code] = errors.get(code, 0) + 1
        except ConnectionClosed as exc:
            closed[i] = exc.rcvd.code if exc.rcvd else 1006

    tasks = [asyncio.create_task(drain(i, ws)) for i, ws in enumerate(sockets)]
    pipe.send({"connected": len(sockets), "failures": failures})
    await asyncio.to_thread(pipe.recv)  # go
    loop = asyncio.get_running_loop()
    rate, total = opts["rate"], int(opts["rate"] * opts["duration"])
    sent, late_ms = 0, 0.0
    t0 = loop.time() + 0.05
    for i in range(total):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late_ms = max(late_ms, -delay * 1000)
        j = i % len(sockets)
        if j in closed:
            continue
        text = f"fanout t={time.time_ns()} i={i}"
        with contextlib.suppress(ConnectionClosed):
            await sockets[j].send(json.dumps({"type": "chat.send", "text": text, "ref": i}))
            sent += 1
    elapsed = loop.time() - t0
    await asyncio.sleep(opts["grace"])  # late error frames
    pipe.send(
        {
            "sent": sent,
            "errors": errors,
            "closed": dict(closed),
            "send_s": elapsed,
            "max_late_ms": late_ms,
        }
    )
    pipe.recv()  # stop
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in sockets:
        ws.transport.abort()


# -- orchestration ---------------------------------------------------------------------------


def _recv(pipe: Pipe, timeout: float, what: str) -> Any:
    if not pipe.poll(timeout):
        raise RuntimeError(f"load generator: no {what} within {timeout:.0f}s")
    return pipe.recv()


def percentile(hist: dict[int, int], q: float) -> float:
    total = sum(hist.values())
    if not total:
        return float("nan")
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= rank:
            return (bucket + 0.5) * BUCKET_US / 1000
    return float("nan")


def _rss(pids: list[int]) -> float:
    return sum(proc_status(pid, "VmRSS") for pid in pids)


def _cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def measure(
    name: str, pids: list[int], urls: list[str], viewers: int, rate: int, args: argparse.Namespace
) -> dict[str, Any]:
    """One scenario against running servers (``pids``; ``urls`` dealt round robin)."""
    ctx = multiprocessing.get_context("spawn")
    opts = {
        "compression": None if args.compression == "none" else "deflate",
        "concurrency": args.connect_concurrency,
        "idle": args.idle,
        "drain": args.drain,
        "rate": rate,
        "duration": args.duration,
        "grace": 1.5,
        "client": args.client,
    }
    n_senders = max(1, math.ceil(rate / SENDS_PER_CONNECTION_PER_S))
    shares = [
        viewers // args.clients + (1 if i < viewers % args.clients else 0)
        for i in range(args.clients)
    ]
    procs: list[multiprocessing.process.BaseProcess] = []
    pipes: list[Pipe] = []
    try:
        time.sleep(0.5)
        rss_before = _rss(pids)
        cpu_connect0 = _cpu(pids)
        started = time.perf_counter()
        for share in shares:
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=viewers_process, args=(theirs, urls, share, opts))
            proc.start()
            procs.append(proc)
            pipes.append(mine)
        ready = [_recv(p, 900, "viewers ready") for p in pipes]
        connected = sum(r["connected"] for r in ready)
        failures: dict[str, int] = {}
        for r in ready:
            for k, v in r["failures"].items():
                failures[k] = failures.get(k, 0) + v
        connect_s = time.perf_counter() - started
        time.sleep(1.0)
        connect_cpu_ms = (_cpu(pids) - cpu_connect0) * 1000 / max(1, connected)
        rss_after = _rss(pids)
        per_conn_kb = (rss_after - rss_before) * 1024 / max(1, connected)
        print(
            f"  [{name}] {connected}/{viewers} viewers connected in {connect_s:.1f}s "
            f"({connect_cpu_ms:.2f} ms of server CPU each)"
            f"{f' (failed: {failures})' if failures else ''}; RSS {rss_before:.1f} -> "
            f"{rss_after:.1f} MB = {per_conn_kb:.1f} KB per connection",
            flush=True,
        )
        mine, theirs = ctx.Pipe()
        sender = ctx.Process(target=senders_process, args=(theirs, urls, n_senders, opts))
        sender.start()
        procs.append(sender)
        sready = _recv(mine, 300, "senders ready")
        if sready["failures"]:
            print(f"  [{name}] sender connections failed: {sready['failures']}", flush=True)
        cpu0, wall0 = _cpu(pids), time.perf_counter()
        load_during = os.getloadavg()[0]
        mine.send("go")
        sres = _recv(mine, args.duration * 3 + 120, "sender result")
        load_during = max(load_during, os.getloadavg()[0])
        broadcast = sres["sent"] - sum(sres["errors"].values())
        for p in pipes:
            p.send(broadcast)
        vres = [_recv(p, args.drain + 120, "viewer result") for p in pipes]
        cpu1, wall1 = _cpu(pids), time.perf_counter()
        rss_end = _rss(pids)
        hwm = sum(proc_status(pid, "VmHWM") for pid in pids)
        for p in [*pipes, mine]:
            p.send("stop")
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    received = sum(v["received"] for v in vres)
    alive = sum(v["alive"] for v in vres)
    alive_received = sum(v["alive_received"] for v in vres)
    hist: dict[int, int] = {}
    closed: dict[int, int] = {}
    for v in vres:
        for k, n in v["hist"].items():
            hist[k] = hist.get(k, 0) + n
        for k, n in v["closed"].items():
            closed[k] = closed.get(k, 0) + n
    lost = broadcast * alive - alive_received
    firsts = [v["first_ns"] for v in vres if v["first_ns"]]
    lasts = [v["last_ns"] for v in vres if v["last_ns"]]
    window = (max(lasts) - min(firsts)) / 1e9 if firsts else 0.0
    cpu_s = cpu1 - cpu0
    notes = [
        f"sent {sres['sent']} in {sres['send_s']:.1f}s over {n_senders} sender connections "
        f"(max send lag {sres['max_late_ms']:.0f} ms), error frames {sres['errors'] or 0}",
        f"{received} deliveries to {connected} viewers, {alive} still connected",
        f"first->last delivery {window:.1f}s ({received / window if window else 0:.0f}/s), "
        f"drain {max(v['drain_s'] for v in vres):.1f}s",
        f"server CPU {100 * cpu_s / (wall1 - wall0):.0f}% of one core "
        f"({1e6 * cpu_s / max(1, received):.1f} us per delivered line)",
        f"RSS {rss_end:.1f} MB (peak {hwm:.1f})",
        f"load average {load_during:.2f}",
    ]
    if closed:
        notes.append(f"viewers closed by the server (code: count) {closed}")
    if sres["closed"]:
        notes.append(f"sender connections closed {sres['closed']}")
    print(f"  [{name}] " + "; ".join(notes), flush=True)
    p50, p99 = percentile(hist, 0.50), percentile(hist, 0.99)
    return {
        "server": name,
        "viewers": viewers,
        "rate": rate,
        "delivered_per_s": received / args.duration,
        "p50_ms": p50,
        "p99_ms": p99,
        "lost": lost,
        "kb_per_conn": per_conn_kb,
        "connect_ms": connect_cpu_ms,
        "load": load_during,
    }


def result_line(r: dict[str, Any]) -> str:
    return (
        f"RESULT fanout server={r['server']} viewers={r['viewers']} rate={r['rate']} "
        f"delivered_per_s={r['delivered_per_s']:.1f} p50_ms={r['p50_ms']:.1f} "
        f"p99_ms={r['p99_ms']:.1f} lost={r['lost']} kb_per_conn={r['kb_per_conn']:.1f}"
    )


REDIS_URL = os.environ.get("CASTCART_REDIS_URL", "redis://127.0.0.1:6379/0")


def run_castcart(viewers: int, rate: int, args: argparse.Namespace) -> dict[str, Any]:
    """``args.nodes`` castcart processes (``castcart serve``) on one database; with more than
    one, sharing the show through Redis."""
    with tempfile.TemporaryDirectory(prefix="castcart-fanout-") as tmp:
        data_dir = Path(tmp)
        env = {
            "CASTCART_DATA_DIR": str(data_dir),
            "CASTCART_DATABASE_URL": f"sqlite:///{data_dir / 'bench.db'}",
            "CASTCART_ENVIRONMENT": "test",
            # every load-generator socket comes from 127.0.0.1 on a few shared sessions
            "CASTCART_LIVE_SOCKETS_PER_VIEWER": "1000000",
            "CASTCART_LIVE_SOCKETS_PER_ADDRESS": "1000000",
        }
        if args.nodes > 1:
            env["CASTCART_REDIS_URL"] = REDIS_URL
        subprocess.run(
            [PYTHON, "-m", "castcart.cli", "migrate"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        ports = [free_port() for _ in range(args.nodes)]
        logs = [data_dir / f"server{i}.log" for i in range(args.nodes)]
        name = "castcart" if args.nodes == 1 else f"castcart-{args.nodes}nodes"
        with contextlib.ExitStack() as stack:
            processes = [
                stack.enter_context(
                    server(
                        [
                            *(args.server_prefix.split() if args.server_prefix else []),
                            PYTHON,
                            "-m",
                            "castcart.cli",
                            "serve",
                            "--port",
                            str(port),
                            "--log-level",
                            "warning",
                        ],
                        port,
                        env,
                        log,
                    )
                )
                for port, log in zip(ports, logs, strict=True)
            ]
            seeded = seed_castcart(f"http://127.0.0.1:{ports[0]}", args.shoppers)
            urls = [
                url.replace(f":{ports[0]}/", f":{ports[i % len(ports)]}/")
                for url in seeded["urls"]
                for i in range(len(ports))
            ]
            result = measure(name, [p.pid for p in processes], urls, viewers, rate, args)
        for log in logs:
            _log_tail(name, log)
    return result


def run_reference(viewers: int, rate: int, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="castcart-fanout-") as tmp:
        port = free_port()
        command = [PYTHON, str(ROOT / "bench" / "fanout_reference.py"), str(port)]
        log_path = Path(tmp) / "server.log"
        with server(command, port, {}, log_path) as process:
            url = f"ws://127.0.0.1:{port}/"
            result = measure("reference", [process.pid], [url], viewers, rate, args)
        _log_tail("reference", log_path)
    return result


def run_node(viewers: int, rate: int, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="castcart-fanout-") as tmp:
        port = free_port()
        command = ["node", str(ROOT / "bench" / "node" / "reference.mjs"), str(port)]
        log_path = Path(tmp) / "server.log"
        with server(command, port, {}, log_path) as process:
            url = f"ws://127.0.0.1:{port}/"
            result = measure("node-ws", [process.pid], [url], viewers, rate, args)
        _log_tail("node-ws", log_path)
    return result


RUNNERS = {"castcart": run_castcart, "node": run_node, "reference": run_reference}


def _log_tail(name: str, log_path: Path) -> None:
    lines = log_path.read_text(errors="replace").splitlines()
    if lines:
        print(f"  [{name}] server stderr: {len(lines)} lines, last: {lines[-3:]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--viewers", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rate", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of chat")
    parser.add_argument(
        "--servers", nargs="+", default=["castcart", "node"], choices=sorted(RUNNERS)
    )
    parser.add_argument(
        "--nodes", type=int, default=1, help="castcart app processes (2+: shared via Redis)"
    )
    parser.add_argument("--runs", type=int, default=1, help="repeat each scenario")
    parser.add_argument("--clients", type=int, default=1, help="viewer processes")
    parser.add_argument(
        "--client",
        choices=["python", "node"],
        default="node",
        help="viewer implementation: Node ws (bench/node; npm ci first), or Python websockets",
    )
    parser.add_argument("--shoppers", type=int, default=8, help="guest sessions to share")
    parser.add_argument("--compression", choices=["none", "deflate"], default="none")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--idle", type=float, default=5.0, help="drain ends after this quiet")
    parser.add_argument("--drain", type=float, default=30.0, help="drain cap after sending")
    parser.add_argument(
        "--server-prefix",
        default="",
        help="prefix for the castcart server command, e.g. 'py-spy record -o x.svg --'",
    )
    args = parser.parse_args()
    if args.nodes < 1:
        parser.error("--nodes must be at least 1")
    raise_fd_limit()
    print(
        f"fanout: {os.cpu_count()} cores shared by the server(s), {args.clients} viewer "
        f"process(es) and 1 sender process; viewers on {args.client}; "
        f"compression={args.compression}; castcart nodes={args.nodes}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    results: list[dict[str, Any]] = []
    for viewers in args.viewers:
        for rate in args.rate:
            for run in range(args.runs):
                for name in args.servers:
                    print(
                        f"[{name}] viewers={viewers} rate={rate}/s for {args.duration:g}s, "
                        f"run {run + 1}/{args.runs}",
                        flush=True,
                    )
                    results.append(RUNNERS[name](viewers, rate, args))
                    print(
                        f"  {result_line(results[-1])} (load average {os.getloadavg()[0]:.2f})",
                        flush=True,
                    )
    if args.runs > 1:
        groups: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
        for r in results:
            groups.setdefault((r["server"], r["viewers"], r["rate"]), []).append(r)
        for (name, viewers, rate), rows in groups.items():
            spread = ", ".join(
                f"{key} {min(r[key] for r in rows):.1f}-{max(r[key] for r in rows):.1f}"
                for key in ("p50_ms", "p99_ms", "kb_per_conn", "connect_ms", "load")
            )
            lost = sum(r["lost"] for r in rows)
            print(
                f"SPREAD fanout server={name} viewers={viewers} rate={rate}: {spread}; lost {lost}"
            )
    for r in results:
        print(result_line(r))


if __name__ == "__main__":
    main()
