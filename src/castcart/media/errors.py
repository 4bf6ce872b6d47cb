"""The machine-readable codes of `media`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class MediaErrorCode(StrEnum):
    ALREADY_PUBLISHING = "already_publishing"
    BAD_CALLBACK_SECRET = "bad_callback_secret"  # noqa: S105 (an error code, not a secret)
    INGEST_OFF = "ingest_off"
    INGEST_PORT_BUSY = "ingest_port_busy"
    INGEST_PORTS_EXHAUSTED = "ingest_ports_exhausted"
    MEDIA_NOT_FOUND = "media_not_found"
    SHOW_ENDED = "show_ended"
    SHOW_NOT_FOUND = "show_not_found"
    SHOW_NOT_ENDED = "show_not_ended"
    STREAM_NOT_LIVE = "stream_not_live"
    STREAM_PUBLISHING = "stream_publishing"
    UNKNOWN_STREAM = "unknown_stream"
    UNKNOWN_STREAM_KEY = "unknown_stream_key"
