"""Claim evidence: the substantiation records a merchant keeps for comparative and
superlative claims, and their use by the checks (``castcart.compliance.substantiation``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.catalog.models import ClaimEvidence
from castcart.catalog.schemas import ClaimEvidenceIn
from castcart.catalog.service import get_product
from castcart.compliance.substantiation import EvidenceRecord, valid_claim
from castcart.core.clock import utcnow
from castcart.core.errors import NotFoundError, UnprocessableError


def create(
    session: Session, store_id: str, data: ClaimEvidenceIn, *, actor: str | None = None
) -> ClaimEvidence:
    now = utcnow()
    if not valid_claim(data.claim):
        raise UnprocessableError(
            "name the claim in at least two words (e.g. 'cheaper than on Amazon')",
            code="claim_too_vague",
        )
    if data.valid_until <= now:
        raise UnprocessableError("valid_until must be in the future", code="evidence_expired")
    if not (data.evidence_text or data.url or data.file_ref):
        raise UnprocessableError(
            "give the evidence: a text, a URL or a file reference", code="evidence_missing"
        )
    if data.product_id is not None:
        get_product(session, store_id, data.product_id)
    row = ClaimEvidence(
        store_id=store_id,
        product_id=data.product_id,
        claim=data.claim,
        evidence_text=data.evidence_text,
        url=str(data.url) if data.url else None,
        file_ref=data.file_ref,
        markets=",".join(dict.fromkeys(data.markets)),
        valid_until=data.valid_until,
        created_by=actor,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, store_id: str, evidence_id: str) -> ClaimEvidence:
    row = session.get(ClaimEvidence, evidence_id)
    if row is None or row.store_id != store_id:
        raise NotFoundError("claim evidence not found", code="evidence_not_found")
    return row


def revoke(session: Session, store_id: str, evidence_id: str) -> ClaimEvidence:
    """Withdraw a record (kept, so what it once cleared can still be traced)."""
    row = get(session, store_id, evidence_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def list_for(
    session: Session, store_id: str, *, product_id: str | None = None, include_revoked: bool = False
) -> Sequence[ClaimEvidence]:
    query = select(ClaimEvidence).where(ClaimEvidence.store_id == store_id)
    if product_id is not None:
        query = query.where(ClaimEvidence.product_id == product_id)
    if not include_revoked:
        query = query.where(ClaimEvidence.revoked_at.is_(None))
    return session.scalars(query.order_by(ClaimEvidence.created_at.desc(), ClaimEvidence.id)).all()


def cites(row: ClaimEvidence) -> str:
    """What a cleared finding cites: the evidence text, else the URL, else the file."""
    for part in (row.evidence_text, row.url, row.file_ref):
        if part:
            return part[:200]
    return ""


def to_record(row: ClaimEvidence) -> EvidenceRecord:
    return EvidenceRecord(
        id=row.id,
        claim=row.claim,
        valid_until=row.valid_until,
        product_id=row.product_id,
        markets=frozenset(m for m in row.markets.split(",") if m),
        cites=cites(row),
    )


def records(
    session: Session, store_id: str, now: datetime | None = None
) -> tuple[EvidenceRecord, ...]:
    """The store's records valid at ``now`` (not revoked, not expired), for the checks."""
    at = now or utcnow()
    rows = session.scalars(
        select(ClaimEvidence).where(
            ClaimEvidence.store_id == store_id,
            ClaimEvidence.revoked_at.is_(None),
            ClaimEvidence.valid_until > at,
        )
    )
    return tuple(to_record(r) for r in rows)
