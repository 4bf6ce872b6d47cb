"""The machine-readable codes of `accounts`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class AccountsErrorCode(StrEnum):
    ALREADY_REGISTERED = "already_registered"
    EMAIL_TAKEN = "email_taken"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_TICKET = "invalid_ticket"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - an error code, not a secret
    SIGNUP_DISABLED = "signup_disabled"
    SLUG_TAKEN = "slug_taken"
    STORE_NOT_FOUND = "store_not_found"
