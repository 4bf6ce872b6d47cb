"""The mails' text and HTML, in the shopper's language, from the same order view as the
order page (castcart.pages.order_view): the totals a shopper reads in the mail are the
page's and the invoice's."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from jinja2 import Environment, PackageLoader, select_autoescape

from castcart.core.clock import utcnow
from castcart.pages.i18n import PageLocale
from castcart.pages.order_view import OrderView

KINDS = ("order_paid", "order_shipped", "order_cancelled", "order_refunded")
# kind -> the locale keys of its subject and first paragraph
_TEXTS = {
    "order_paid": ("mail.paid_subject", "mail.paid_intro"),
    "order_shipped": ("mail.shipped_subject", "mail.shipped_intro"),
    "order_cancelled": ("mail.cancelled_subject", "mail.cancelled_intro"),
    "order_refunded": ("mail.refunded_subject", "mail.refunded_intro"),
}


@dataclass(frozen=True)
class Mail:
    kind: str
    to: str
    sender: str
    store_name: str
    order_url: str
    view: OrderView


_env = Environment(
    loader=PackageLoader("castcart.notifications", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def _subject_and_intro(loc: PageLocale, mail: Mail) -> tuple[str, str]:
    if mail.kind not in _TEXTS:
        raise ValueError(f"unknown mail kind {mail.kind!r}")
    subject, intro = _TEXTS[mail.kind]
    return (
        loc.t(subject, number=mail.view.number),
        loc.t(intro, store=mail.store_name),
    )


def compose(loc: PageLocale, mail: Mail) -> EmailMessage:
    subject, intro = _subject_and_intro(loc, mail)
    context = {
        "t": loc.t,
        "lang": loc.lang,
        "dir": loc.direction,
        "subject": subject,
        "intro": intro,
        "mail": mail,
        "view": mail.view,
        "shipped": [s for s in mail.view.shipments if s["tracking_number"]]
        if mail.kind == "order_shipped"
        else [],
    }
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail.sender
    message["To"] = mail.to
    message["Date"] = format_datetime(utcnow())
    domain = mail.sender.rpartition("@")[2].strip(">") or "castcart.local"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # no vacation auto-replies to a robot
    message.set_content(_env.get_template("order_mail.txt").render(context))
    message.add_alternative(_env.get_template("order_mail.html").render(context), subtype="html")
    message["Content-Language"] = loc.lang  # after the body: set_content drops Content-*
    return message
