"""Show management: lifecycle, showcase, pin, live prices, flash sales."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from castcart.accounts.service import get_store
from castcart.catalog import prices as price_history
from castcart.catalog.models import Product, Variant
from castcart.catalog.service import get_product, get_variant
from castcart.compliance import scheduling
from castcart.core.clock import as_utc, utcnow
from castcart.core.errors import ConflictError, UnprocessableError
from castcart.core.tenancy import get_owned
from castcart.events import (
    DomainEvent,
    FlashSaleCreated,
    LivePricesChanged,
    ProductPinned,
    ShowEnded,
    ShowStarted,
)
from castcart.events.types import LivePriceLine, ShowInterrupted, ShowResumed
from castcart.shows.lifecycle import ShowStatus, check_transition
from castcart.shows.models import FlashSale, LivePrice, Show, ShowProduct
from castcart.shows.schemas import FlashSaleIn, LivePriceIn, ShowDisclosureIn, ShowIn


def get_show(session: Session, store_id: str, show_id: str) -> Show:
    return get_owned(
        session, Show, show_id, store_id, message="show not found", code="show_not_found"
    )


def create_show(session: Session, store_id: str, data: ShowIn) -> Show:
    show = Show(
        store_id=store_id,
        title=data.title,
        description=data.description,
        scheduled_at=data.scheduled_at,
        stream_key=new_stream_key(),
        markets=",".join(dict.fromkeys(data.markets)),
        commercial_relationship=data.commercial_relationship,
        disclosure_brand=data.disclosure_brand,
        iftar_countdown=data.iftar_countdown,
    )
    if data.iftar_countdown:
        _check_iftar(session, show)
    session.add(show)
    session.flush()
    return show


def iftar_markets(show: Show, store_country: str) -> list[str]:
    """The show's markets that observe prayer times and are in Ramadan on its local day."""
    found = []
    for code in show_markets(show, store_country):
        try:
            if scheduling.in_ramadan(code, as_utc(show.scheduled_at)):
                found.append(code)
        except scheduling.UnknownMarketError:
            continue
    return found


def _check_iftar(session: Session, show: Show) -> None:
    store = get_store(session, show.store_id)
    if not iftar_markets(show, store.country):
        raise UnprocessableError(
            "an iftar countdown needs a target market that observes prayer times "
            f"({', '.join(sorted(scheduling.PRAYER_MARKETS))}) and a show date in Ramadan there",
            code="iftar_not_applicable",
            details={"markets": show_markets(show, store.country)},
        )


def set_disclosure(
    session: Session,
    store_id: str,
    show_id: str,
    data: ShowDisclosureIn,
) -> Show:
    show = get_show(session, store_id, show_id)
    show.commercial_relationship = data.commercial_relationship
    show.disclosure_brand = data.disclosure_brand
    show.iftar_countdown = data.iftar_countdown
    if data.iftar_countdown:
        _check_iftar(session, show)
    session.flush()
    return show


def new_stream_key() -> str:
    """32 URL-safe characters: below ffmpeg's 63-character stream-name limit."""
    return secrets.token_urlsafe(24)


def rotate_stream_key(session: Session, store_id: str, show_id: str) -> Show:
    """A fresh key (a leaked one stops working for the next connection)."""
    show = get_show(session, store_id, show_id)
    show.stream_key = new_stream_key()
    session.flush()
    return show


def show_by_stream_key(session: Session, stream_key: str) -> Show | None:
    if not stream_key:
        return None
    return session.scalar(select(Show).where(Show.stream_key == stream_key))


def set_markets(session: Session, store_id: str, show_id: str, markets: Sequence[str]) -> Show:
    show = get_show(session, store_id, show_id)
    show.markets = ",".join(dict.fromkeys(markets))
    session.flush()
    return show


def show_markets(show: Show, store_country: str) -> list[str]:
    """The markets a show is aimed at: its own list, else the store's country."""
    return [m for m in show.markets.split(",") if m] or [store_country]


def stores_with_shows_on_air_or_due(
    session: Session, now: datetime, *, within_hours: int = 24
) -> list[str]:
    """Stores with a show live (or interrupted) or scheduled in the next ``within_hours``:
    what to warm at start-up so the first chat lines do not wait for a model load."""
    from datetime import timedelta

    rows = session.scalars(
        select(Show.store_id)
        .where(
            (Show.status.in_(("live", "interrupted")))
            | (
                (Show.status == "scheduled")
                & (Show.scheduled_at <= now + timedelta(hours=within_hours))
            )
        )
        .distinct()
    )
    return sorted(rows)


