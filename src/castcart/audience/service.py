"""Booking and unsubscribing reminders, and the public listing of a store's shows.

Reminders go only to shoppers with an active ``marketing`` consent (the privacy domain's
consent records): booking records the grant when the shopper ticks the box, and every send
checks it again, so a withdrawal stops the next reminder."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.audience.errors import AudienceErrorCode
from castcart.audience.models import ShowReminder
from castcart.audience.push import check_subscription
from castcart.catalog.models import Product
from castcart.core.errors import ConflictError, NotFoundError, UnprocessableError
from castcart.privacy import service as privacy
from castcart.shows import service as shows
from castcart.shows.lifecycle import ShowStatus
from castcart.shows.models import Show

MARKETING = "marketing"
UPCOMING_GRACE = timedelta(hours=6)  # a show late to start stays listed this long


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnprocessableError(
            f"unknown time zone {name!r}", code=AudienceErrorCode.BAD_TIME_ZONE
        ) from exc
    return name


def _hash(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()


@dataclass(frozen=True)
class Booking:
    channel: str  # email | push
    lang: str
    time_zone: str
    consent: bool
    policy_version: str
    email: str | None = None
    subscription: dict[str, Any] | None = None


def book_reminder(
    session: Session,
    store_id: str,
    show_id: str,
    shopper_id: str,
    booking: Booking,
    *,
    now: datetime,
) -> tuple[ShowReminder, bool]:
    """The shopper's reminder for this show on this channel (created, or found again and
    re-subscribed). Refused without marketing consent, and for a show that is not upcoming."""
    show = shows.get_show(session, store_id, show_id)
    if show.status != ShowStatus.SCHEDULED:
        raise ConflictError(
            "reminders are for shows that have not started",
            code=AudienceErrorCode.SHOW_NOT_UPCOMING,
        )
    check_time_zone(booking.time_zone)
    if booking.channel == "email":
        if not booking.email:
            raise UnprocessableError(
                "an e-mail address is needed", code=AudienceErrorCode.EMAIL_REQUIRED
            )
        address = booking.email.strip().lower()
        subscription_json = None
    else:
        try:
            subscription = check_subscription(booking.subscription)
        except ValueError as exc:
            raise UnprocessableError(
                str(exc), code=AudienceErrorCode.BAD_PUSH_SUBSCRIPTION
            ) from exc
        address = subscription["endpoint"]
        subscription_json = json.dumps(subscription)
    if booking.consent and not privacy.has_consent(session, store_id, shopper_id, MARKETING):
        privacy.grant_consent(
            session,
            store_id,
            shopper_id,
            purpose=MARKETING,
            policy_version=booking.policy_version,
            now=now,
        )
    if not privacy.has_consent(session, store_id, shopper_id, MARKETING):
        raise UnprocessableError(
            "reminders need your consent to marketing messages",
            code=AudienceErrorCode.CONSENT_REQUIRED,
        )
    digest = _hash(address)
    existing = session.scalar(
        select(ShowReminder).where(
            ShowReminder.show_id == show.id,
            ShowReminder.channel == booking.channel,
            ShowReminder.address_hash == digest,
        )
    )
    if existing is not None:
        existing.shopper_id = shopper_id
        existing.lang = booking.lang
        existing.time_zone = booking.time_zone
        existing.unsubscribed_at = None
        if subscription_json is not None:
            existing.push_subscription = subscription_json
        session.flush()
        return existing, False
    reminder = ShowReminder(
        store_id=store_id,
        show_id=show.id,
        shopper_id=shopper_id,
        channel=booking.channel,
        address_hash=digest,
        email=address if booking.channel == "email" else None,
        push_subscription=subscription_json,
        lang=booking.lang,
        time_zone=booking.time_zone,
        created_at=now,
    )
    session.add(reminder)
    session.flush()
    return reminder, True


def unsubscribe(session: Session, reminder_id: str, *, now: datetime) -> tuple[Store, int]:
    """One click: every reminder of this address (or browser) at this store stops; the
    store is returned for the confirmation page. Idempotent."""
    reminder = session.get(ShowReminder, reminder_id)
    if reminder is None:
        raise NotFoundError("no such reminder", code=AudienceErrorCode.BAD_UNSUBSCRIBE_TOKEN)
    store = session.get(Store, reminder.store_id)
    if store is None:  # pragma: no cover - cascades with the store
        raise NotFoundError("no such reminder", code=AudienceErrorCode.BAD_UNSUBSCRIBE_TOKEN)
    result = session.execute(
        update(ShowReminder)
        .where(
            ShowReminder.store_id == reminder.store_id,
            ShowReminder.channel == reminder.channel,
            ShowReminder.address_hash == reminder.address_hash,
            ShowReminder.unsubscribed_at.is_(None),
        )
        .values(unsubscribed_at=now)
    )
    return store, int(result.rowcount)  # type: ignore[attr-defined]


def forget_shopper(session: Session, store_id: str, shopper_id: str) -> int:
    """An erased shopper's reminders (their address) are deleted."""
    rows = session.scalars(
        select(ShowReminder).where(
            ShowReminder.store_id == store_id, ShowReminder.shopper_id == shopper_id
        )
    ).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def product_title(product: Product, lang: str, fallback: str) -> str:
    by_locale = {t.locale.split("-")[0]: t.title for t in product.translations}
    for key in (lang, fallback.split("-")[0]):
        if key in by_locale:
            return by_locale[key]
    return product.translations[0].title if product.translations else product.handle


def showcase_titles(session: Session, show_id: str, lang: str, fallback: str) -> list[str]:
    return [product_title(p, lang, fallback) for p in shows.showcase_products(session, show_id)]


def upcoming_shows(session: Session, store_id: str, now: datetime) -> list[Show]:
    """Scheduled shows from a little before now on, and those live now, soonest first."""
    return list(
        session.scalars(
            select(Show)
            .where(
                Show.store_id == store_id,
                (
                    (Show.status == ShowStatus.SCHEDULED)
                    & (Show.scheduled_at >= now - UPCOMING_GRACE)
                )
                | Show.status.in_((ShowStatus.LIVE, ShowStatus.INTERRUPTED)),
            )
            .order_by(Show.scheduled_at)
            .limit(50)
        )
    )


def reminder_store(session: Session, reminder_id: str) -> Store:
    reminder = session.get(ShowReminder, reminder_id)
    store = session.get(Store, reminder.store_id) if reminder is not None else None
    if store is None:
        raise NotFoundError("no such reminder", code=AudienceErrorCode.BAD_UNSUBSCRIBE_TOKEN)
    return store
