"""Price history and claim evidence over HTTP: what a variant was offered at (and what the
EU 30-day rule makes of it), and the merchant's substantiation records for comparisons."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import AfterValidator

from castcart.catalog import evidence, prices, service
from castcart.catalog.api import recheck_products
from castcart.catalog.schemas import (
    ClaimEvidenceIn,
    ClaimEvidenceOut,
    PriceChangeOut,
    PriceFactsOut,
    PriceHistoryOut,
)
from castcart.compliance import price_reference
from castcart.core.clock import utcnow
from castcart.core.validation import known_country
from castcart.money.currency import minor_units
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["catalog"], responses=ERROR_RESPONSES)
ObjectId = Annotated[str, Path(max_length=32)]
Market = Annotated[
    str | None,
    Query(pattern=r"^[A-Z]{2}$", description="judge for this market (ISO 3166); default: all"),
    AfterValidator(lambda c: None if c is None else known_country(c)),
]


def _minor(amount: Decimal | None, currency: str) -> int | None:
    if amount is None:
        return None
    return int((amount * (Decimal(10) ** minor_units(currency))).to_integral_value())


@router.get("/variants/{variant_id}/price-history", response_model=PriceHistoryOut)
def price_history(
    ctx: Ctx,
    staff: Staff,
    variant_id: ObjectId,
    market: Market = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
) -> PriceHistoryOut:
    """Every price the variant was offered at (catalog, live-show and flash-sale prices, with
    their windows and markets), newest first, and the facts a price reference is judged on:
    the price applied now in ``market``, since when, and the lowest price applied in the 30
    days before that (EU Omnibus rule, Directive 98/6/EC Art. 6a)."""
    staff.require("catalog.read")
    with ctx.db.read() as session:
        variant = service.get_variant(session, staff.store_id, variant_id)
        rows = prices.history(session, variant.id, limit=limit, offset=offset)
        facts = price_reference.facts(prices.price_points(session, [variant.id]), market, utcnow())
        low = (
            facts.lowest(facts.since - timedelta(days=price_reference.OMNIBUS_DAYS), facts.since)
            if facts.since is not None
            else None
        )
        cur = variant.currency
        return PriceHistoryOut(
            variant_id=variant.id,
            currency=cur,
            facts=PriceFactsOut(
                market=market,
                current=_minor(facts.current, cur),
                reduction_since=facts.since,
                lowest_30d=_minor(low.amount, cur) if low else None,
                lowest_30d_from=low.start if low else None,
                lowest_30d_to=low.end if low else None,
                recorded_since=facts.recorded_since,
            ),
            changes=[PriceChangeOut.model_validate(r) for r in rows],
        )


@router.get("/claim-evidence", response_model=list[ClaimEvidenceOut])
def list_evidence(
    ctx: Ctx,
    staff: Staff,
    product_id: Annotated[str | None, Query(max_length=32)] = None,
    include_revoked: bool = False,
) -> list[ClaimEvidenceOut]:
    """The store's substantiation records (newest first; revoked ones on request)."""
    staff.require("catalog.read")
    with ctx.db.read() as session:
        rows = evidence.list_for(
            session, staff.store_id, product_id=product_id, include_revoked=include_revoked
        )
        return [ClaimEvidenceOut.model_validate(r) for r in rows]


@router.post(
    "/claim-evidence", status_code=status.HTTP_201_CREATED, response_model=ClaimEvidenceOut
)
def create_evidence(ctx: Ctx, staff: Staff, data: ClaimEvidenceIn) -> ClaimEvidenceOut:
    """Attach the evidence for a claim ("cheaper than on Amazon": the price survey, a URL, a
    file reference) until ``valid_until``. The product copy it concerns is re-checked at once:
    its findings on that claim are resolved with this record cited; the live guard and the
    script review clear the claim while the record is valid."""
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        row = evidence.create(session, staff.store_id, data, actor=f"staff:{staff.user_id}")
        recheck_products(session, staff.store_id, row.product_id)
        return ClaimEvidenceOut.model_validate(row)


@router.delete("/claim-evidence/{evidence_id}", response_model=ClaimEvidenceOut)
def revoke_evidence(ctx: Ctx, staff: Staff, evidence_id: ObjectId) -> ClaimEvidenceOut:
    """Withdraw a record; the findings it cleared open again on the re-check."""
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        row = evidence.revoke(session, staff.store_id, evidence_id)
        recheck_products(session, staff.store_id, row.product_id)
        return ClaimEvidenceOut.model_validate(row)
