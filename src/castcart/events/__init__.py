"""Domain events: typed messages that services publish and other domains subscribe to."""

from castcart.events.bus import EventBus, InProcessEventBus
from castcart.events.types import (
    CartItemAdded,
    ChatPosted,
    ComplianceAlert,
    DomainEvent,
    FlashSaleStarted,
    LivePricesChanged,
    ModerationActionTaken,
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
    "CartItemAdded",
    "ChatPosted",
    "ModerationActionTaken",
    "ComplianceAlert",
    "DomainEvent",
    "EventBus",
    "FlashSaleStarted",
    "InProcessEventBus",
    "LivePricesChanged",
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
