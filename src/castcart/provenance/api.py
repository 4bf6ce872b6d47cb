"""Provenance over HTTP: staff (or a supplier's scoped key, later) record EPCIS events; anyone
reads an item's journey, the signed checkpoint and the proofs that let them verify it
without trusting this server."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, status
from pydantic import BaseModel

from castcart.accounts.service import Role
from castcart.core.clock import utcnow
from castcart.core.errors import PermissionDeniedError
from castcart.provenance import service
from castcart.provenance.service import StoreLogs
from castcart.web.deps import Ctx, PublicStore, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/provenance", tags=["provenance"], responses=ERROR_RESPONSES)
shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}/provenance", tags=["provenance"], responses=ERROR_RESPONSES
)
RECORDING_ROLES = frozenset({Role.OWNER, Role.HOST})
# a query parameter: codes are URIs (GS1 Digital Link) with slashes
Code = Annotated[str, Query(min_length=1, max_length=200)]


class RecordedOut(BaseModel):
    id: str
    leaf_index: int
    leaf_hash: str
    codes: list[str]


class EventOut(BaseModel):
    leaf_index: int
    leaf_hash: str
    event_type: str
    document: dict[str, Any]
    # the exact bytes the leaf hash covers (canonical JSON), for a verifier to hash itself
    canonical: str


class CheckpointOut(BaseModel):
    size: int
    root_hash: str
    note: str  # C2SP signed note: the checkpoint body, a blank line, the Ed25519 signature
    verifier_key: str  # C2SP verifier key: <name>+<key id>+<base64(0x01 ‖ public key)>


class JourneyOut(BaseModel):
    code: str
    events: list[EventOut]
    checkpoint: CheckpointOut


class ProofOut(BaseModel):
    tree_size: int
    proof: list[str]  # base64 hashes, leaf side first (RFC 9162)


def _logs(ctx: Ctx) -> StoreLogs:
    return ctx.services.get_or_create(StoreLogs, StoreLogs)


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@router.post("/events", status_code=status.HTTP_201_CREATED, response_model=RecordedOut)
def record_event(ctx: Ctx, staff: Staff, document: Annotated[Any, Body()]) -> RecordedOut:
    """Append one EPCIS 2.0 event (ObjectEvent, AggregationEvent, TransformationEvent) to
    the store's log. The stored document is the event's canonical JSON."""
    if staff.role not in RECORDING_ROLES:
        raise PermissionDeniedError("owners and hosts record provenance events")
    with ctx.unit_of_work() as (session, _):
        recorded = service.append_event(session, staff.store_id, document, utcnow())
        return RecordedOut(
            id=recorded.event.id,
            leaf_index=recorded.event.leaf_index,
            leaf_hash=recorded.event.leaf_hash,
            codes=recorded.codes,
        )


def _checkpoint(ctx: Ctx, store_id: str, slug: str) -> CheckpointOut:
    signer = service.signer_for(ctx.settings.public_base_url, ctx.settings.secret_key, slug)
    # the tree is caught up from committed rows only: a write session sees no one else's
    # uncommitted leaves, and this one appends none
    with ctx.unit_of_work() as (session, _):
        row = service.latest_checkpoint(session, _logs(ctx), store_id, signer, utcnow())
        return CheckpointOut(
            size=row.size,
            root_hash=row.root_hash,
            note=row.note,
            verifier_key=signer.verifier_key(),
        )


@shop_router.get("/checkpoint", response_model=CheckpointOut)
def checkpoint(ctx: Ctx, store: PublicStore) -> CheckpointOut:
    return _checkpoint(ctx, store.id, store.slug)


@shop_router.get("/journey", response_model=JourneyOut)
def journey(ctx: Ctx, store: PublicStore, code: Code) -> JourneyOut:
    """Every event that names ``code`` (an EPC, a lot, a GS1 Digital Link), oldest first,
    with a checkpoint covering all of them."""
    head = _checkpoint(ctx, store.id, store.slug)
    with ctx.db.read() as session:
        rows = service.events_naming(session, store.id, code)
        events = [
            EventOut(
                leaf_index=r.leaf_index,
                leaf_hash=r.leaf_hash,
                event_type=r.event_type,
                document=json.loads(r.document),
                canonical=r.document,
            )
            for r in rows
            if r.leaf_index < head.size
        ]
    return JourneyOut(code=code, events=events, checkpoint=head)


@shop_router.get("/proofs/inclusion", response_model=ProofOut)
def inclusion(
    ctx: Ctx,
    store: PublicStore,
    index: Annotated[int, Query(ge=0)],
    tree_size: Annotated[int, Query(ge=1)],
) -> ProofOut:
    with ctx.db.read() as session:
        tree = _logs(ctx).tree(session, store.id)
    return ProofOut(
        tree_size=tree_size, proof=_b64(service.inclusion_proof(tree, index, tree_size))
    )


@shop_router.get("/proofs/consistency", response_model=ProofOut)
def consistency(
    ctx: Ctx,
    store: PublicStore,
    first: Annotated[int, Query(ge=1)],
    second: Annotated[int, Query(ge=1)],
) -> ProofOut:
    with ctx.db.read() as session:
        tree = _logs(ctx).tree(session, store.id)
    return ProofOut(tree_size=second, proof=_b64(service.consistency_proof(tree, first, second)))
