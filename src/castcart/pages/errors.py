"""The machine-readable codes of `pages`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class PagesErrorCode(StrEnum):
    UNKNOWN_COUNTRY = "unknown_country"
