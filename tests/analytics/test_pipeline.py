"""The writer (batches, dedupe, a full queue, erasure in order), the consent policy, the
source of a landing, and the dashboard's ratios on the hand-written show."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from castcart.analytics import dashboard
from castcart.analytics.recorder import RoomTracker, to_store_amount
from castcart.analytics.schema import Event
from castcart.analytics.service import ConsentGate, classify_source
from castcart.analytics.store import DuckDBStore, run
from castcart.analytics.writer import AnalyticsWriter
from castcart.realtime.connection import Viewer
from tests.analytics.fixture import EVENTS, SHOW, STORE


def _count(store: DuckDBStore) -> int:
    return int(store.fetch("SELECT COUNT(*) AS n FROM analytics_events")[0]["n"])


def test_dashboard_ratios_on_the_hand_written_show(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "a.duckdb")
    store.insert(EVENTS)
    d = dashboard.build(lambda name, **p: run(store, name, **p), STORE, SHOW, "EUR")
    assert d["unique_viewers"] == 7
    assert d["interaction_rate"] == round(5 / 7, 6)
    assert d["add_to_cart_rate"] == round(4 / 7, 6)
    assert d["conversion"] == round(4 / 7, 6)
    assert d["aov"] == 4500
    assert d["revenue_per_viewer_minute"] == round(18000 / (631000 / 60000), 2)  # 1711.57
    assert d["avg_watch_seconds"] == round(631 / 7, 3)
    assert d["median_watch_seconds"] == 100.0
    assert [m["minute"] for m in d["minutes"]] == [0, 1, 2, 3]
    assert d["minutes"][1]["drop_off"] == 0.6  # 3 of the 5 there in minute 1 left in it
    steps = {s["step"]: s["viewers"] for s in d["funnel"]["steps"]}
    assert steps == {"viewed": 7, "clicked": 5, "carted": 4, "checked_out": 3, "paid": 3}
    assert d["attribution"]["first_touch"][0] == {"source": "share", "orders": 1, "revenue": 8000}
    store.close()


def test_writer_batches_dedupes_and_erases_in_order(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "w.duckdb")
    writer = AnalyticsWriter(store, flush_seconds=0.05, batch_events=10).start()
    try:
        assert writer.submit(EVENTS)
        assert writer.submit(EVENTS[:5])  # redelivered: dropped by id
        writer.erase(STORE, "v1")
        assert writer.submit([replace(EVENTS[0], id="again")])  # after the erasure: kept
        assert writer.flush()
        v1 = sum(1 for e in EVENTS if e.shopper_id == "v1" and e.store_id == STORE)
        assert writer.duplicates == 5
        assert _count(store) == len(EVENTS) - v1 + 1
    finally:
        writer.close()


def test_a_full_queue_drops_and_counts(tmp_path: Path) -> None:
    writer = AnalyticsWriter(DuckDBStore(tmp_path / "q.duckdb"), queue_events=10)
    assert not writer.submit(EVENTS[:11])  # not started: nothing drains, 11 > 10
    assert writer.dropped == 11
    assert writer.submit(EVENTS[:10])
    writer.start()
    assert writer.flush()
    assert writer.written == 10
    writer.close()


def test_consent_gate_policy() -> None:
    allowed = {("s", "yes")}
    gate = ConsentGate(lambda store, shopper: (store, shopper) in allowed)

    def ev(kind: str, shopper: str) -> Event:
        return Event(
            id=f"{kind}-{shopper}",
            store_id="s",
            kind=kind,
            at_ms=0,
            viewer_id=shopper,
            shopper_id=shopper,
        )

    out = gate([ev(k, s) for s in ("yes", "no") for k in ("session_start", "order_paid", "chat")])
    kept = {(e.kind, e.viewer_id) for e in out}
    assert kept == {
        ("session_start", "yes"),
        ("order_paid", "yes"),
        ("chat", "yes"),
        ("session_start", "no"),  # strictly necessary counting
        ("order_paid", "anon:order_paid-no"),  # counted, not linked
    }
    assert all(e.shopper_id is None for e in out if e.viewer_id.startswith("anon:"))


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({"campaign": "XMAS", "utm_source": "ig"}, "campaign:xmas"),
        ({"utm_source": "Instagram", "referrer_host": "l.instagram.com"}, "instagram"),
        ({"share_code": "ABC", "referrer_host": "wa.me"}, "share"),
        ({"widget_host": "Blog.Example"}, "widget:blog.example"),
        ({"referrer_host": "www.google.com"}, "ref:www.google.com"),
        ({"referrer_host": "shop.example", "own_host": "shop.example"}, "direct"),
        ({}, "direct"),
    ],
)
def test_source_of_a_landing(kwargs: dict[str, str], source: str) -> None:
    assert classify_source(**kwargs) == source


def test_room_tracker_sessions_and_heartbeats() -> None:
    now = [1_000]
    seen: list[Event] = []
    tracker = RoomTracker(seen.extend, lambda: now[0])
    alice = Viewer(id="a", display_name="A", role="shopper", lang="fr", country="FR")
    host = Viewer(id="h", display_name="H", role="host")
    tracker.joined("s", "show", alice)
    tracker.joined("s", "show", alice)  # a second tab: the same session
    tracker.joined("s", "show", host)  # staff are not viewers
    now[0] = 31_000
    assert tracker.beat() == 1
    tracker.left("s", "show", alice)
    now[0] = 40_500
    tracker.left("s", "show", alice)
    kinds = [(e.kind, e.watch_ms) for e in seen]
    assert kinds == [("session_start", 0), ("heartbeat", 30_000), ("session_end", 9_500)]
    assert seen[0].country == "FR"
    assert seen[0].lang == "fr"
    assert len({e.session_id for e in seen}) == 1


def test_store_amount_from_the_orders_fx_rate() -> None:
    assert to_store_amount(10_800, "USD", "EUR", "1.08") == 10_000
    assert to_store_amount(1_600, "JPY", "EUR", "160") == 1_000  # JPY has no minor unit
    assert to_store_amount(500, "EUR", "EUR", None) == 500
