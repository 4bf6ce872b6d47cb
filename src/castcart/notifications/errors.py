"""The machine-readable codes of `notifications`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class NotificationErrorCode(StrEnum):
    MAIL_ERASED = "mail_erased"
    MAIL_NOT_FOUND = "mail_not_found"
    MAIL_SENDING = "mail_sending"
