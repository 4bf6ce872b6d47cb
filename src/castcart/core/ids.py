"""Opaque random identifiers: nothing to enumerate across tenants."""

from __future__ import annotations

import secrets
import uuid


def new_id() -> str:
    return uuid.uuid4().hex


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"
