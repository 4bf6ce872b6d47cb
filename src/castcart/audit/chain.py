"""The hash chain that makes the audit log tamper-evident. Pure functions, no database.

Each entry's hash covers the previous entry's hash and the entry's own fields, so changing,
inserting or removing an entry in the middle of a show's log breaks every later hash. The
chain is per show: retention removes a whole show's log at once and never breaks another's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


def canonical_json(payload: Mapping[str, Any]) -> str:
    """One spelling per payload: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    kind: str,
    actor: str | None,
    occurred_at: datetime,
    payload_json: str,
) -> str:
    material = "\n".join(
        [prev_hash, str(seq), kind, actor or "", occurred_at.isoformat(), payload_json]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class ChainEntry(Protocol):
    seq: int
    kind: str
    actor: str | None
    occurred_at: datetime
    payload: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    valid: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


def verify_chain(entries: Iterable[ChainEntry]) -> VerifyResult:
    """Recompute the chain in ``seq`` order; report the first entry that does not fit."""
    prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, entry.seq, "sequence gap")
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.seq, "previous hash does not match")
        recomputed = entry_hash(
            prev,
            seq=entry.seq,
            kind=entry.kind,
            actor=entry.actor,
            occurred_at=entry.occurred_at,
            payload_json=entry.payload,
        )
        if recomputed != entry.hash:
            return VerifyResult(False, checked, entry.seq, "entry was altered")
        prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return VerifyResult(True, checked)
