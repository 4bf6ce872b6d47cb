"""Recording provenance events and serving the log: the framework-free half of the domain.

Each store has its own log (origin ``<public host>/provenance/<store slug>``). An event is
validated as an EPCIS 2.0 event, stored as canonical JSON and appended as the next leaf; the
tree itself lives in memory per process (`StoreLogs`), extended from the table on each read,
so every app node serves the same heads and proofs. Appends are serialised by the unique
``(store_id, leaf_index)``: two racing writers meet it and one retries.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.core.errors import ConflictError, UnprocessableError
from castcart.provenance.checkpoint import Checkpoint, NoteSigner
from castcart.provenance.errors import ProvenanceErrorCode
from castcart.provenance.merkle import MerkleTree, leaf_hash
from castcart.provenance.models import ProvenanceCheckpoint, ProvenanceCode, ProvenanceEvent

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransformationEvent")
ACTIONS = ("ADD", "OBSERVE", "DELETE")
# the EPCIS fields that name items or lots (EPC URIs, GS1 Digital Link URIs, lot classes)
_CODE_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
MAX_CODES = 1000
MAX_DOCUMENT = 64 * 1024


def _invalid(message: str) -> UnprocessableError:
    return UnprocessableError(message, code=ProvenanceErrorCode.INVALID_EVENT)


def canonical(document: Mapping[str, Any]) -> bytes:
    """The bytes a leaf covers: sorted keys, no spaces, UTF-8 (what the verify page hashes)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _codes_of(doc: Mapping[str, Any]) -> list[str]:
    codes: list[str] = []
    for name in _CODE_LISTS:
        value = doc.get(name, [])
        if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
            raise _invalid(f"{name} is a list of codes")
        codes += value
    for name in _QUANTITY_LISTS:
        value = doc.get(name, [])
        if not isinstance(value, list):
            raise _invalid(f"{name} is a list")
        for q in value:
            if not isinstance(q, dict) or not isinstance(q.get("epcClass"), str):
                raise _invalid(f"each {name} element has an epcClass")
            codes.append(q["epcClass"])
    parent = doc.get("parentID")
    if parent is not None:
        if not isinstance(parent, str) or not parent:
            raise _invalid("parentID is a code")
        codes.append(parent)
    if not codes:
        raise _invalid("an event names at least one item or lot")
    if len(codes) > MAX_CODES or any(len(c) > 200 for c in codes):
        raise _invalid(f"at most {MAX_CODES} codes of up to 200 characters")
    return list(dict.fromkeys(codes))


def _event_time(doc: Mapping[str, Any]) -> datetime:
    raw = doc.get("eventTime")
    if not isinstance(raw, str):
        raise _invalid("eventTime is required (ISO 8601 with an offset)")
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid("eventTime is not ISO 8601") from None
    if when.tzinfo is None:
        raise _invalid("eventTime needs an offset (Z or ±HH:MM)")
    offset = doc.get("eventTimeZoneOffset")
    if not isinstance(offset, str) or len(offset) != 6 or offset[0] not in "+-" or offset[3] != ":":
        raise _invalid("eventTimeZoneOffset is ±HH:MM")
    return when


def _sensors(doc: Mapping[str, Any]) -> None:
    elements = doc.get("sensorElementList", [])
    if not isinstance(elements, list):
        raise _invalid("sensorElementList is a list")
    for element in elements:
        reports = element.get("sensorReport") if isinstance(element, dict) else None
        if not isinstance(reports, list) or not reports:
            raise _invalid("each sensor element has a sensorReport list")
        for report in reports:
            if not isinstance(report, dict) or not isinstance(report.get("type"), str):
                raise _invalid("each sensor report has a type (e.g. gs1:Temperature)")
            value = report.get("value")
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise _invalid("a sensor report's value is a number")


def validate_event(document: Any) -> tuple[dict[str, Any], list[str], datetime]:
    """The event as stored, the codes it names and its time; `UnprocessableError` otherwise.
    Shape checked: the EPCIS 2.0 JSON fields castcart reads (type, time and offset, action,
    codes, sensor reports); other fields are kept as given."""
    if not isinstance(document, dict):
        raise _invalid("an event is a JSON object")
    doc = {k: v for k, v in document.items() if k != "@context"}
    kind = doc.get("type")
    if kind not in EVENT_TYPES:
        raise _invalid(f"type is one of {', '.join(EVENT_TYPES)}")
    if kind != "TransformationEvent" and doc.get("action") not in ACTIONS:
        raise _invalid(f"action is one of {', '.join(ACTIONS)}")
    when = _event_time(doc)
    codes = _codes_of(doc)
    _sensors(doc)
    for name in ("bizStep", "disposition"):
        if name in doc and not isinstance(doc[name], str):
            raise _invalid(f"{name} is a CBV name or URI")
    read_point = doc.get("readPoint")
    if read_point is not None and not (
        isinstance(read_point, dict) and isinstance(read_point.get("id"), str)
    ):
        raise _invalid('readPoint is {"id": ...}')
    if len(canonical(doc)) > MAX_DOCUMENT:
        raise _invalid(f"an event is at most {MAX_DOCUMENT // 1024} KiB")
    return doc, codes, when


