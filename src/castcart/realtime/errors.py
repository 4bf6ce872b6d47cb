"""The machine-readable codes of `realtime`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class RealtimeErrorCode(StrEnum):
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
