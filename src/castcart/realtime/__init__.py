"""Real-time channel per show: chat, likes, viewer count, pins, show state, flash sales."""

from castcart.realtime.hub import (
    PROTOCOL_VERSION,
    Close,
    Connection,
    HubLimits,
    RealtimeHub,
    ShowHub,
    TokenBucket,
    Viewer,
)

__all__ = [
    "PROTOCOL_VERSION",
    "Close",
    "Connection",
    "HubLimits",
    "RealtimeHub",
    "ShowHub",
    "TokenBucket",
    "Viewer",
]
