"""Signed one-click unsubscribe links: ``{reminder id}.{HMAC}``, the key derived from
``CASTCART_SECRET_KEY``; no login, no database lookup to verify, nothing guessable."""

from __future__ import annotations

import base64
import hashlib
import hmac

_PURPOSE = b"castcart.audience.unsubscribe.v1"


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _mac(secret: str, reminder_id: str) -> str:
    digest = hmac.new(_key(secret), reminder_id.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def unsubscribe_token(secret: str, reminder_id: str) -> str:
    return f"{reminder_id}.{_mac(secret, reminder_id)}"


def verify_unsubscribe_token(secret: str, token: str) -> str | None:
    """The reminder id the token was made for, or None when it was not made with this key."""
    reminder_id, dot, mac = token.partition(".")
    if not dot or not reminder_id or len(reminder_id) > 32 or not reminder_id.isalnum():
        return None
    return reminder_id if hmac.compare_digest(mac, _mac(secret, reminder_id)) else None
