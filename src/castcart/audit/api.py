"""Staff API of the show audit log: read it, verify its chain, set how long it is kept."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.accounts.service import get_store
from castcart.audit import service
from castcart.shows.service import get_show
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=ERROR_RESPONSES)
ShowId = Annotated[str, Path(max_length=32)]


class AuditEntryOut(BaseModel):
    seq: int
    kind: str
    actor: str | None
    occurred_at: datetime
    recorded_at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPageOut(BaseModel):
    entries: list[AuditEntryOut]
    next_after_seq: int | None = Field(description="pass as after_seq for the next page")


class AuditVerifyOut(BaseModel):
    valid: bool
    checked: int
    first_bad_seq: int | None
    reason: str | None


class AuditPolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retention_days: Annotated[int, Field(ge=30, le=3650)]


class AuditPolicyOut(BaseModel):
    retention_days: int


@router.get("/shows/{show_id}/audit", response_model=AuditPageOut)
def read_audit(
    ctx: Ctx,
    staff: Staff,
    show_id: ShowId,
    after_seq: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditPageOut:
    """What the show displayed and what its host said, in order."""
    staff.require("audit.read")
    with ctx.db.read() as session:
        get_show(session, staff.store_id, show_id)
        rows = service.list_entries(
            session, staff.store_id, show_id, after_seq=after_seq, limit=limit
        )
        entries = [
            AuditEntryOut(
                seq=r.seq,
                kind=r.kind,
                actor=r.actor,
                occurred_at=r.occurred_at,
                recorded_at=r.recorded_at,
                payload=json.loads(r.payload),
                prev_hash=r.prev_hash,
                hash=r.hash,
            )
            for r in rows
        ]
    return AuditPageOut(
        entries=entries, next_after_seq=entries[-1].seq if len(entries) == limit else None
    )


@router.get("/shows/{show_id}/audit/verify", response_model=AuditVerifyOut)
def verify_audit(ctx: Ctx, staff: Staff, show_id: ShowId) -> AuditVerifyOut:
    """Recompute the show's hash chain: any altered, inserted or removed entry shows."""
    staff.require("audit.read")
    with ctx.db.read() as session:
        get_show(session, staff.store_id, show_id)
        result = service.verify_show(session, staff.store_id, show_id)
    return AuditVerifyOut(
        valid=result.valid,
        checked=result.checked,
        first_bad_seq=result.first_bad_seq,
        reason=result.reason,
    )


def _store(session: Session, store_id: str) -> Store:
    return get_store(session, store_id)


@router.get("/audit/policy", response_model=AuditPolicyOut)
def read_policy(ctx: Ctx, staff: Staff) -> AuditPolicyOut:
    staff.require("audit.read")
    with ctx.db.read() as session:
        return AuditPolicyOut(retention_days=_store(session, staff.store_id).audit_retention_days)


@router.put("/audit/policy", response_model=AuditPolicyOut)
def set_policy(ctx: Ctx, staff: Staff, data: AuditPolicyIn) -> AuditPolicyOut:
    """How long a show's log is kept after the show ends (30 days to 10 years)."""
    staff.require("audit.write")
    with ctx.unit_of_work() as (session, _):
        store = _store(session, staff.store_id)
        store.audit_retention_days = data.retention_days
        return AuditPolicyOut(retention_days=store.audit_retention_days)
