"""What one analytics event is: a row of ``analytics_events``, the same columns on every
backend (DuckDB, ClickHouse, PostgreSQL).

Times are ``at_ms`` (epoch milliseconds, UTC) so every time computation in the queries is
integer arithmetic that reads the same in each SQL dialect. Money is in minor units:
``amount`` in the store currency, ``presentment_amount`` in the currency the shopper paid.
``viewer_id`` is the shopper session (a shopper id, guests included) or, for a beacon sent
without a session, ``anon:`` and the page's random id; ``shopper_id`` is set whenever the
event is linked to a shopper, so an erasure can remove every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

TABLE = "analytics_events"

# kind -> what it means (docs/analytics.md has the full table)
KINDS: dict[str, str] = {
    "session_start": "a viewer opened the show's live room (first connection)",
    "heartbeat": "the viewer is still in the room; watch_ms since the previous one",
    "session_end": "the viewer's last connection closed; watch_ms since the previous beat",
    "quality": "player rendition chosen (detail: label)",
    "rebuffer": "player stalled (watch_ms: stall length)",
    "product_impression": "a product card was shown (detail: card | pin | replay)",
    "product_click": "a product card, pin or replay mark was clicked (detail: surface)",
    "add_to_cart": "a line was added to the cart (quantity)",
    "checkout_start": "checkout was opened or an order placed awaiting payment",
    "order_paid": "an order was paid (amount: store currency; presentment_*: shopper's)",
    "purchase_item": "one line of a paid order (product_id, quantity, amount)",
    "coupon_use": "a paid order used a coupon (detail: coupon id)",
    "chat": "the viewer posted a chat line",
    "like": "the viewer liked",
    "poll_vote": "the viewer voted in a poll",
    "quiz_answer": "the viewer answered a quiz",
    "giveaway_entry": "the viewer entered a giveaway",
    "share": "the viewer shared the show (detail: channel)",
    "referral_join": "a viewer arrived through a share link (share_code)",
    "caption_language": "captions language chosen (detail: language)",
    "landing": "the page was opened; carries the source (UTM, referrer, widget host...)",
}

# strictly necessary counting: what is recorded before analytics consent (audience counts)
NECESSARY_KINDS = frozenset({"session_start", "heartbeat", "session_end"})
INTERACTION_KINDS = frozenset({"chat", "like", "poll_vote", "quiz_answer", "giveaway_entry"})


@dataclass(slots=True)
class Event:
    id: str
    store_id: str
    kind: str
    at_ms: int
    viewer_id: str
    show_id: str | None = None
    session_id: str | None = None
    shopper_id: str | None = None
    product_id: str | None = None
    order_id: str | None = None
    watch_ms: int = 0
    quantity: int = 0
    amount: int = 0
    currency: str | None = None
    presentment_amount: int = 0
    presentment_currency: str | None = None
    country: str | None = None
    lang: str | None = None
    source: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    referrer_host: str | None = None
    widget_host: str | None = None
    share_code: str | None = None
    detail: str | None = None

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in COLUMNS)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Event))
INT_COLUMNS = frozenset({"at_ms", "watch_ms", "quantity", "amount", "presentment_amount"})
REQUIRED = frozenset({"id", "store_id", "kind", "at_ms", "viewer_id"})


def ddl(dialect: str) -> list[str]:
    """``CREATE TABLE`` (and its indexes) for a backend."""
    cols = []
    for name in COLUMNS:
        if name in INT_COLUMNS:
            kind = "Int64" if dialect == "clickhouse" else "BIGINT"
        else:
            kind = "String" if dialect == "clickhouse" else "VARCHAR"
        if dialect == "clickhouse" and name not in REQUIRED:
            kind = f"Nullable({kind})" if name not in INT_COLUMNS else kind
        null = " NOT NULL" if name in REQUIRED and dialect != "clickhouse" else ""
        cols.append(f"{name} {kind}{null}")
    body = ", ".join(cols)
    if dialect == "clickhouse":
        return [
            f"CREATE TABLE IF NOT EXISTS {TABLE} ({body}) ENGINE = MergeTree "
            "ORDER BY (store_id, at_ms)"
        ]
    statements = [f"CREATE TABLE IF NOT EXISTS {TABLE} ({body})"]
    if dialect == "postgres":
        statements += [
            f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_show ON {TABLE} (store_id, show_id, at_ms)",
            f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_viewer ON {TABLE} (store_id, viewer_id)",
            f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_shopper ON {TABLE} (shopper_id)",
        ]
    return statements
