"""The event catalogue. Each event has a dotted ``type`` name and a JSON-able payload so the
same objects can cross a Redis channel later without a second schema."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from castcart.core.clock import utcnow
from castcart.core.ids import new_id


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: ClassVar[str] = "event"
    id: str = Field(default_factory=new_id)
    store_id: str
    occurred_at: datetime = Field(default_factory=utcnow)

    def envelope(self) -> dict[str, object]:
        return {"type": self.type, **self.model_dump(mode="json")}


class ShowStarted(DomainEvent):
    type: ClassVar[str] = "show.started"
    show_id: str


class ShowEnded(DomainEvent):
    type: ClassVar[str] = "show.ended"
    show_id: str


class ProductPinned(DomainEvent):
    type: ClassVar[str] = "product.pinned"
    show_id: str
    product_id: str | None


class FlashSaleStarted(DomainEvent):
    type: ClassVar[str] = "flash_sale.created"
    show_id: str
    flash_sale_id: str
    variant_id: str
    price_amount: int
    quantity_cap: int
    starts_at: datetime
    ends_at: datetime


class _OrderEvent(DomainEvent):
    order_id: str
    show_id: str | None
    total_amount: int
    currency: str


class OrderCreated(_OrderEvent):
    type: ClassVar[str] = "order.created"
    item_count: int


class OrderPaid(_OrderEvent):
    type: ClassVar[str] = "order.paid"


class OrderCancelled(_OrderEvent):
    type: ClassVar[str] = "order.cancelled"
    reason: str


class OrderFulfilled(_OrderEvent):
    type: ClassVar[str] = "order.fulfilled"


class OrderRefunded(_OrderEvent):
    type: ClassVar[str] = "order.refunded"


class StockLow(DomainEvent):
    type: ClassVar[str] = "stock.low"
    variant_id: str
    sku: str
    available: int


class ShowBroadcast(DomainEvent):
    """A show event the real-time channel forwards as-is to everyone watching the show.

    Subclasses name their frame with ``frame_type``; the frame's payload is the event's own
    fields (``frame_payload``). New live features (polls, giveaways, captions, ...) define
    such an event here and publish it; the hub needs no change. Keep them in this module so
    that ``event_from_envelope`` knows them on every node."""

    frame_type: ClassVar[str] = ""
    # "all": a numbered broadcast (seq, backlog); "staff": sent to the show's staff
    # connections only (owner, host, moderator), carrying the current seq without taking one.
    audience: ClassVar[str] = "all"
    show_id: str

    def frame_payload(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude={"id", "store_id", "show_id"})


class LivePrice(BaseModel):
    variant_id: str
    price_amount: int


class LivePricesChanged(ShowBroadcast):
    """The show's live prices were replaced (minor units of the store currency)."""

    type: ClassVar[str] = "show.live_prices"
    frame_type: ClassVar[str] = "live_prices"
    prices: list[LivePrice]
    currency: str
    actor_id: str | None = None


class ComplianceAlert(ShowBroadcast):
    """Findings on something the host said (a chat line or a caption segment), for staff."""

    type: ClassVar[str] = "compliance.alert"
    frame_type: ClassVar[str] = "compliance.alert"
    audience: ClassVar[str] = "staff"
    source: str  # "host_chat" | "caption"
    ref: str  # the chat message id or caption segment id
    text: str
    markets: list[str]
    findings: list[dict[str, object]]


def _all_event_classes(root: type[DomainEvent]) -> list[type[DomainEvent]]:
    found = []
    for cls in root.__subclasses__():
        found.append(cls)
        found.extend(_all_event_classes(cls))
    return found


def event_from_envelope(envelope: dict[str, object]) -> DomainEvent | None:
    """Rebuild a typed event from ``DomainEvent.envelope()`` (e.g. after crossing Redis).
    Unknown types give None: a newer node may publish events this one does not know yet."""
    by_type = {cls.type: cls for cls in _all_event_classes(DomainEvent)}
    cls = by_type.get(str(envelope.get("type", "")))
    if cls is None:
        return None
    payload = {k: v for k, v in envelope.items() if k not in {"type", "node"}}
    return cls.model_validate(payload)