def list_shows(session: Session, store_id: str) -> Sequence[Show]:
    return session.scalars(
        select(Show).where(Show.store_id == store_id).order_by(Show.scheduled_at.desc(), Show.id)
    ).all()


def transition(
    session: Session,
    store_id: str,
    show_id: str,
    target: str,
    outbox: list[DomainEvent],
    *,
    grace_seconds: float = 0.0,
) -> Show:
    """Move a show along its state machine. ``interrupted`` (the video stopped, see
    ``castcart.media``) keeps ``started_at``; going live from it is a resume, not a start."""
    show = get_show(session, store_id, show_id)
    source = show.status
    destination = check_transition(show.status, target)
    now = utcnow()
    show.status = destination.value
    if destination is ShowStatus.LIVE and source == ShowStatus.INTERRUPTED:
        outbox.append(ShowResumed(store_id=store_id, show_id=show.id, at=now))
    elif destination is ShowStatus.LIVE:
        show.started_at = now
        price_history.show_went_live(session, show.id, now)
        outbox.append(ShowStarted(store_id=store_id, show_id=show.id))
    elif destination is ShowStatus.INTERRUPTED:
        outbox.append(
            ShowInterrupted(store_id=store_id, show_id=show.id, at=now, grace_seconds=grace_seconds)
        )
    elif destination is ShowStatus.ENDED:
        show.ended_at = now
        price_history.show_ended(session, show.id, now)
        outbox.append(ShowEnded(store_id=store_id, show_id=show.id))
    session.flush()
    return show


def set_showcase(
    session: Session, store_id: str, show_id: str, product_ids: Sequence[str]
) -> list[ShowProduct]:
    show = get_show(session, store_id, show_id)
    if show.status == ShowStatus.ENDED:
        raise ConflictError("an ended show's showcase is frozen", code="show_ended")
    if len(set(product_ids)) != len(product_ids):
        raise UnprocessableError(
            "a product appears twice in the showcase", code="duplicate_product"
        )
    for product_id in product_ids:
        get_product(session, store_id, product_id)
    session.execute(delete(ShowProduct).where(ShowProduct.show_id == show.id))
    items = [
        ShowProduct(show_id=show.id, product_id=pid, position=n)
        for n, pid in enumerate(product_ids)
    ]
    session.add_all(items)
    if show.pinned_product_id is not None and show.pinned_product_id not in product_ids:
        show.pinned_product_id = None
    session.flush()
    return items


def showcase(session: Session, show_id: str) -> Sequence[ShowProduct]:
    return session.scalars(
        select(ShowProduct).where(ShowProduct.show_id == show_id).order_by(ShowProduct.position)
    ).all()


def pin(
    session: Session, store_id: str, show_id: str, product_id: str | None, outbox: list[DomainEvent]
) -> Show:
    show = get_show(session, store_id, show_id)
    if show.status == ShowStatus.ENDED:
        raise ConflictError("cannot pin on an ended show", code="show_ended")
    if product_id is not None:
        in_showcase = session.scalar(
            select(ShowProduct.id).where(
                ShowProduct.show_id == show.id, ShowProduct.product_id == product_id
            )
        )
        if in_showcase is None:
            raise UnprocessableError(
                "only a product in the show's showcase can be pinned", code="not_in_showcase"
            )
    show.pinned_product_id = product_id
    session.flush()
    outbox.append(ProductPinned(store_id=store_id, show_id=show.id, product_id=product_id))
    return show


def _showcase_variant(session: Session, store_id: str, show: Show, variant_id: str) -> Variant:
    variant = get_variant(session, store_id, variant_id)
    in_showcase = session.scalar(
        select(ShowProduct.id).where(
            ShowProduct.show_id == show.id, ShowProduct.product_id == variant.product_id
        )
    )
    if in_showcase is None:
        raise UnprocessableError(
            "the variant's product is not in the show's showcase",
            code="not_in_showcase",
            details={"variant_id": variant_id},
        )
    return variant


