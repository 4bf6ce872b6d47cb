"""The reminder sender: finds the reminders due now, claims each (reminder, kind) by
inserting its row in ``audience_reminder_sends`` (unique: a second worker's insert fails
and it moves on), then sends the mail or the push and records the outcome. A failure keeps
the row ``pending`` with a later ``next_attempt_at`` (doubling back-off) until it is sent,
out of attempts (``failed``) or too late to be useful (``skipped``).

Run by ``castcart worker reminders`` or, with ``CASTCART_REMINDERS_IN_APP`` (default), by the
app itself; any number of them can run at once. The clock is a parameter, so tests move it.

What "never twice" rests on: a row is sent by the sender that inserted it, or that won the
conditional UPDATE that takes a ``pending`` retry; a sender that dies between the SMTP
server accepting the mail and the ``sent`` commit leaves the row ``sending``, and it is
retried after the lease (two minutes): that crash window is the one way to get a second
copy (at-least-once there, like every mail system)."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from castcart.accounts.models import Store
from castcart.audience import compose, push, service
from castcart.audience.models import ReminderSend, ShowReminder
from castcart.audience.schedule import (
    DAY_BEFORE,
    LIVE_WINDOW,
    ReminderKind,
    ShowTimes,
    due_kinds,
    still_timely,
)
from castcart.audience.tokens import unsubscribe_token
from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.core.settings import Settings
from castcart.notifications import mailer
from castcart.pages.i18n import SUPPORTED, PageLocale
from castcart.privacy import service as privacy
from castcart.shows.lifecycle import ShowStatus
from castcart.shows.models import Show

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(minutes=30)
MailSender = Callable[[Settings, EmailMessage], None]
PushSender = Callable[[Settings, dict[str, Any], dict[str, Any]], None]


def _times(show: Show) -> ShowTimes:
    return ShowTimes(show.scheduled_at, show.status, show.started_at)


def show_url(settings: Settings, store: Store, show_id: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/s/{store.slug}/shows/{show_id}"


def calendar_url(settings: Settings, store: Store, show_id: str) -> str:
    return f"{show_url(settings, store, show_id)}/calendar.ics"


def unsubscribe_url(settings: Settings, reminder_id: str) -> str:
    token = unsubscribe_token(settings.secret_key, reminder_id)
    return f"{settings.public_base_url.rstrip('/')}/unsubscribe/{token}"


@dataclass
class SendReport:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (reminder id, kind)
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


class ReminderSender:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        send_mail: MailSender = mailer.send,
        send_push: PushSender = push.send,
        name: str = "",
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self._send_mail = send_mail
        self._send_push = send_push
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"

    # -- finding and claiming ------------------------------------------------------------

    def due(self, now: datetime) -> list[tuple[str, ReminderKind]]:
        """(reminder, kind) pairs due now that nobody has claimed yet."""
        horizon = now + DAY_BEFORE + timedelta(minutes=1)
        with self.db.read() as session:
            rows = session.execute(
                select(ShowReminder.id, ShowReminder.created_at, Show)
                .join(Show, Show.id == ShowReminder.show_id)
                .where(
                    ShowReminder.unsubscribed_at.is_(None),
                    (
                        ((Show.status == ShowStatus.SCHEDULED) & (Show.scheduled_at <= horizon))
                        | (
                            Show.status.in_((ShowStatus.LIVE, ShowStatus.INTERRUPTED))
                            & (Show.started_at > now - LIVE_WINDOW)
                        )
                    ),
                )
            ).all()
            claimed = {
                (r.reminder_id, r.kind)
                for r in session.execute(
                    select(ReminderSend.reminder_id, ReminderSend.kind).where(
                        ReminderSend.reminder_id.in_([row[0] for row in rows])
                    )
                )
            }
        found = []
        for reminder_id, booked_at, show in rows:
            for kind in due_kinds(_times(show), booked_at, now):
                if (reminder_id, str(kind)) not in claimed:
                    found.append((reminder_id, kind))
        return found

    def claim_new(self, reminder_id: str, kind: ReminderKind, now: datetime) -> str | None:
        """Insert the (reminder, kind) row; None when another sender has it already."""
        try:
            with self.db.write() as session:
                row = ReminderSend(
                    reminder_id=reminder_id,
                    kind=str(kind),
                    status="sending",
                    attempts=0,
                    last_error="",
                    claimed_at=now,
                    worker=self.name[:64],
                )
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:
            return None

    def claim_retries(self, now: datetime, limit: int = 100) -> list[str]:
        """Take the pending rows whose retry is due, and ``sending`` rows a dead sender left
        (lease over), one conditional UPDATE each so only one sender gets a row."""
        with self.db.read() as session:
            candidates = list(
                session.scalars(
                    select(ReminderSend.id)
                    .where(
                        ((ReminderSend.status == "pending") & (ReminderSend.next_attempt_at <= now))
                        | (
                            (ReminderSend.status == "sending")
                            & (ReminderSend.claimed_at < now - LEASE)
                        )
                    )
                    .limit(limit)
                )
            )
        taken = []
        for send_id in candidates:
            with self.db.write() as session:
                result = session.execute(
                    update(ReminderSend)
                    .where(
                        ReminderSend.id == send_id,
                        ((ReminderSend.status == "pending") & (ReminderSend.next_attempt_at <= now))
                        | (
                            (ReminderSend.status == "sending")
                            & (ReminderSend.claimed_at < now - LEASE)
                        ),
                    )
                    .values(status="sending", claimed_at=now, worker=self.name[:64])
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    taken.append(send_id)
        return taken

    # -- sending --------------------------------------------------------------------------

    def run_once(self) -> SendReport:
        """One pass: claim what is due and send it. Returns what happened."""
        now = self.clock()
        report = SendReport()
        claimed = [
            send_id
            for reminder_id, kind in self.due(now)
            if (send_id := self.claim_new(reminder_id, kind, now)) is not None
        ]
        claimed.extend(self.claim_retries(now))
        for send_id in claimed:
            outcome, reminder_kind = self.deliver(send_id, now)
            if outcome == "sent" and reminder_kind is not None:
                report.sent.append(reminder_kind)
            elif outcome == "pending":
                report.retrying += 1
            elif outcome == "failed":
                report.failed += 1
            else:
                report.skipped += 1
        return report

    def _finish(self, send_id: str, **values: Any) -> None:
        with self.db.write() as session:
            session.execute(update(ReminderSend).where(ReminderSend.id == send_id).values(**values))

    def deliver(self, send_id: str, now: datetime) -> tuple[str, tuple[str, str] | None]:
        """Send one claimed row; returns its new status and (reminder id, kind)."""
        with self.db.read() as session:
            row = session.get(ReminderSend, send_id)
            if row is None:
                return "skipped", None
            reminder = session.get(ShowReminder, row.reminder_id)
            show = session.get(Show, reminder.show_id) if reminder else None
            store = session.get(Store, reminder.store_id) if reminder else None
            if reminder is None or show is None or store is None:
                return "skipped", None
            kind = ReminderKind(row.kind)
            key = (reminder.id, row.kind)
            reason = ""
            if reminder.unsubscribed_at is not None:
                reason = "unsubscribed"
            elif not privacy.has_consent(
                session, reminder.store_id, reminder.shopper_id, service.MARKETING
            ):
                reason = "no marketing consent"
            elif not still_timely(kind, _times(show), now):
                reason = "too late"
            lang = reminder.lang if reminder.lang in SUPPORTED else "en"
            loc = PageLocale(lang)
            content = compose.Reminder(
                kind=kind,
                to=reminder.email or "",
                sender=mailer.sender(self.settings),
                store_name=store.name,
                title=show.title,
                starts_at=show.started_at or show.scheduled_at,
                time_zone=reminder.time_zone,
                products=tuple(
                    service.showcase_titles(session, show.id, lang, store.default_locale)
                ),
                show_url=show_url(self.settings, store, show.id),
                calendar_url=calendar_url(self.settings, store, show.id),
                unsubscribe_url=unsubscribe_url(self.settings, reminder.id),
            )
            channel = reminder.channel
            subscription = json.loads(reminder.push_subscription or "null")
            attempts = (row.attempts or 0) + 1
        if reason:
            self._finish(send_id, status="skipped", last_error=reason, claimed_at=None)
            log.info("reminder %s (%s) not sent: %s", key[0], key[1], reason)
            return "skipped", key
        error = ""
        try:
            if channel == "email":
                if not mailer.configured(self.settings):
                    raise mailer.MailError("no SMTP server configured (CASTCART_SMTP_HOST)")
                self._send_mail(self.settings, compose.compose_mail(loc, content, now))
            else:
                self._send_push(self.settings, subscription, compose.push_payload(loc, content))
        except push.PushGone as exc:
            with self.db.write() as session:
                found = session.get(ShowReminder, key[0])
                if found is not None:
                    found.unsubscribed_at = now
            self._finish(send_id, status="skipped", last_error=str(exc)[:300], claimed_at=None)
            return "skipped", key
        except (mailer.MailError, push.PushError) as exc:
            error = str(exc)
        if not error:
            self._finish(
                send_id,
                status="sent",
                sent_at=now,
                attempts=attempts,
                last_error="",
                claimed_at=None,
            )
            target = (
                mailer.mask(content.to)
                if channel == "email"
                else urlsplit(subscription["endpoint"]).netloc
            )
            log.info("reminder %s (%s) sent to %s by %s", key[0], key[1], target, self.name)
            return "sent", key
        backoff = timedelta(seconds=self.settings.reminders_retry_seconds * 2 ** (attempts - 1))
        status = "failed" if attempts >= self.settings.reminders_max_attempts else "pending"
        self._finish(
            send_id,
            status=status,
            attempts=attempts,
            last_error=error[:300],
            claimed_at=None,
            next_attempt_at=now + min(backoff, MAX_BACKOFF),
        )
        log.warning("reminder %s (%s) not sent (try %d): %s", key[0], key[1], attempts, error)
        return status, key
