"""Real-time channel per show: chat (batched when busy, translated, moderated), likes,
viewer count, pins, show state, flash sales, metrics for staff; one node or several through
Redis (``realtime/cluster.py``)."""

from castcart.realtime.hub import (
    PROTOCOL_VERSION,
    Channel,
    ChatTranslator,
    Close,
    Connection,
    HubLimits,
    ModerationCommand,
    ModerationPort,
    ModerationRefused,
    RealtimeHub,
    ShowHub,
    TokenBucket,
    TranslatorFor,
    Viewer,
)

__all__ = [
    "PROTOCOL_VERSION",
    "Channel",
    "ChatTranslator",
    "Close",
    "Connection",
    "HubLimits",
    "ModerationCommand",
    "ModerationPort",
    "ModerationRefused",
    "RealtimeHub",
    "ShowHub",
    "TokenBucket",
    "TranslatorFor",
    "Viewer",
]