def set_live_prices(
    session: Session,
    store_id: str,
    show_id: str,
    prices: Sequence[LivePriceIn],
    outbox: list[DomainEvent] | None = None,
    actor_id: str | None = None,
) -> list[LivePrice]:
    show = get_show(session, store_id, show_id)
    if len({p.variant_id for p in prices}) != len(prices):
        raise UnprocessableError("a variant appears twice", code="duplicate_variant")
    for price in prices:
        _showcase_variant(session, store_id, show, price.variant_id)
    session.execute(delete(LivePrice).where(LivePrice.show_id == show.id))
    rows = [
        LivePrice(show_id=show.id, variant_id=p.variant_id, price_amount=p.price_amount)
        for p in prices
    ]
    session.add_all(rows)
    session.flush()
    store = get_store(session, store_id)
    currency = store.currency
    price_history.record_live_prices(
        session,
        store_id=store_id,
        show_id=show.id,
        currency=currency,
        prices=[(r.variant_id, r.price_amount) for r in rows],
        markets=show_markets(show, store.country),
        live=show.status in (ShowStatus.LIVE, ShowStatus.INTERRUPTED),
        actor=actor_id,
    )
    if outbox is not None:
        outbox.append(
            LivePricesChanged(
                store_id=store_id,
                show_id=show.id,
                prices=[
                    LivePriceLine(variant_id=r.variant_id, price_amount=r.price_amount)
                    for r in rows
                ],
                currency=currency,
                actor_id=actor_id,
            )
        )
    return rows


def live_prices(session: Session, show_id: str) -> Sequence[LivePrice]:
    return session.scalars(select(LivePrice).where(LivePrice.show_id == show_id)).all()


def create_flash_sale(
    session: Session, store_id: str, show_id: str, data: FlashSaleIn, outbox: list[DomainEvent]
) -> FlashSale:
    show = get_show(session, store_id, show_id)
    if show.status == ShowStatus.ENDED:
        raise ConflictError("the show has ended", code="show_ended")
    _showcase_variant(session, store_id, show, data.variant_id)
    overlapping = session.scalar(
        select(FlashSale.id).where(
            FlashSale.show_id == show.id,
            FlashSale.variant_id == data.variant_id,
            FlashSale.starts_at < data.ends_at,
            FlashSale.ends_at > data.starts_at,
        )
    )
    if overlapping is not None:
        raise ConflictError(
            "this variant already has a flash sale in that window",
            code="flash_sale_overlap",
            details={"flash_sale_id": overlapping},
        )
    sale = FlashSale(
        store_id=store_id,
        show_id=show.id,
        variant_id=data.variant_id,
        price_amount=data.price_amount,
        quantity_cap=data.quantity_cap,
        sold=0,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )
    session.add(sale)
    session.flush()
    store = get_store(session, store_id)
    price_history.record_flash_sale(
        session,
        store_id=store_id,
        show_id=show.id,
        flash_sale_id=sale.id,
        variant_id=sale.variant_id,
        currency=store.currency,
        amount=sale.price_amount,
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
        markets=show_markets(show, store.country),
    )
    outbox.append(
        FlashSaleCreated(
            store_id=store_id,
            show_id=show.id,
            flash_sale_id=sale.id,
            variant_id=sale.variant_id,
            price_amount=sale.price_amount,
            quantity_cap=sale.quantity_cap,
            starts_at=sale.starts_at,
            ends_at=sale.ends_at,
        )
    )
    return sale


def flash_sales(session: Session, show_id: str) -> Sequence[FlashSale]:
    return session.scalars(
        select(FlashSale).where(FlashSale.show_id == show_id).order_by(FlashSale.starts_at)
    ).all()


def active_flash_sale(
    session: Session, show_id: str, variant_id: str, at: datetime
) -> FlashSale | None:
    return session.scalar(
        select(FlashSale)
        .where(
            FlashSale.show_id == show_id,
            FlashSale.variant_id == variant_id,
            FlashSale.starts_at <= at,
            FlashSale.ends_at > at,
        )
        .limit(1)
    )


def showcase_products(session: Session, show_id: str) -> Sequence[Product]:
    return session.scalars(
        select(Product)
        .join(ShowProduct, ShowProduct.product_id == Product.id)
        .where(ShowProduct.show_id == show_id)
        .order_by(ShowProduct.position)
    ).all()