class StoreLogs:
    """The in-memory Merkle tree of each store's log, caught up from the table on use."""

    def __init__(self) -> None:
        self._trees: dict[str, MerkleTree] = {}
        self._lock = threading.Lock()

    def tree(self, session: Session, store_id: str) -> MerkleTree:
        with self._lock:
            tree = self._trees.setdefault(store_id, MerkleTree())
            rows = session.execute(
                select(ProvenanceEvent.leaf_index, ProvenanceEvent.leaf_hash)
                .where(
                    ProvenanceEvent.store_id == store_id,
                    ProvenanceEvent.leaf_index >= len(tree),
                )
                .order_by(ProvenanceEvent.leaf_index)
            ).all()
            for index, hashed in rows:
                if index != len(tree):  # pragma: no cover - the unique index forbids gaps
                    raise ConflictError("the log has a gap", code=ProvenanceErrorCode.LOG_CONFLICT)
                tree.append_hash(bytes.fromhex(hashed))
            return tree


@dataclass(frozen=True)
class Recorded:
    event: ProvenanceEvent
    codes: list[str]


def append_event(session: Session, store_id: str, document: Any, now: datetime) -> Recorded:
    """Validate and append ``document`` as the store's next leaf (in the caller's unit of
    work; a concurrent append wins the index and this one raises `ConflictError`)."""
    doc, codes, when = validate_event(document)
    body = canonical(doc)
    last = session.scalar(
        select(func.max(ProvenanceEvent.leaf_index)).where(ProvenanceEvent.store_id == store_id)
    )
    row = ProvenanceEvent(
        store_id=store_id,
        leaf_index=0 if last is None else last + 1,
        event_type=str(doc["type"]),
        event_time=when,
        document=body.decode(),
        leaf_hash=leaf_hash(body).hex(),
        recorded_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "another event took this place in the log; retry", code=ProvenanceErrorCode.LOG_CONFLICT
        ) from exc
    session.add_all(ProvenanceCode(store_id=store_id, event_id=row.id, code=c) for c in codes)
    session.flush()
    return Recorded(row, codes)


def origin_for(public_base_url: str, store_slug: str) -> str:
    host = urlsplit(public_base_url).netloc or "castcart.local"
    return f"{host}/provenance/{store_slug}"


def signer_for(public_base_url: str, secret: str, store_slug: str) -> NoteSigner:
    return NoteSigner.from_secret(origin_for(public_base_url, store_slug), secret)


def latest_checkpoint(
    session: Session, logs: StoreLogs, store_id: str, signer: NoteSigner, now: datetime
) -> ProvenanceCheckpoint:
    """The newest signed head, signing one for the current size when the log has grown
    since (so a reader always gets a head that covers every recorded event)."""
    tree = logs.tree(session, store_id)
    newest = session.scalars(
        select(ProvenanceCheckpoint)
        .where(ProvenanceCheckpoint.store_id == store_id)
        .order_by(ProvenanceCheckpoint.size.desc())
        .limit(1)
    ).first()
    if newest is not None and newest.size == len(tree):
        return newest
    size = len(tree)
    root = tree.root(size)
    row = ProvenanceCheckpoint(
        store_id=store_id,
        size=size,
        root_hash=root.hex(),
        note=signer.sign(Checkpoint(signer.name, size, root).body()),
        created_at=now,
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another node signed this size first: serve theirs
        existing = session.scalars(
            select(ProvenanceCheckpoint).where(
                ProvenanceCheckpoint.store_id == store_id, ProvenanceCheckpoint.size == size
            )
        ).one()
        return existing
    return row


def _bad(message: str) -> UnprocessableError:
    return UnprocessableError(message, code=ProvenanceErrorCode.BAD_PROOF_REQUEST)


def inclusion_proof(tree: MerkleTree, index: int, size: int) -> list[bytes]:
    if not 0 <= index < size <= len(tree):
        raise _bad(f"leaf {index} is not in a tree of {size} (the log holds {len(tree)})")
    return tree.inclusion_proof(index, size)


def consistency_proof(tree: MerkleTree, first: int, second: int) -> list[bytes]:
    if not 0 < first <= second <= len(tree):
        raise _bad(f"no consistency proof from {first} to {second} (the log holds {len(tree)})")
    return tree.consistency_proof(first, second)


def events_naming(session: Session, store_id: str, code: str) -> Sequence[ProvenanceEvent]:
    """The events that name ``code``, oldest first (the item's journey)."""
    return session.scalars(
        select(ProvenanceEvent)
        .join(ProvenanceCode, ProvenanceCode.event_id == ProvenanceEvent.id)
        .where(ProvenanceCode.store_id == store_id, ProvenanceCode.code == code)
        .order_by(ProvenanceEvent.event_time, ProvenanceEvent.leaf_index)
    ).all()
