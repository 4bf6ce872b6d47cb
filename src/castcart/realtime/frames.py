"""The wire frames of protocol v1 (``docs/realtime.md``): how they are encoded and which
domain events become which frame. Pure functions, no state."""

from __future__ import annotations

import json
import struct
import unicodedata
from datetime import UTC, datetime
from typing import Any

from castcart.events import DomainEvent, ModerationActionTaken, ShowBroadcast

PROTOCOL_VERSION = 1
CHAT_TYPES = frozenset({"chat.message", "chat.batch"})
# frames whose payload the room mirrors into its state (also when they come from Redis)
MIRRORED = frozenset({"pin", "show.state", "slow_mode", "likes", "viewers"})


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def encode(type_: str, seq: int, payload: dict[str, Any]) -> str:
    """A frame for one connection, carrying ``seq`` (the current one, not a new one)."""
    message = {"type": type_, "v": PROTOCOL_VERSION, "seq": seq, **payload}
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def encode_parts(type_: str, payload: dict[str, Any]) -> tuple[str, str]:
    """A frame as ``head + str(seq) + tail``: encoded once, numbered by whoever assigns the
    seq (this hub, or a Redis script when nodes share the show)."""
    head = '{"type":' + json.dumps(type_) + ',"v":' + str(PROTOCOL_VERSION) + ',"seq":'
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return head, ("," + body[1:] if len(body) > 2 else "}")


def wire(frame: str) -> bytes:
    """``frame`` as one unmasked, unfragmented WebSocket text frame (RFC 6455 5.2), the bytes a
    server puts on the socket: the same for every viewer, so a broadcast is framed once and
    written to each socket as it is. No extension (permessage-deflate) may be in use."""
    data = frame.encode()
    n = len(data)
    if n < 126:
        return bytes((0x81, n)) + data
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + data
    return struct.pack("!BBQ", 0x81, 127, n) + data


def frame_for(event: DomainEvent) -> tuple[str, dict[str, Any]] | None:
    """The numbered frame a domain event becomes in its show's room, if any: every
    ``ShowBroadcast`` for everyone (pins, show state, flash sales, polls, captions, ...), and
    the two moderation actions the whole room sees."""
    if isinstance(event, ModerationActionTaken) and event.show_id:
        if event.action == "delete" and event.message_id:
            return "chat.deleted", {"message_id": event.message_id}
        if event.action == "slow_mode":
            return "slow_mode", {"seconds": event.seconds or None}
        return None
    if isinstance(event, ShowBroadcast) and event.frame_type and event.audience != "staff":
        return event.frame_type, event.frame_payload()
    return None


# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): an RLO
# in a chat line reverses the text after it ("gpj.exe" spoofing) and an unclosed one leaks
# into what the page shows next. The plain marks (LRM, RLM, ALM) stay: they only nudge
# neutral characters and Arabic and Hebrew writers use them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(text: str) -> str:
    """Drop control characters other than newline and tab, and bidi embeddings, overrides
    and isolates; chat is plain text."""
    return "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in BIDI_CONTROLS)
    ).strip()
