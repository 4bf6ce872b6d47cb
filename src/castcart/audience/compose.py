"""Reminder mails and push payloads, in the language and time zone the shopper booked in,
with the RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from castcart.audience.schedule import ReminderKind
from castcart.pages.i18n import PageLocale

_SUBJECTS = {
    ReminderKind.DAY_BEFORE: ("reminder.subject_24h", "reminder.intro_24h"),
    ReminderKind.TEN_MINUTES: ("reminder.subject_10m", "reminder.intro_10m"),
    ReminderKind.LIVE: ("reminder.subject_live", "reminder.intro_live"),
}

_env = Environment(
    loader=PackageLoader("castcart.audience", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Reminder:
    """What one reminder says (everything already in the shopper's language)."""

    kind: ReminderKind
    to: str
    sender: str
    store_name: str
    title: str
    starts_at: datetime
    time_zone: str
    products: tuple[str, ...]
    show_url: str
    calendar_url: str
    unsubscribe_url: str

    def when(self, loc: PageLocale) -> str:
        zone = ZoneInfo(self.time_zone)
        return f"{loc.datetime(self.starts_at, zone)} ({self.time_zone})"


def texts(loc: PageLocale, reminder: Reminder) -> tuple[str, str]:
    subject_key, intro_key = _SUBJECTS[reminder.kind]
    when = reminder.when(loc)
    return (
        loc.t(subject_key, title=reminder.title, store=reminder.store_name),
        loc.t(intro_key, store=reminder.store_name, when=when),
    )


def compose_mail(loc: PageLocale, reminder: Reminder, now: datetime) -> EmailMessage:
    subject, intro = texts(loc, reminder)
    context = {
        "t": loc.t,
        "lang": loc.lang,
        "dir": loc.direction,
        "subject": subject,
        "intro": intro,
        "r": {
            "title": reminder.title,
            "when": reminder.when(loc),
            "products": reminder.products,
            "show_url": reminder.show_url,
            "calendar_url": reminder.calendar_url,
            "unsubscribe_url": reminder.unsubscribe_url,
            "store_name": reminder.store_name,
        },
    }
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = reminder.sender
    message["To"] = reminder.to
    message["Date"] = format_datetime(now)
    domain = reminder.sender.rpartition("@")[2].strip(">") or "castcart.local"
    message["Message-ID"] = make_msgid(domain=domain)
    # RFC 2369 + RFC 8058: mail clients offer "unsubscribe" and POST to it in one click
    message["List-Unsubscribe"] = f"<{reminder.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_env.get_template("reminder_mail.txt").render(context))
    message.add_alternative(_env.get_template("reminder_mail.html").render(context), subtype="html")
    message["Content-Language"] = loc.lang  # after the body: set_content drops Content-*
    return message


def push_payload(loc: PageLocale, reminder: Reminder) -> dict[str, Any]:
    """What the service worker shows (``web/src/push-sw.js``)."""
    subject, intro = texts(loc, reminder)
    return {
        "title": subject,
        "body": intro,
        "url": reminder.show_url,
        "tag": f"castcart-reminder-{reminder.kind}",
        "lang": loc.lang,
        "dir": loc.direction,
    }
