"""The analytics side of a running app: the store and its writer, the consent gate, the
recorder of domain events (bus) and the room tracker (the real-time room's activity).

One ``Analytics`` per app, a service on the app context (``ctx.services``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from castcart.analytics.schema import Event
from castcart.analytics.service import ConsentGate, SessionCache, now_ms
from castcart.analytics.store import AnalyticsStore, open_store
from castcart.analytics.writer import AnalyticsWriter
from castcart.core.db import Database
from castcart.core.ids import new_id
from castcart.core.settings import Settings
from castcart.events import DomainEvent, EventBus
from castcart.realtime.connection import Viewer

log = logging.getLogger(__name__)

# what the recorder takes from the bus (the catalogue in docs/architecture.md reads this)
RECORDED_TYPES = ("cart.item_added", "order.created", "order.paid", "shopper.erased")


def store_location(settings: Settings) -> str:
    if settings.analytics_location:
        return settings.analytics_location
    if settings.analytics_backend == "clickhouse":
        return str(Path(settings.data_dir) / "analytics-ch")
    if settings.analytics_backend == "postgres":
        raise ValueError("CASTCART_ANALYTICS_LOCATION must name the PostgreSQL URL")
    return str(Path(settings.data_dir) / "analytics.duckdb")


def to_store_amount(
    amount: int, currency: str, store_currency: str | None, fx_rate: str | None
) -> int:
    """A presentment amount in the store currency (``fx_rate``: 1 store unit = rate
    presentment units, as the order recorded it)."""
    from castcart.money import minor_units

    if not store_currency or store_currency == currency or not fx_rate:
        return amount
    try:
        rate = Decimal(fx_rate)
        major = Decimal(amount).scaleb(-minor_units(currency)) / rate
        return int(major.scaleb(minor_units(store_currency)).quantize(1, ROUND_HALF_EVEN))
    except (InvalidOperation, ZeroDivisionError):
        return amount


class RoomTracker:
    """Viewer sessions from the real-time room: a session starts with a viewer's first
    connection to a show and ends with the last; ``beat`` (every
    ``analytics_heartbeat_seconds``) writes a heartbeat per open session carrying the watch
    time since the previous one, so the minute audience sees every minute a viewer stayed
    and a crash loses at most one interval. Staff are not viewers."""

    def __init__(self, record: Callable[[list[Event]], None], clock: Callable[[], int]) -> None:
        self._record = record
        self._clock = clock
        self._lock = threading.Lock()
        # (store, show, viewer) -> [connections, session id, last beat ms, country, lang]
        self._open: dict[tuple[str, str, str], list[Any]] = {}

    def _event(self, store_id: str, show_id: str, viewer: Viewer, kind: str, **kw: Any) -> Event:
        return Event(
            id=new_id(),
            store_id=store_id,
            show_id=show_id,
            kind=kind,
            at_ms=kw.pop("at_ms", None) or self._clock(),
            viewer_id=viewer.id,
            shopper_id=viewer.id,
            **kw,
        )

    def joined(self, store_id: str, show_id: str, viewer: Viewer) -> None:
        if viewer.is_staff:
            return
        key = (store_id, show_id, viewer.id)
        now = self._clock()
        with self._lock:
            entry = self._open.get(key)
            if entry is not None:
                entry[0] += 1
                return
            session = new_id()
            self._open[key] = [1, session, now]
        self._record(
            [
                self._event(
                    store_id,
                    show_id,
                    viewer,
                    "session_start",
                    at_ms=now,
                    session_id=session,
                    country=viewer.country,
                    lang=viewer.lang,
                )
            ]
        )

    def left(self, store_id: str, show_id: str, viewer: Viewer) -> None:
        if viewer.is_staff:
            return
        key = (store_id, show_id, viewer.id)
        now = self._clock()
        with self._lock:
            entry = self._open.get(key)
            if entry is None:
                return
            entry[0] -= 1
            if entry[0] > 0:
                return
            del self._open[key]
        self._record(
            [
                self._event(
                    store_id,
                    show_id,
                    viewer,
                    "session_end",
                    at_ms=now,
                    session_id=entry[1],
                    watch_ms=max(0, now - entry[2]),
                )
            ]
        )

    def interacted(self, store_id: str, show_id: str, viewer: Viewer, kind: str) -> None:
        if viewer.is_staff:
            return
        with self._lock:
            entry = self._open.get((store_id, show_id, viewer.id))
        session = entry[1] if entry else None
        self._record([self._event(store_id, show_id, viewer, kind, session_id=session)])

    def beat(self) -> int:
        """A heartbeat for every open session; returns how many."""
        now = self._clock()
        events = []
        with self._lock:
            for (store_id, show_id, viewer_id), entry in self._open.items():
                events.append(
                    Event(
                        id=new_id(),
                        store_id=store_id,
                        show_id=show_id,
                        kind="heartbeat",
                        at_ms=now,
                        viewer_id=viewer_id,
                        shopper_id=viewer_id,
                        session_id=entry[1],
                        watch_ms=max(0, now - entry[2]),
                    )
                )
                entry[2] = now
        if events:
            self._record(events)
        return len(events)

    def end_all(self) -> None:
        """Close every open session (app shutdown: the sockets are closing)."""
        now = self._clock()
        with self._lock:
            items, self._open = list(self._open.items()), {}
        events = [
            Event(
                id=new_id(),
                store_id=store_id,
                show_id=show_id,
                kind="session_end",
                at_ms=now,
                viewer_id=viewer_id,
                shopper_id=viewer_id,
                session_id=entry[1],
                watch_ms=max(0, now - entry[2]),
            )
            for (store_id, show_id, viewer_id), entry in items
        ]
        if events:
            self._record(events)

    @property
    def open_sessions(self) -> int:
        with self._lock:
            return len(self._open)


class Analytics:
    """The app's analytics: ``writer`` (opened on first use), ``gate``, ``tracker``."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        store: AnalyticsStore | None = None,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.db = db
        self.settings = settings
        self.gate = ConsentGate(self._consent, settings.analytics_consent_ttl_seconds)
        self.sessions = SessionCache(settings.analytics_consent_ttl_seconds)
        self.tracker = RoomTracker(self._record_room, clock)
        self._store = store
        self._writer: AnalyticsWriter | None = None
        self._lock = threading.Lock()
        self._stops: list[Callable[[], None]] = []
        self._closed = False

    @property
    def enabled(self) -> bool:
        return self.settings.analytics_backend != "off" and not self._closed

    @property
    def writer(self) -> AnalyticsWriter:
        with self._lock:
            if self._writer is None:
                store = self._store or open_store(
                    self.settings.analytics_backend, store_location(self.settings)
                )
                self._writer = AnalyticsWriter(
                    store,
                    flush_seconds=self.settings.analytics_flush_seconds,
                    batch_events=self.settings.analytics_batch_events,
                    queue_events=self.settings.analytics_queue_events,
                    gate=self.gate,
                ).start()
            return self._writer

    def open(self) -> None:
        """Open the store and start the writer (the app's lifespan; again after a close).

        A DuckDB file takes one writing process: a second app process or node on the same
        file (``--workers 2``, two nodes on Redis sharing a data directory) cannot open it.
        That node then records no analytics and its dashboard answers
        ``analytics_unavailable``, rather than failing to start; several processes need the
        PostgreSQL or ClickHouse backend."""
        with self._lock:
            self._closed = False
        try:
            self.writer  # noqa: B018 - opened on first use
        except duckdb.Error as exc:
            log.error(
                "analytics store %s is held by another process (%s): this process records no "
                "analytics; with several app processes or nodes set "
                "CASTCART_ANALYTICS_BACKEND=postgres or clickhouse",
                store_location(self.settings),
                exc,
            )
            with self._lock:
                self._closed = True

    def _record_room(self, events: list[Event]) -> None:
        self.record(events)

    def record(self, events: list[Event], *, gated: bool = True) -> bool:
        if not self.enabled or not events:
            return False
        return self.writer.submit(events, gated=gated)

    def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.writer.query(name, **params)

    def flush(self, timeout: float = 10.0) -> bool:
        return self.writer.flush(timeout) if self.enabled else True

    def _consent(self, store_id: str, shopper_id: str) -> bool:
        from castcart.privacy.service import allows

        with self.db.read() as session:  # under the consent model of the shopper's market
            return allows(session, store_id, shopper_id, "analytics")

    # -- domain events ------------------------------------------------------------------

    def attach(self, bus: EventBus) -> None:
        """Record the domain events (``local_only``: once per cluster, where published)."""
        for kind in RECORDED_TYPES:
            self._stops.append(bus.subscribe(kind, self.on_event, local_only=True))

    def on_event(self, event: DomainEvent) -> None:
        if not self.enabled:
            return
        if event.type == "shopper.erased":
            shopper_id = str(getattr(event, "shopper_id", ""))
            self.gate.forget(shopper_id)
            self.sessions.forget(shopper_id)
            self.writer.erase(event.store_id, shopper_id)
            return
        events = self._from_domain(event)
        if events:
            self.record(events)

    def _from_domain(self, event: DomainEvent) -> list[Event]:
        from castcart.catalog.models import Variant
        from castcart.commerce.models import Coupon, Order, OrderLine

        at = int(event.occurred_at.timestamp() * 1000)
        base: dict[str, Any] = {"store_id": event.store_id, "at_ms": at}
        if event.type == "cart.item_added":
            shopper_id = str(getattr(event, "shopper_id", ""))
            with self.db.read() as session:
                variant = session.get(Variant, str(getattr(event, "variant_id", "")))
                product_id = variant.product_id if variant is not None else None
            return [
                Event(
                    id=f"{event.id}:cart",
                    kind="add_to_cart",
                    viewer_id=shopper_id,
                    shopper_id=shopper_id,
                    show_id=getattr(event, "show_id", None),
                    product_id=product_id,
                    quantity=int(getattr(event, "quantity", 0)),
                    **base,
                )
            ]
        order_id = str(getattr(event, "order_id", ""))
        with self.db.read() as session:
            order = session.get(Order, order_id)
            if order is None or order.store_id != event.store_id:
                return []
            common: dict[str, Any] = {
                **base,
                "viewer_id": order.shopper_id,
                "shopper_id": order.shopper_id,
                "show_id": order.show_id,
                "order_id": order.id,
            }
            if event.type == "order.created":
                return [Event(id=f"{event.id}:checkout", kind="checkout_start", **common)]
            lines = list(
                session.scalars(
                    select(OrderLine)
                    .where(OrderLine.order_id == order.id)
                    .order_by(OrderLine.position)
                )
            )
            coupon = session.get(Coupon, order.coupon_id) if order.coupon_id else None
            store_currency = order.store_currency or order.currency

            def in_store(amount: int) -> int:
                return to_store_amount(amount, order.currency, order.store_currency, order.fx_rate)

            out = [
                Event(
                    id=f"{event.id}:paid",
                    kind="order_paid",
                    amount=in_store(order.total_amount),
                    currency=store_currency,
                    presentment_amount=order.total_amount,
                    presentment_currency=order.currency,
                    quantity=sum(line.quantity for line in lines),
                    country=order.destination_country,
                    **common,
                )
            ]
            out += [
                Event(
                    id=f"{event.id}:item:{line.position}",
                    kind="purchase_item",
                    product_id=line.product_id,
                    quantity=line.quantity,
                    amount=in_store(line.line_total_amount),
                    currency=store_currency,
                    presentment_amount=line.line_total_amount,
                    presentment_currency=order.currency,
                    **common,
                )
                for line in lines
            ]
            if coupon is not None:
                out.append(
                    Event(
                        id=f"{event.id}:coupon",
                        kind="coupon_use",
                        detail=coupon.code,
                        amount=in_store(order.discount_amount),
                        currency=store_currency,
                        **common,
                    )
                )
            return out

    def close(self) -> None:
        for stop in self._stops:
            stop()
        self._stops = []
        with self._lock:
            writer, self._writer = self._writer, None
            self._closed = True
        if writer is not None:
            writer.close()
