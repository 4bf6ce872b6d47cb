"""Live compliance guard latency: a host line published on the bus → the ``compliance.alert``
event published by the guard (its thread, the database reads of the show context, the check
against each target market), next to the bare claim check of the same lines as reference.

    .venv/bin/python bench/live_guard.py [--lines 300]

Last lines: ``RESULT live_guard ... p50_ms=<x> p99_ms=<x>`` for both, then the cost of a
price reference judged from the recorded price history (issue 19 item 3): ``guard.check`` of
"Was €99, now €49!" on a pinned product with ``--history`` price rows (catalog changes, live
and flash prices over a year), next to the same call for a line without a price claim.
Budget: < 50 ms per line.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from castcart.catalog.models import PriceChange
from castcart.compliance import check_text
from castcart.core.settings import Settings
from castcart.events import ComplianceAlert, DomainEvent
from castcart.events.types import ChatPosted
from castcart.shows.live_guard import LiveGuard, SpokenLine
from castcart.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.helpers
from tests.helpers import Api  # noqa: E402

LINE = "The best charger in the world, 100% safe, only today!"
MARKETS = ["FR", "DE", "US"]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--history", type=int, default=400, help="price rows of the product")
    args = parser.parse_args()

    reference = []
    for _ in range(args.lines):
        started = time.perf_counter()
        for market in MARKETS:
            check_text(LINE, market, "en")
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
                        text=LINE,
                        lang="en",
                    )
                )
                time.sleep(0.01)  # a fast host: 100 lines/s
            done.wait(60)

            priced, plain, flagged = _price_scenario(app, api, args.lines, args.history)

    print(f"lines={args.lines} markets={','.join(MARKETS)} alerts={len(latencies)}")
    print(
        f"RESULT live_guard path=check_only p50_ms={statistics.median(reference):.2f} "
        f"p99_ms={_pct(reference, 0.99):.2f}"
    )
    print(
        f"RESULT live_guard path=bus_to_alert p50_ms={statistics.median(latencies):.2f} "
        f"p99_ms={_pct(latencies, 0.99):.2f}"
    )
    # min next to p50/p99: on a shared, overloaded machine the fastest run is the nearest
    # to the work itself
    print(
        f"RESULT live_guard path=check_no_price_claim history_rows={args.history} "
        f"min_ms={min(plain):.2f} p50_ms={statistics.median(plain):.2f} "
        f"p99_ms={_pct(plain, 0.99):.2f}"
    )
    print(
        f"RESULT live_guard path=check_price_reference history_rows={args.history} "
        f"flagged={flagged} min_ms={min(priced):.2f} p50_ms={statistics.median(priced):.2f} "
        f"p99_ms={_pct(priced, 0.99):.2f} budget_ms=50"
    )


PRICE_LINE = "Was €99, now €49!"


def _price_scenario(
    app: Any, api: Api, lines: int, rows: int
) -> tuple[float, float, float, float, int]:
    """A live show for FR, DE and US with a pinned product whose variant has ``rows`` price
    rows over the past year (list changes, live and flash prices, some FR-only), a live price
    of €49 now; ``guard.check`` timed per line, with and without a price claim."""
    store = api.store(country="DE")
    product = api.product(store, price=9900)
    variant = product["variants"][0]
    show = api.show(store, [product], live=True)
    headers = store["headers"]
    api.ok("PUT", f"/api/v1/shows/{show['id']}/markets", headers=headers, json={"markets": MARKETS})
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=headers,
        json={"product_id": product["id"]},
    )
    rng = random.Random(19)
    now = datetime.now(UTC)
    with app.state.ctx.unit_of_work() as (session, _):
        for n in range(rows):
            start = now - timedelta(days=365) + timedelta(hours=n * 365 * 24 / max(rows, 1))
            kind = rng.choice(["list", "live", "flash"])
            session.add(
                PriceChange(
                    store_id=store["store"]["id"],
                    variant_id=variant["id"],
                    kind=kind,
                    amount=rng.choice([9900, 8900, 7900, 5900]),
                    currency="EUR",
                    markets=rng.choice(["", "FR", "FR,DE"]),
                    starts_at=start,
                    ends_at=start + timedelta(hours=2 if kind != "list" else 20),
                    recorded_at=start,
                )
            )
    api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/live-prices",
        headers=headers,
        json={"prices": [{"variant_id": variant["id"], "price_amount": 4900}]},
    )
    guard = LiveGuard(app.state.ctx.db, app.state.ctx.bus)

    def timed(text: str) -> tuple[list[float], int]:
        spent, flagged = [], 0
        for n in range(lines):
            line = SpokenLine(store["store"]["id"], show["id"], "caption", f"p{n}", text, "en")
            started = time.perf_counter()
            alert = guard.check(line)
            spent.append((time.perf_counter() - started) * 1000)
            flagged += alert is not None and any(
                f["category"] == "price_reference_misleading" for f in alert.findings
            )
        return spent, flagged

    priced, flagged = timed(PRICE_LINE)
    plain, _ = timed("This charger holds 3000 mAh and ships from Berlin.")
    return priced, plain, flagged


if __name__ == "__main__":
    main()
