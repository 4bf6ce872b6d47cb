"""Coupons and share-to-unlock referral offers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.accounts.models import Shopper
from castcart.commerce.models import (
    Coupon,
    CouponRedemption,
    Order,
    ShareCode,
    ShareJoin,
    ShareOffer,
)
from castcart.commerce.schemas import CouponIn, ShareOfferIn
from castcart.core.errors import ConflictError, NotFoundError, UnprocessableError
from castcart.core.tenancy import get_owned
from castcart.shows.service import get_show


def create_coupon(session: Session, store_id: str, data: CouponIn) -> Coupon:
    code = data.code.upper()
    if session.scalar(select(Coupon.id).where(Coupon.store_id == store_id, Coupon.code == code)):
        raise ConflictError(f"coupon {code} exists", code="coupon_code_taken")
    coupon = Coupon(store_id=store_id, **{**data.model_dump(), "code": code})
    session.add(coupon)
    session.flush()
    return coupon


def list_coupons(session: Session, store_id: str) -> Sequence[Coupon]:
    return session.scalars(
        select(Coupon).where(Coupon.store_id == store_id).order_by(Coupon.code)
    ).all()


def find_coupon(session: Session, store_id: str, code: str) -> Coupon:
    coupon = session.scalar(
        select(Coupon).where(Coupon.store_id == store_id, Coupon.code == code.upper())
    )
    if coupon is None:
        raise UnprocessableError(f"coupon {code!r} does not exist", code="coupon_invalid")
    return coupon


def check_coupon(
    session: Session, coupon: Coupon, shopper_id: str, subtotal: int, at: datetime
) -> None:
    """Validity window, minimum subtotal and per-customer limit (read-only checks)."""
    if coupon.starts_at is not None and at < coupon.starts_at:
        raise UnprocessableError("coupon is not valid yet", code="coupon_not_started")
    if coupon.ends_at is not None and at >= coupon.ends_at:
        raise UnprocessableError("coupon has expired", code="coupon_expired")
    if subtotal < coupon.min_subtotal_amount:
        raise UnprocessableError(
            "order is below the coupon's minimum",
            code="coupon_minimum",
            details={"min_subtotal_amount": coupon.min_subtotal_amount},
        )
    limit = coupon.max_uses_per_customer
    if limit is not None and _uses_by(session, coupon.id, shopper_id) >= limit:
        raise UnprocessableError("you have already used this coupon", code="coupon_customer_limit")
    if coupon.max_uses_total is not None and coupon.used_count >= coupon.max_uses_total:
        raise UnprocessableError("coupon is fully used", code="coupon_exhausted")


def claim_coupon_use(session: Session, coupon: Coupon, shopper_id: str, order: Order) -> None:
    """Take one use of the coupon, with the database as the judge of both limits.

    The total limit is a conditional UPDATE (it also row-locks the coupon on PostgreSQL). The
    per-customer limit is a numbered redemption row, unique per (coupon, shopper, sequence):
    the count is read again here, after the lock, and a transaction that still raced to the
    same number is refused by the unique constraint — never by a Python check alone."""
    result = session.execute(
        update(Coupon)
        .where(
            Coupon.id == coupon.id,
            (Coupon.max_uses_total.is_(None)) | (Coupon.used_count < Coupon.max_uses_total),
        )
        .values(used_count=Coupon.used_count + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UnprocessableError("coupon is fully used", code="coupon_exhausted")
    sequence = None
    if coupon.max_uses_per_customer is not None:
        sequence = _uses_by(session, coupon.id, shopper_id) + 1
        if sequence > coupon.max_uses_per_customer:
            raise UnprocessableError(
                "you have already used this coupon", code="coupon_customer_limit"
            )
    try:
        with session.begin_nested():  # a refused row must not poison the checkout transaction
            session.add(
                CouponRedemption(
                    coupon_id=coupon.id, shopper_id=shopper_id, order_id=order.id, sequence=sequence
                )
            )
    except IntegrityError as exc:
        raise UnprocessableError(
            "you have already used this coupon", code="coupon_customer_limit"
        ) from exc


def _uses_by(session: Session, coupon_id: str, shopper_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(CouponRedemption)
            .where(
                CouponRedemption.coupon_id == coupon_id,
                CouponRedemption.shopper_id == shopper_id,
            )
        )
        or 0
    )


def create_share_offer(
    session: Session, store_id: str, show_id: str, data: ShareOfferIn
) -> ShareOffer:
    show = get_show(session, store_id, show_id)
    offer = ShareOffer(store_id=store_id, show_id=show.id, **data.model_dump())
    session.add(offer)
    session.flush()
    return offer


def list_share_offers(session: Session, show_id: str) -> Sequence[ShareOffer]:
    return session.scalars(
        select(ShareOffer).where(ShareOffer.show_id == show_id).order_by(ShareOffer.created_at)
    ).all()


def get_share_offer(session: Session, store_id: str, offer_id: str) -> ShareOffer:
    return get_owned(
        session,
        ShareOffer,
        offer_id,
        store_id,
        message="share offer not found",
        code="share_offer_not_found",
    )


def share_code_for(session: Session, store_id: str, offer_id: str, shopper_id: str) -> ShareCode:
    """A shopper's personal referral code for the offer (created on first ask)."""
    offer = get_share_offer(session, store_id, offer_id)
    existing = session.scalar(
        select(ShareCode).where(
            ShareCode.offer_id == offer.id, ShareCode.owner_shopper_id == shopper_id
        )
    )
    if existing is not None:
        return existing
    code = ShareCode(
        store_id=store_id,
        offer_id=offer.id,
        owner_shopper_id=shopper_id,
        code=secrets.token_urlsafe(9),
    )
    session.add(code)
    session.flush()
    return code


