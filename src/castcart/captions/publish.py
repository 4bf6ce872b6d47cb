"""Getting caption segments from the worker process to the viewers.

The worker is its own process (ASR must not share the app's CPU budget or event loop), so
it cannot publish on the app's in-process bus. Two ways out, chosen by configuration:

- ``CASTCART_REDIS_URL`` set: publish onto the workers' Redis stream
  (``RedisWorkerPublisher``); one app node takes each ``CaptionSegment`` and publishes it as
  its own, so it is numbered for the viewers of every node, checked by the live guard and
  written to the audit log exactly once (a plain pub/sub copy reached every node only as a
  relayed event, which no node numbers, checks or records).
- otherwise (single-node install): POST the segments to the app's internal endpoint
  ``/api/v1/internal/captions/{show_id}``, signed with an HMAC of the shared
  ``CASTCART_SECRET_KEY`` and a timestamp (replays older than 5 minutes are refused); the app
  publishes them on its own bus.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Protocol

from castcart.events.types import CaptionSegment

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Castcart-Signature"
TIMESTAMP_HEADER = "X-Castcart-Timestamp"
MAX_SKEW_S = 300
# the app derives these from the show in the URL; the worker never asserts them
_NOT_SENT = {"id", "occurred_at", "store_id", "show_id"}


def _key(secret: str) -> bytes:
    # a key of its own, so a caption signature is useless anywhere else
    return hmac.new(secret.encode(), b"castcart-captions-v1", hashlib.sha256).digest()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(_key(secret), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    if not secret:  # an HMAC with an empty key proves nothing: anyone can make one
        return False
    try:
        skew = abs(now - int(timestamp))
    except ValueError:
        return False
    return skew <= MAX_SKEW_S and hmac.compare_digest(sign(secret, timestamp, body), signature)


class CaptionPublisher(Protocol):
    def publish(self, segments: list[CaptionSegment]) -> None: ...

    def close(self) -> None: ...


class BusPublisher:
    """Straight onto an event bus (Redis across nodes; in-process in tests/benchmarks)."""

    def __init__(self, bus: object) -> None:
        self.bus = bus

    def publish(self, segments: list[CaptionSegment]) -> None:
        for segment in segments:
            self.bus.publish(segment)  # type: ignore[attr-defined]

    def close(self) -> None:
        close = getattr(self.bus, "close", None)
        if callable(close):
            close()


class HttpPublisher:
    """POSTs to the app; a failed post is logged and dropped (a caption is worthless late)."""

    def __init__(self, base_url: str, secret: str, show_id: str, timeout_s: float = 5.0):
        self.url = f"{base_url.rstrip('/')}/api/v1/internal/captions/{show_id}"
        self.secret = secret
        self.timeout_s = timeout_s
        self.failures = 0

    def publish(self, segments: list[CaptionSegment]) -> None:
        if not segments:
            return
        body = json.dumps(
            {"segments": [s.model_dump(mode="json", exclude=_NOT_SENT) for s in segments]}
        ).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - operator-configured app URL
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(self.secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            self.failures += 1
            log.warning("could not post %d caption segments: %s", len(segments), exc)

    def close(self) -> None:
        return None
