"""The machine-readable codes of `privacy`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class PrivacyErrorCode(StrEnum):
    CONSENT_NOT_FOUND = "consent_not_found"
    CONSENT_RACE = "consent_race"
    SHOPPER_NOT_FOUND = "shopper_not_found"
