"""The audit log's pure parts: which events are recorded, and the hash chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from castcart.audit import describe_event, verify_chain
from castcart.audit.chain import GENESIS_HASH, canonical_json, entry_hash
from castcart.events import ProductPinned, StockLow


def test_describe_event_keeps_show_speech_and_display_only() -> None:
    pin = describe_event(ProductPinned(store_id="s", show_id="x", product_id="p"))
    assert pin is not None
    assert (pin.kind, pin.payload) == ("pin", {"product_id": "p"})
    assert describe_event(StockLow(store_id="s", variant_id="v", sku="k", available=1)) is None


def test_chain_detects_an_altered_entry() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)

    class Row:
        def __init__(self, seq: int, prev: str, payload: dict[str, Any]) -> None:
            self.seq, self.kind, self.actor, self.occurred_at = seq, "pin", None, at
            self.payload, self.prev_hash = canonical_json(payload), prev
            self.hash = entry_hash(
                prev, seq=seq, kind="pin", actor=None, occurred_at=at, payload_json=self.payload
            )

    first = Row(1, GENESIS_HASH, {"product_id": "a"})
    second = Row(2, first.hash, {"product_id": "b"})
    assert verify_chain([first, second]).valid
    second.payload = canonical_json({"product_id": "c"})
    result = verify_chain([first, second])
    assert (result.valid, result.first_bad_seq, result.reason) == (False, 2, "entry was altered")
