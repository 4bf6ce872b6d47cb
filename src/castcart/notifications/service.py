"""Order mails, at most once per (order, kind).

An ``order.paid``, ``order.fulfilled``, ``order.cancelled`` or ``order.refunded`` event
asks for a mail: a row in
``notifications_sent`` is created once (unique order + kind), so the outbox relay
redelivering the event, or a second node, finds the row and sends nothing. A sender claims
the row (a lease) before talking to SMTP; a failure keeps it ``pending`` with a later
``next_attempt_at`` for the retry sweep, up to ``notifications_max_attempts``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.accounts.models import Shopper, Store
from castcart.catalog.models import Variant
from castcart.commerce.models import Order
from castcart.commerce.order_links import order_page_url
from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.core.errors import ConflictError, NotFoundError
from castcart.core.settings import Settings
from castcart.notifications import mailer
from castcart.notifications.compose import Mail, compose
from castcart.notifications.errors import NotificationErrorCode
from castcart.notifications.models import SentNotification
from castcart.pages.i18n import SUPPORTED, PageLocale
from castcart.pages.order_view import order_view

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)
Sender = Callable[[Settings, EmailMessage], None]
ERASED = "shopper erased"  # last_error of the mails an erasure skipped (never resent)


def request_mail(
    db: Database, *, store_id: str, order_id: str, kind: str, event_id: str, now: datetime
) -> str | None:
    """The row for this mail, created the first time; None when it was already sent or
    given up (a redelivered event)."""
    try:
        with db.write() as session:
            row = SentNotification(
                store_id=store_id,
                order_id=order_id,
                kind=kind,
                event_id=event_id,
                status="pending",
                attempts=0,
                last_error="",
                created_at=now,
                next_attempt_at=now,
            )
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        with db.read() as session:
            existing = session.scalar(
                select(SentNotification).where(
                    SentNotification.order_id == order_id, SentNotification.kind == kind
                )
            )
            if existing is None or existing.status != "pending":
                return None
            return existing.id


def _claim(db: Database, row_id: str, now: datetime, lease: timedelta = LEASE) -> bool:
    with db.write() as session:
        result = session.execute(
            update(SentNotification)
            .where(
                SentNotification.id == row_id,
                SentNotification.status == "pending",
                (SentNotification.claimed_at.is_(None))
                | (SentNotification.claimed_at < now - lease),
            )
            .values(claimed_at=now)
        )
        return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _message(session: Session, settings: Settings, row: SentNotification) -> EmailMessage | None:
    order = session.get(Order, row.order_id)
    if order is None or not order.contact_email:
        return None
    store = session.get(Store, order.store_id)
    shopper = session.get(Shopper, order.shopper_id)
    wanted = (shopper.locale if shopper else "") or (store.default_locale if store else "en")
    lang = wanted.split("-")[0].lower()
    loc = PageLocale(lang if lang in SUPPORTED else "en")
    options = {}
    for line in order.lines:
        variant = session.get(Variant, line.variant_id)
        if variant is not None:
            options[variant.id] = dict(variant.options or {})
    from castcart.payment_methods.catalog import default_catalog
    from castcart.payment_methods.values import PaymentMethodError

    method = order.payment_method or ""
    if method:
        with contextlib.suppress(PaymentMethodError):  # a method since removed: its id
            method = default_catalog().get(method).display_name(loc.lang, order.destination_country)
    view = order_view(loc, order, variant_options=options, payment_method_name=method)
    slug = store.slug if store else ""
    url = order_page_url(settings.public_base_url, slug, order.id, settings.secret_key)
    mail = Mail(
        kind=row.kind,
        to=order.contact_email,
        sender=mailer.sender(settings),
        store_name=store.name if store else "",
        order_url=f"{url}&lang={loc.lang}",
        view=view,
    )
    return compose(loc, mail)


def deliver(
    db: Database,
    settings: Settings,
    row_id: str,
    *,
    now: datetime | None = None,
    send: Sender = mailer.send,
) -> str | None:
    """Send one pending mail; returns its status afterwards (None: someone else has it)."""
    now = now or utcnow()
    lease = timedelta(seconds=settings.notifications_lease_seconds)
    if not _claim(db, row_id, now, lease):
        return None
    with db.read() as session:
        row = session.get(SentNotification, row_id)
        assert row is not None  # noqa: S101 - just claimed
        kind, order_id = row.kind, row.order_id
        try:
            message = _message(session, settings, row)
        except Exception as exc:  # a bug composing must not lose the mail: retried later
            log.exception("composing the %s mail of order %s failed", kind, order_id)
            message, error = None, f"compose: {type(exc).__name__}"
        else:
            error = ""
    values: dict[str, object] = {"claimed_at": None}
    if message is None and not error:
        values.update(status="skipped", last_error="no contact e-mail")
    elif message is not None:
        try:
            send(settings, message)
        except mailer.MailError as exc:
            error = str(exc)
            log.warning(
                "the %s mail of order %s to %s failed (%s); retried later",
                kind,
                order_id,
                mailer.mask(str(message["To"])),
                error,
            )
        else:
            values.update(
                status="sent", sent_at=utcnow(), message_id=str(message["Message-ID"])[:200]
            )
            log.info(
                "sent the %s mail of order %s to %s",
                kind,
                order_id,
                mailer.mask(str(message["To"])),
            )
    if error:
        with db.read() as session:
            attempts = (session.get(SentNotification, row_id).attempts or 0) + 1  # type: ignore[union-attr]
        backoff = timedelta(seconds=settings.notifications_retry_seconds * 2 ** (attempts - 1))
        values.update(
            attempts=attempts,
            last_error=error[:300],
            next_attempt_at=now + min(backoff, MAX_BACKOFF),
            status="failed" if attempts >= settings.notifications_max_attempts else "pending",
        )
    with db.write() as session:
        session.execute(
            update(SentNotification).where(SentNotification.id == row_id).values(**values)
        )
    return str(values.get("status", "pending"))


def skip_pending_for_shopper(db: Database, store_id: str, shopper_id: str) -> int:
    """The shopper was erased: the mails of their orders still waiting (a retry, a mail
    queued before the erasure) are never sent. Returns how many were skipped."""
    with db.write() as session:
        orders = select(Order.id).where(Order.store_id == store_id, Order.shopper_id == shopper_id)
        result = session.execute(
            update(SentNotification)
            .where(
                SentNotification.store_id == store_id,
                SentNotification.status == "pending",
                SentNotification.order_id.in_(orders),
            )
            .values(status="skipped", last_error=ERASED, claimed_at=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def due(db: Database, now: datetime, limit: int = 100) -> list[str]:
    """Pending mails whose next attempt is due (the retry sweep's work)."""
    with db.read() as session:
        return list(
            session.scalars(
                select(SentNotification.id)
                .where(
                    SentNotification.status == "pending",
                    SentNotification.next_attempt_at <= now,
                )
                .order_by(SentNotification.next_attempt_at)
                .limit(limit)
            )
        )


@dataclass(frozen=True)
class MailStatus:
    """What the admin sees of one order mail: its kind, where it stands, how many tries
    failed and why, and when it was asked for, sent or is next tried."""

    id: str
    kind: str
    status: str  # pending | sent | failed | skipped
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    sending: bool  # a sender holds it right now


def _status(row: SentNotification, now: datetime) -> MailStatus:
    return MailStatus(
        id=row.id,
        kind=row.kind,
        status=row.status,
        attempts=row.attempts or 0,
        last_error=row.last_error or "",
        created_at=row.created_at,
        sent_at=row.sent_at,
        next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
        sending=row.claimed_at is not None and row.claimed_at >= now - LEASE,
    )


def order_mails(
    session: Session, store_id: str, order_id: str, now: datetime | None = None
) -> list[MailStatus]:
    """The mails of one order of this store, in the order they were asked for."""
    now = now or utcnow()
    rows = session.scalars(
        select(SentNotification)
        .where(SentNotification.store_id == store_id, SentNotification.order_id == order_id)
        .order_by(SentNotification.created_at, SentNotification.kind)
    )
    return [_status(row, now) for row in rows]


def resend(
    db: Database, *, store_id: str, order_id: str, kind: str, actor: str, now: datetime
) -> MailStatus:
    """Queue an order mail again (staff asked: a typo fixed, a mail lost): the row goes back
    to ``pending`` with a fresh budget of attempts, due now; the next sender (the worker,
    or the retry sweep) sends it. Only a mail the order has had (a row of this store) can be
    resent, and not while a sender holds it. Logged with who asked."""
    with db.write() as session:
        row = session.scalar(
            select(SentNotification).where(
                SentNotification.store_id == store_id,
                SentNotification.order_id == order_id,
                SentNotification.kind == kind,
            )
        )
        if row is None:
            raise NotFoundError(
                f"order {order_id} has no {kind} mail", code=NotificationErrorCode.MAIL_NOT_FOUND
            )
        if row.claimed_at is not None and row.claimed_at >= now - LEASE:
            raise ConflictError(
                "this mail is being sent right now", code=NotificationErrorCode.MAIL_SENDING
            )
        if row.status == "skipped" and row.last_error == ERASED:
            raise ConflictError(
                "the shopper was erased: no mail", code=NotificationErrorCode.MAIL_ERASED
            )
        before = row.status
        row.status = "pending"
        row.attempts = 0
        row.last_error = ""
        row.claimed_at = None
        row.next_attempt_at = now
        session.flush()
        status = _status(row, now)
    log.info("staff %s re-queued the %s mail of order %s (was %s)", actor, kind, order_id, before)
    return status
