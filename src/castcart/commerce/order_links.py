"""Unguessable links to a shopper's order page (and its invoice).

The link in the confirmation e-mail must open on any device without a session, so it
carries a capability: an HMAC of the order id under a key derived from the operator's
``secret_key``. Order ids alone never open a page (no enumeration); a wrong or missing key
looks exactly like a missing order. No expiry: an order page is looked at for months
(returns, warranty), like the e-mail that carries the link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

_PURPOSE = b"castcart-order-page-v1"


def _key(secret: str) -> bytes:
    # A purpose-bound key: a leaked order link says nothing about other signatures.
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def order_key(secret: str, order_id: str) -> str:
    """The ``?key=`` of ``order_id``'s page (43 URL-safe characters, 256 bits)."""
    mac = hmac.new(_key(secret), order_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def check_order_key(secret: str, order_id: str, key: str | None) -> bool:
    """Constant-time check; any text (non-ASCII included) is just a wrong key."""
    if not key or len(key) > 64:
        return False
    expected = order_key(secret, order_id).encode()
    return hmac.compare_digest(expected, key.encode("utf-8", "surrogatepass"))


def order_page_path(store_slug: str, order_id: str, secret: str) -> str:
    return f"/shop/{quote(store_slug)}/orders/{quote(order_id)}?key={order_key(secret, order_id)}"


def order_page_url(base_url: str, store_slug: str, order_id: str, secret: str) -> str:
    return base_url.rstrip("/") + order_page_path(store_slug, order_id, secret)
