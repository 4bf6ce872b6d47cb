"""Compliance findings on product copy, kept for review: each save or re-check syncs them
(new ones open, vanished ones cleared, resolutions kept for unchanged text)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from castcart.catalog.models import Product, ProductFinding
from castcart.core.clock import utcnow
from castcart.core.errors import NotFoundError


def fingerprint(finding: dict[str, Any]) -> str:
    """Identity of a problem that survives edits elsewhere in the text (no offsets)."""
    key = "\x1f".join(
        str(finding.get(k, ""))
        for k in ("locale", "field", "category", "rule", "attribute", "excerpt")
    )
    return hashlib.sha256(key.encode()).hexdigest()


def sync(session: Session, product: Product, found: Sequence[dict[str, Any]]) -> None:
    now = utcnow()
    existing = {
        f.fingerprint: f
        for f in session.scalars(
            select(ProductFinding).where(ProductFinding.product_id == product.id)
        )
    }
    seen = set()
    for finding in found:
        key = fingerprint(finding)
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        backed = finding.get("evidence") or None
        if row is None:
            row = ProductFinding(
                store_id=product.store_id,
                product_id=product.id,
                fingerprint=key,
                locale=str(finding.get("locale", ""))[:16],
                field=str(finding.get("field", ""))[:16],
                category=str(finding.get("category", ""))[:40],
                rule=str(finding.get("rule", ""))[:80],
                severity=str(finding.get("severity", ""))[:16],
                excerpt=str(finding.get("excerpt", ""))[:300],
                suggestion=str(finding.get("suggestion", "")),
                status="open",
                note="",
                created_at=now,
                last_seen_at=now,
            )
            session.add(row)
        else:
            row.last_seen_at = now
            if row.status == "cleared":  # the problem came back
                row.status = "open"
        if backed:
            _substantiated(row, backed, now)
        elif row.status == "resolved" and (row.resolved_by or "").startswith(EVIDENCE_ACTOR):
            # the record that cleared it was revoked or expired
            row.status = "open"
            row.note = ""
            row.resolved_by = None
            row.resolved_at = None
    for key, row in existing.items():
        if key not in seen and row.status != "cleared":  # resolved ones too: text is gone
            row.status = "cleared"
    session.flush()


EVIDENCE_ACTOR = "evidence:"


def _substantiated(row: ProductFinding, backed: dict[str, Any], now: datetime) -> None:
    """Resolved with the substantiation record cited (kept while the record backs it)."""
    actor = f"{EVIDENCE_ACTOR}{backed.get('evidence_id', '')}"
    if row.status == "resolved" and row.resolved_by == actor:
        return
    if row.status == "resolved" and not (row.resolved_by or "").startswith(EVIDENCE_ACTOR):
        return  # a staff member's own resolution stays
    until = str(backed.get("valid_until", ""))[:10]
    cites = str(backed.get("cites", ""))
    row.status = "resolved"
    # language-neutral: the admin words it ("Substantiated by claim evidence: …")
    row.note = f"“{backed.get('claim', '')}” · {until} · {cites}"[:500]
    row.resolved_by = actor[:80]
    row.resolved_at = now


def list_for(session: Session, store_id: str, product_id: str) -> Sequence[ProductFinding]:
    return session.scalars(
        select(ProductFinding)
        .where(ProductFinding.store_id == store_id, ProductFinding.product_id == product_id)
        .where(ProductFinding.status != "cleared")
        .order_by(ProductFinding.status.desc(), ProductFinding.created_at, ProductFinding.id)
    ).all()


def products_with(session: Session, store_id: str, categories: Sequence[str]) -> list[str]:
    """Products of the store with a kept (not cleared) finding in ``categories``."""
    rows = session.scalars(
        select(ProductFinding.product_id)
        .where(
            ProductFinding.store_id == store_id,
            ProductFinding.category.in_(categories),
            ProductFinding.status != "cleared",
        )
        .distinct()
    )
    return sorted(rows)


def open_counts(session: Session, product_ids: Sequence[str]) -> dict[str, int]:
    rows = session.execute(
        select(ProductFinding.product_id, func.count())
        .where(ProductFinding.product_id.in_(product_ids), ProductFinding.status == "open")
        .group_by(ProductFinding.product_id)
    ).all()
    return {str(product_id): int(count) for product_id, count in rows}  # noqa: C416 - typed


def resolve(
    session: Session, store_id: str, finding_id: str, note: str, actor: str
) -> ProductFinding:
    row = session.get(ProductFinding, finding_id)
    if row is None or row.store_id != store_id or row.status == "cleared":
        raise NotFoundError("finding not found", code="finding_not_found")
    row.status = "resolved"
    row.note = note
    row.resolved_by = actor
    row.resolved_at = utcnow()
    session.flush()
    return row
