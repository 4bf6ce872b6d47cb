"""Real-time channel per show: chat (batched when busy, translated, moderated), likes,
viewer count, pins, show state, flash sales, metrics for staff; one node or several through
Redis (``realtime/cluster.py``)."""

from castcart.realtime.chat import ChatTranslator, TranslatorFor
from castcart.realtime.connection import Close, Connection, HubLimits, TokenBucket, Viewer
from castcart.realtime.frames import PROTOCOL_VERSION
from castcart.realtime.hub import Channel, RealtimeHub, ShowHub
from castcart.realtime.room_moderation import (
    ModerationCommand,
    ModerationPort,
    ModerationRefused,
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
