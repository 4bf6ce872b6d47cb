"""Pre-show script review: every line of a host's script checked against the claim rules of
each target market, with the show's real flash sales and the pinned product as context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from sqlalchemy.orm import Session

from castcart.catalog import evidence
from castcart.catalog import prices as price_history
from castcart.catalog.models import Product
from castcart.compliance import (
    CheckContext,
    ComplianceInputError,
    PriceHistory,
    check_text,
    fact_check,
)
from castcart.compliance import FlashSale as ClaimFlashSale
from castcart.compliance.price_reference import PricePoint
from castcart.compliance.substantiation import apply_evidence
from castcart.core.errors import UnprocessableError
from castcart.shows.models import FlashSale, Show
from castcart.shows.service import flash_sales, live_prices


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
    evidence: dict[str, Any] | None = None
    #: the substantiation record that clears it (then it is no finding, only a trace)
    cleared_by: str | None = None


class _Deferred(Sequence[PricePoint]):
    """The price points, read from the database the first time the checker asks (only a
    line with a price claim does: the others cost no history read)."""

    def __init__(self, load: Callable[[], tuple[PricePoint, ...]]) -> None:
        self._load = load
        self._points: tuple[PricePoint, ...] | None = None

    def _get(self) -> tuple[PricePoint, ...]:
        if self._points is None:
            self._points = self._load()
        return self._points

    def __len__(self) -> int:
        return len(self._get())

    @overload
    def __getitem__(self, index: int) -> PricePoint: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PricePoint]: ...
    def __getitem__(self, index: int | slice) -> PricePoint | Sequence[PricePoint]:
        return self._get()[index]


def _prices(
    session: Session, show: Show, pinned: Product | None, active: list[FlashSale]
) -> PriceHistory | None:
    """The recorded price history of the variant the host is selling: the pinned product's
    variant on a flash sale or a live price in this show, else its first variant."""
    if pinned is None or not pinned.variants:
        return None
    ids = [v.id for v in pinned.variants]
    reduced = [s.variant_id for s in active if s.variant_id in ids]
    if not reduced:
        reduced = [p.variant_id for p in live_prices(session, show.id) if p.variant_id in ids]
    chosen = reduced[0] if reduced else ids[0]
    return PriceHistory(points=_Deferred(lambda: price_history.price_points(session, [chosen])))


def review_script(
    session: Session, show: Show, text: str, lang: str, markets: Sequence[str], now: datetime
) -> tuple[list[ReviewFinding], list[dict[str, Any]]]:
    active = [s for s in flash_sales(session, show.id) if s.starts_at <= now < s.ends_at]
    sale = active[0] if active else None
    pinned = session.get(Product, show.pinned_product_id) if show.pinned_product_id else None
    attributes = dict(pinned.attributes) if pinned else {}
    history = _prices(session, show, pinned, active)
    records = evidence.records(session, show.store_id, now)
    findings: list[ReviewFinding] = []
    for market in markets:
        context = CheckContext(
            now=now,
            market=market,
            product_attributes=attributes,
            price_history=history,
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
        still, cleared = apply_evidence(
            results,
            text,
            records,
            market=market,
            product_id=pinned.id if pinned else None,
            now=now,
        )
        marked = [(f, None) for f in still] + [(c.finding, c.record.id) for c in cleared]
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
                evidence=dict(f.evidence) if f.evidence else None,
                cleared_by=record_id,
            )
            for f, record_id in marked
        )
    facts = [f.as_dict() for f in fact_check(text, lang, attributes)] if attributes else []
    return findings, facts
