"""The price history: every price a variant is offered at, written where prices are set.

The catalog price (``list``) is recorded on creation and on every change; the shows domain
records its show-only prices (``live``) and flash sales (``flash``) through the functions
below, so one table answers "what did this cost, where, and when". The claim checker reads
it through :func:`price_points` (``castcart.compliance.price_reference`` judges "was €99,
now €49", "50 % off", "lowest price this year" against it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from castcart.catalog.models import PriceChange, Variant
from castcart.compliance.price_reference import PricePoint
from castcart.core.clock import utcnow
from castcart.money.currency import minor_units

KINDS = ("list", "live", "flash")


def record_list_price(
    session: Session,
    variant: Variant,
    *,
    previous: int | None = None,
    actor: str | None = None,
    at: datetime | None = None,
) -> PriceChange:
    """A new catalog price from ``at``: the previous open ``list`` row of the variant ends."""
    now = at or utcnow()
    session.execute(
        update(PriceChange)
        .where(
            PriceChange.variant_id == variant.id,
            PriceChange.kind == "list",
            PriceChange.ends_at.is_(None),
        )
        .values(ends_at=now)
    )
    row = PriceChange(
        store_id=variant.store_id,
        variant_id=variant.id,
        kind="list",
        amount=variant.price_amount,
        currency=variant.currency,
        previous_amount=previous,
        markets="",
        starts_at=now,
        ends_at=None,
        recorded_at=now,
        actor=actor,
    )
    session.add(row)
    return row


def record_live_prices(
    session: Session,
    *,
    store_id: str,
    show_id: str,
    currency: str,
    prices: Iterable[tuple[str, int]],
    markets: Sequence[str],
    live: bool,
    actor: str | None = None,
    at: datetime | None = None,
) -> None:
    """A show's live prices were replaced by ``prices`` (variant id, amount).

    Prices of a show on air apply from now; those of a show not yet live wait (``starts_at``
    null) until :func:`show_went_live`. The replaced ones end now (a waiting one ends without
    ever having applied)."""
    now = at or utcnow()
    session.execute(
        update(PriceChange)
        .where(
            PriceChange.show_id == show_id,
            PriceChange.kind == "live",
            PriceChange.ends_at.is_(None),
        )
        .values(ends_at=now)
    )
    joined = ",".join(m.upper() for m in markets)
    for variant_id, amount in prices:
        session.add(
            PriceChange(
                store_id=store_id,
                variant_id=variant_id,
                kind="live",
                amount=amount,
                currency=currency,
                show_id=show_id,
                markets=joined,
                starts_at=now if live else None,
                ends_at=None,
                recorded_at=now,
                actor=actor,
            )
        )
    session.flush()


def show_went_live(session: Session, show_id: str, at: datetime) -> None:
    """The show's waiting live prices apply from ``at``."""
    session.execute(
        update(PriceChange)
        .where(
            PriceChange.show_id == show_id,
            PriceChange.kind == "live",
            PriceChange.starts_at.is_(None),
            PriceChange.ends_at.is_(None),
        )
        .values(starts_at=at)
    )


def show_ended(session: Session, show_id: str, at: datetime) -> None:
    """The show's live prices stop applying at ``at``."""
    session.execute(
        update(PriceChange)
        .where(
            PriceChange.show_id == show_id,
            PriceChange.kind == "live",
            PriceChange.ends_at.is_(None),
        )
        .values(ends_at=at)
    )


def record_flash_sale(
    session: Session,
    *,
    store_id: str,
    show_id: str,
    flash_sale_id: str,
    variant_id: str,
    currency: str,
    amount: int,
    starts_at: datetime,
    ends_at: datetime,
    markets: Sequence[str],
    actor: str | None = None,
) -> None:
    """A flash sale offers its price in its window to the show's markets."""
    session.add(
        PriceChange(
            store_id=store_id,
            variant_id=variant_id,
            kind="flash",
            amount=amount,
            currency=currency,
            show_id=show_id,
            flash_sale_id=flash_sale_id,
            markets=",".join(m.upper() for m in markets),
            starts_at=starts_at,
            ends_at=ends_at,
            recorded_at=utcnow(),
            actor=actor,
        )
    )


def history(
    session: Session, variant_id: str, *, limit: int = 500, offset: int = 0
) -> Sequence[PriceChange]:
    """A variant's price rows, newest first (by when they began applying, or were recorded
    for a live price that has not applied)."""
    return session.scalars(
        select(PriceChange)
        .where(PriceChange.variant_id == variant_id)
        .order_by(
            func.coalesce(PriceChange.starts_at, PriceChange.recorded_at).desc(),
            PriceChange.recorded_at.desc(),
            PriceChange.id,
        )
        .limit(limit)
        .offset(offset)
    ).all()


@lru_cache(maxsize=64)
def _scale(currency: str) -> Decimal:
    return Decimal(10) ** minor_units(currency)


def to_points(rows: Iterable[PriceChange]) -> tuple[PricePoint, ...]:
    """Rows as the judge's price points (major units; rows that never applied left out)."""
    return tuple(
        _point(r.amount, r.currency, r.starts_at, r.ends_at, r.kind, r.markets)
        for r in rows
        if r.starts_at is not None
    )


def _point(
    amount: int,
    currency: str,
    starts_at: datetime,
    ends_at: datetime | None,
    kind: str,
    markets: str,
) -> PricePoint:
    return PricePoint(
        amount=Decimal(amount) / _scale(currency),
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        markets=frozenset(m for m in markets.split(",") if m) if markets else frozenset(),
        currency=currency,
    )


def price_points(session: Session, variant_ids: Sequence[str]) -> tuple[PricePoint, ...]:
    """Every applied price of the variants. On the live path (one read per host line), so
    plain column tuples, not ORM objects: ~10x cheaper for a long history."""
    if not variant_ids:
        return ()
    rows = session.execute(
        select(
            PriceChange.amount,
            PriceChange.currency,
            PriceChange.starts_at,
            PriceChange.ends_at,
            PriceChange.kind,
            PriceChange.markets,
        ).where(PriceChange.variant_id.in_(variant_ids), PriceChange.starts_at.is_not(None))
    )
    return tuple(
        _point(amount, currency, starts, ends, kind, markets)
        for amount, currency, starts, ends, kind, markets in rows
        if starts is not None
    )
