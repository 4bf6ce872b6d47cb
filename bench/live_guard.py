"""Live compliance guard latency: a host line published on the bus → the ``compliance.alert``
event published by the guard (its thread, the database reads of the show context, the check
against each target market), next to the bare claim check of the same lines as reference.

    .venv/bin/python bench/live_guard.py [--lines 300] [--rate 100] [--rules-only]

Every line is different ("Look at number N: ...") so each one costs a real forward pass of the
semantic layer's embedding model (issue 19), as live captions do; ``--rules-only`` sets
``CASTCART_COMPLIANCE_SEMANTIC=0`` for the old figures.

Last lines: ``RESULT live_guard ... p50_ms=<x> p99_ms=<x>`` for both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from castcart.compliance import check_text
from castcart.core.settings import Settings
from castcart.events import ComplianceAlert, DomainEvent
from castcart.events.types import ChatPosted
from castcart.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.helpers
from tests.helpers import Api  # noqa: E402

LINE = "The best charger in the world, 100% safe, only today!"
MARKETS = ["FR", "DE", "US"]


def _line(n: int, tag: str) -> str:
    return f"Look at number {n} {tag}: {LINE[0].lower()}{LINE[1:]}"


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0, help="host lines per second")
    parser.add_argument("--rules-only", action="store_true")
    args = parser.parse_args()
    if args.rules_only:
        os.environ["CASTCART_COMPLIANCE_SEMANTIC"] = "0"
    from castcart.compliance import semantic

    if not args.rules_only:
        semantic.warm()

    reference = []
    for n in range(args.lines):
        started = time.perf_counter()
        for market in MARKETS:
            check_text(_line(n, "ref"), market, "en")
        reference.append((time.perf_counter() - started) * 1000)

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp)))
        with TestClient(app) as client:
            api = Api(client)
            store = api.store(country="DE")
            show = api.show(store)
            api.ok(
                "PUT",
                f"/api/v1/shows/{show['id']}/markets",
                headers=store["headers"],
                json={"markets": MARKETS},
            )
            bus = app.state.ctx.bus
            sent: dict[str, float] = {}
            latencies: list[float] = []
            done = threading.Event()

            def on_alert(event: DomainEvent) -> None:
                if isinstance(event, ComplianceAlert) and event.ref in sent:
                    latencies.append((time.perf_counter() - sent[event.ref]) * 1000)
                    if len(latencies) == args.lines:
                        done.set()

            bus.subscribe(ComplianceAlert.type, on_alert)
            for n in range(args.lines):
                ref = f"m{n}"
                sent[ref] = time.perf_counter()
                bus.publish(
                    ChatPosted(
                        store_id=store["store"]["id"],
                        show_id=show["id"],
                        message_id=ref,
                        author_id="host",
                        role="host",
                        text=_line(n, "bus"),
                        lang="en",
                    )
                )
                time.sleep(1.0 / args.rate)  # default 100 lines/s: a very fast host
            done.wait(60)

    layers = "rules" if args.rules_only else "rules+semantic"
    print(
        f"lines={args.lines} rate={args.rate}/s layers={layers} markets={','.join(MARKETS)} "
        f"alerts={len(latencies)}"
    )
    print(
        f"RESULT live_guard path=check_only p50_ms={statistics.median(reference):.2f} "
        f"p99_ms={_pct(reference, 0.99):.2f}"
    )
    print(
        f"RESULT live_guard path=bus_to_alert p50_ms={statistics.median(latencies):.2f} "
        f"p99_ms={_pct(latencies, 0.99):.2f}"
    )


if __name__ == "__main__":
    main()
