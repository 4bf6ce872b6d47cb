"""Sending through the operator's SMTP server (stdlib smtplib: a relay, not a mail server)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import urlsplit

from castcart.core.settings import Settings


class MailError(Exception):
    """The SMTP server refused or could not be reached; the mail stays pending."""


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def sender(settings: Settings) -> str:
    if settings.smtp_from:
        return settings.smtp_from
    host = urlsplit(settings.public_base_url).hostname or "localhost"
    return f"orders@{host}"


def mask(address: str) -> str:
    """``alex@example.com`` → ``a***@example.com``: logs say which mail, not whose."""
    _, email = parseaddr(address)
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def send(settings: Settings, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable, TLS, auth
        raise MailError(f"{type(exc).__name__}: {exc}"[:300]) from exc