def find_share_code(session: Session, store_id: str, code: str) -> ShareCode:
    row = session.scalar(
        select(ShareCode).where(ShareCode.code == code, ShareCode.store_id == store_id)
    )
    if row is None:
        raise NotFoundError("share code not found", code="share_code_not_found")
    return row


def join_with_code(session: Session, store_id: str, code: str, invitee_id: str) -> ShareCode:
    """An invited shopper arrives through the link. Each shopper counts once per offer, and
    never for their own code."""
    row = find_share_code(session, store_id, code)
    if row.owner_shopper_id == invitee_id:
        raise UnprocessableError("you cannot join with your own code", code="own_share_code")
    invitee = session.get(Shopper, invitee_id)
    if invitee is None or invitee.store_id != store_id:
        raise NotFoundError("shopper not found")
    already = session.scalar(
        select(ShareJoin.id).where(
            ShareJoin.offer_id == row.offer_id, ShareJoin.invitee_shopper_id == invitee_id
        )
    )
    if already is not None:
        raise ConflictError("you already joined this offer", code="already_joined")
    session.add(ShareJoin(offer_id=row.offer_id, code_id=row.id, invitee_shopper_id=invitee_id))
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError("you already joined this offer", code="already_joined") from exc
    session.execute(
        update(ShareCode)
        .where(ShareCode.id == row.id)
        .values(joins_count=ShareCode.joins_count + 1)
    )
    session.refresh(row)
    return row


def claim_share_discount(
    session: Session, store_id: str, code: str, shopper_id: str, order: Order
) -> tuple[ShareCode, int]:
    """Use an unlocked code once; returns the code and its percent off."""
    row = find_share_code(session, store_id, code)
    if row.owner_shopper_id != shopper_id:
        raise UnprocessableError(
            "this share code belongs to another shopper", code="share_code_not_yours"
        )
    offer = session.get(ShareOffer, row.offer_id)
    assert offer is not None  # noqa: S101 - FK guarantees it
    if row.joins_count < offer.invites_required:
        raise UnprocessableError(
            f"{offer.invites_required - row.joins_count} more invited shoppers needed",
            code="share_code_locked",
            details={"joins_count": row.joins_count, "invites_required": offer.invites_required},
        )
    result = session.execute(
        update(ShareCode)
        .where(ShareCode.id == row.id, ShareCode.redeemed_order_id.is_(None))
        .values(redeemed_order_id=order.id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UnprocessableError("this share code was already used", code="share_code_used")
    return row, offer.percent_off
