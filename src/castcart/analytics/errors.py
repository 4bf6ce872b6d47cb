"""The machine-readable codes of `analytics`' errors (the ``code`` of the JSON error body)."""

from enum import StrEnum


class AnalyticsErrorCode(StrEnum):
    BAD_BEACON = "bad_beacon"
    UNKNOWN_ANALYTICS_BACKEND = "unknown_analytics_backend"
    UNKNOWN_ANALYTICS_QUERY = "unknown_analytics_query"
    ANALYTICS_UNAVAILABLE = "analytics_unavailable"
    SHOW_NOT_FOUND = "show_not_found"
