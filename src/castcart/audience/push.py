"""Web Push (RFC 8030) with VAPID (RFC 8292) and the aes128gcm payload encryption (RFC 8291),
through ``pywebpush``. The operator generates the key pair once
(``castcart audience vapid-keys --out FILE``) and points ``CASTCART_VAPID_PRIVATE_KEY_FILE``
at it; browsers subscribe with its public half (the page gets it from the API)."""

from __future__ import annotations

import base64
import json
import os
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from castcart.core.settings import Settings
from castcart.notifications import mailer

TTL_SECONDS = 1800  # a reminder nobody received within half an hour is stale


class PushError(Exception):
    """The push service refused or could not be reached; retried later."""


class PushGone(PushError):
    """404/410: the browser dropped the subscription; the reminder is unsubscribed."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def generate_vapid_keys(path: Path) -> str:
    """Write a new P-256 private key (PEM, mode 0600) to ``path``; return the public key as
    the browsers want it (base64url of the uncompressed point). Refuses to overwrite."""
    if path.exists():
        raise FileExistsError(f"{path} exists: a new key would orphan every subscription")
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return public_key_of(key)


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(raw)


@cache
def _load(path: str, mtime: float) -> Vapid02:
    vapid = Vapid02.from_file(private_key_file=path)
    if not isinstance(vapid, Vapid02):  # pragma: no cover - from_file returns cls
        raise TypeError("not a VAPID key")
    return vapid


def vapid_key(settings: Settings) -> Vapid02 | None:
    """The operator's VAPID key, or None when Web Push is not set up."""
    path = settings.vapid_private_key_file
    if path is None:
        return None
    try:
        return _load(str(path), path.stat().st_mtime)
    except OSError as exc:
        raise PushError(f"VAPID key {path} cannot be read: {exc}") from exc


def public_key(settings: Settings) -> str | None:
    vapid = vapid_key(settings)
    if vapid is None:
        return None
    return public_key_of(vapid.private_key)


def subject(settings: Settings) -> str:
    """Who the push services may contact (RFC 8292 ``sub``): a mailto: or https: URL."""
    if settings.vapid_subject:
        return settings.vapid_subject
    return "mailto:" + mailer.sender(settings).rpartition("<")[2].strip(">")


def check_subscription(data: Any) -> dict[str, Any]:
    """A browser's ``PushSubscription.toJSON()``, checked: an https endpoint (http only on a
    loopback host, for tests), a P-256 public key and a 16-byte auth secret."""
    if not isinstance(data, dict):
        raise ValueError("subscription must be an object")
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not isinstance(keys, dict):
        raise ValueError("subscription needs an endpoint and keys")
    parts = urlsplit(endpoint)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ValueError("the push endpoint must be an https URL")
    try:
        p256dh = base64.urlsafe_b64decode(str(keys.get("p256dh", "")) + "==")
        auth = base64.urlsafe_b64decode(str(keys.get("auth", "")) + "==")
    except (ValueError, TypeError) as exc:
        raise ValueError("subscription keys are not base64url") from exc
    if len(p256dh) != 65 or p256dh[0] != 4 or len(auth) != 16:
        raise ValueError("subscription keys are not a P-256 key and a 16-byte secret")
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def send(settings: Settings, subscription: dict[str, Any], payload: dict[str, Any]) -> None:
    """Encrypt ``payload`` (JSON) for the subscription and POST it to its push service."""
    vapid = vapid_key(settings)
    if vapid is None:
        raise PushError("Web Push is not configured (CASTCART_VAPID_PRIVATE_KEY_FILE)")
    try:
        webpush(
            subscription,
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid,
            vapid_claims={"sub": subject(settings)},
            ttl=TTL_SECONDS,
            timeout=settings.smtp_timeout_seconds,
            headers={"Urgency": "high"},
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise PushGone(f"push subscription gone ({status})") from exc
        raise PushError(str(exc).splitlines()[0][:300]) from exc
    except OSError as exc:  # requests' ConnectionError is an OSError
        raise PushError(f"{type(exc).__name__}: {exc}"[:300]) from exc
