"""Domain events: typed messages that services publish and other domains subscribe to."""

from castcart.events.bus import EventBus, InProcessEventBus
from castcart.events.types import (
    DomainEvent,
    FlashSaleStarted,
    OrderCancelled,
    OrderCreated,
    OrderFulfilled,
    OrderPaid,
    OrderRefunded,
    ProductPinned,
    ShowBroadcast,
    ShowEnded,
    ShowStarted,
    StockLow,
)

__all__ = [
    "DomainEvent",
    "EventBus",
    "FlashSaleStarted",
    "InProcessEventBus",
    "OrderCancelled",
    "OrderCreated",
    "OrderFulfilled",
    "OrderPaid",
    "OrderRefunded",
    "ProductPinned",
    "ShowBroadcast",
    "ShowEnded",
    "ShowStarted",
    "StockLow",
]
