"""Turning what happens into analytics events, and the consent policy they pass.

Consent (the ``analytics`` purpose of ``castcart.privacy``), per shopper:

- **strictly necessary counting** (``session_start``, ``heartbeat``, ``session_end``: who
  is in the room and for how long, with the country and language the room already knows)
  is always recorded;
- **sales** (``add_to_cart``, ``checkout_start``, ``order_paid``, ``purchase_item``,
  ``coupon_use``) are always counted (the store's own sales record), but linked to the
  viewer only with consent: without it the event's viewer is ``anon:<event id>`` and it
  carries no shopper id, so it counts in orders and GMV but joins no funnel or attribution;
- **everything else** (beacon events: impressions, clicks, player, captions, shares,
  landings and their sources; room interactions: chat, likes, participation) only with
  consent.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from castcart.analytics.schema import NECESSARY_KINDS, Event
from castcart.core.ids import new_id

SALES_KINDS = frozenset(
    {"add_to_cart", "checkout_start", "order_paid", "purchase_item", "coupon_use"}
)
# what the page and widget may send (the room and the domain events record the rest)
BEACON_KINDS = frozenset(
    {
        "quality",
        "rebuffer",
        "product_impression",
        "product_click",
        "checkout_start",
        "share",
        "referral_join",
        "caption_language",
        "landing",
        "poll_vote",
        "quiz_answer",
        "giveaway_entry",
    }
)


def now_ms() -> int:
    return int(time.time() * 1000)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower()[:200] if host else None


def classify_source(
    *,
    campaign: str | None = None,
    utm_source: str | None = None,
    share_code: str | None = None,
    widget_host: str | None = None,
    referrer_host: str | None = None,
    own_host: str | None = None,
) -> str:
    """One source name per landing, the first that applies: a campaign code
    (``campaign:CODE``), ``utm_source`` (as given, lower case), a share link (``share``),
    the site embedding the widget (``widget:HOST``), another site's referrer
    (``ref:HOST``), else ``direct`` (no referrer, or one from the store's own pages)."""
    if campaign:
        return f"campaign:{campaign.strip().lower()[:64]}"
    if utm_source:
        return utm_source.strip().lower()[:64]
    if share_code:
        return "share"
    if widget_host:
        return f"widget:{widget_host.lower()[:200]}"
    if referrer_host and referrer_host != own_host:
        return f"ref:{referrer_host}"
    return "direct"


def beacon_events(
    payload: Any,
    *,
    store_id: str,
    show_id: str | None,
    viewer_id: str,
    shopper_id: str | None,
    own_host: str | None,
    received_ms: int,
) -> list[Event]:
    """The events of one validated beacon (``schemas.BeaconIn``). A client time more than
    ten minutes old or a minute ahead of the server is replaced by the arrival time."""
    source = payload.source
    fields: dict[str, Any] = {}
    if source is not None:
        referrer_host = _host(source.referrer)
        fields = {
            "utm_source": source.utm_source,
            "utm_medium": source.utm_medium,
            "utm_campaign": source.utm_campaign,
            "referrer_host": referrer_host,
            "widget_host": source.widget_host,
            "share_code": source.share_code,
            "source": classify_source(
                campaign=source.campaign,
                utm_source=source.utm_source,
                share_code=source.share_code,
                widget_host=source.widget_host,
                referrer_host=referrer_host,
                own_host=own_host,
            ),
        }
    batch = new_id()  # one random id per beacon; its events are batch:0, batch:1, ...
    out = []
    for n, item in enumerate(payload.events):
        at = item.t if item.t is not None else received_ms
        if not received_ms - 600_000 <= at <= received_ms + 60_000:
            at = received_ms
        extra = fields if item.kind in ("landing", "referral_join") else {}
        out.append(
            Event(
                id=f"{batch}:{n}",
                store_id=store_id,
                show_id=item.show_id or show_id,
                kind=item.kind,
                at_ms=at,
                viewer_id=viewer_id,
                session_id=payload.session,
                shopper_id=shopper_id,
                product_id=item.product_id,
                quantity=item.quantity or 0,
                watch_ms=item.ms or 0,
                detail=item.detail,
                lang=item.lang,
                **extra,
            )
        )
    return out


class ConsentGate:
    """Applies the policy above to events linked to a shopper; ``lookup(store, shopper)``
    reads the consent record (cached ``ttl`` seconds: a withdrawal applies within that)."""

    def __init__(self, lookup: Callable[[str, str], bool], ttl: float = 30.0) -> None:
        self.lookup = lookup
        self.ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def allowed(self, store_id: str, shopper_id: str) -> bool:
        key = (store_id, shopper_id)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = self.lookup(store_id, shopper_id)
        with self._lock:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[key] = (now, value)
        return value

    def cached(self, store_id: str, shopper_id: str) -> bool | None:
        """The cached answer, or None when it must be read."""
        with self._lock:
            hit = self._cache.get((store_id, shopper_id))
        if hit is None or time.monotonic() - hit[0] >= self.ttl:
            return None
        return hit[1]

    def forget(self, shopper_id: str) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[1] == shopper_id]:
                del self._cache[key]

    def __call__(self, events: list[Event]) -> list[Event]:
        out = []
        for event in events:
            shopper = event.shopper_id
            if (
                event.kind in NECESSARY_KINDS
                or shopper is None
                or self.allowed(event.store_id, shopper)
            ):
                out.append(event)
            elif event.kind in SALES_KINDS:
                out.append(replace(event, viewer_id=f"anon:{event.id}", shopper_id=None))
        return out


class SessionCache:
    """Shopper token -> shopper id for ``ttl`` seconds, so a page's beacons (one every few
    seconds, thousands a second across a big show) do not each read the token table. Keys
    are the token's SHA-256, never the token; a logout or an erasure applies within ``ttl``
    (erasure removes the shopper's events anyway)."""

    def __init__(self, ttl: float = 30.0, size: int = 100_000) -> None:
        self.ttl = ttl
        self.size = size
        self._cache: dict[tuple[str, str], tuple[float, str]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(store_id: str, token: str) -> tuple[str, str]:
        return store_id, hashlib.sha256(token.encode()).hexdigest()

    def get(self, store_id: str, token: str) -> str | None:
        key = self._key(store_id, token)
        with self._lock:
            hit = self._cache.get(key)
        if hit is None or time.monotonic() - hit[0] >= self.ttl:
            return None
        return hit[1]

    def put(self, store_id: str, token: str, shopper_id: str) -> str:
        key = self._key(store_id, token)
        with self._lock:
            if len(self._cache) >= self.size:
                self._cache.clear()
            self._cache[key] = (time.monotonic(), shopper_id)
        return shopper_id

    def forget(self, shopper_id: str) -> None:
        with self._lock:
            for key in [k for k, v in self._cache.items() if v[1] == shopper_id]:
                del self._cache[key]
