"""Pre-show script review: every line of a host's script checked against the claim rules of
each target market, with the show's real flash sales and the pinned product as context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from castcart.catalog.models import Product
from castcart.compliance import CheckContext, ComplianceInputError, check_text, fact_check
from castcart.compliance import FlashSale as ClaimFlashSale
from castcart.core.errors import UnprocessableError
from castcart.shows.models import Show
from castcart.shows.service import flash_sales


@dataclass(frozen=True)
class ReviewFinding:
    market: str
    category: str
    rule: str
    start: int
    end: int
    severity: str
    suggestion: str
    excerpt: str
    layer: str = "rules"
    why: str = ""


def review_script(
    session: Session, show: Show, text: str, lang: str, markets: Sequence[str], now: datetime
) -> tuple[list[ReviewFinding], list[dict[str, Any]]]:
    active = [s for s in flash_sales(session, show.id) if s.starts_at <= now < s.ends_at]
    sale = active[0] if active else None
    pinned = session.get(Product, show.pinned_product_id) if show.pinned_product_id else None
    attributes = dict(pinned.attributes) if pinned else {}
    findings: list[ReviewFinding] = []
    for market in markets:
        context = CheckContext(
            now=now,
            market=market,
            product_attributes=attributes,
            flash_sale=ClaimFlashSale(
                ends_at=sale.ends_at,
                remaining_quantity=sale.quantity_cap - sale.sold,
                initial_quantity=sale.quantity_cap,
            )
            if sale
            else None,
        )
        try:
            results = check_text(text, market, lang, context)
        except ComplianceInputError as exc:
            raise UnprocessableError(
                exc.message, code=exc.code, details={"market": market}
            ) from exc
        findings.extend(
            ReviewFinding(
                market=market,
                category=f.category,
                rule=f.rule,
                start=f.start,
                end=f.end,
                severity=f.severity,
                suggestion=f.suggestion,
                excerpt=text[f.start : f.end],
                layer=f.layer,
                why=f.why,
            )
            for f in results
        )
    facts = [f.as_dict() for f in fact_check(text, lang, attributes)] if attributes else []
    return findings, facts
