"""The machine-readable codes of `moderation`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class ModerationErrorCode(StrEnum):
    FILTER_EXISTS = "filter_exists"
    FILTER_NOT_FOUND = "filter_not_found"
    INVALID_ACTION = "invalid_action"
    INVALID_DURATION = "invalid_duration"
    INVALID_MESSAGE = "invalid_message"
    INVALID_TERM = "invalid_term"
    NOT_BANNED = "not_banned"
    TOO_MANY_FILTERS = "too_many_filters"
    VIEWER_NOT_FOUND = "viewer_not_found"
