"""The machine-readable codes of `audience`'s errors (the ``code`` of the JSON error body)."""

from enum import StrEnum


class AudienceErrorCode(StrEnum):
    CONSENT_REQUIRED = "consent_required"
    SHOW_NOT_UPCOMING = "show_not_upcoming"
    BAD_TIME_ZONE = "bad_time_zone"
    BAD_PUSH_SUBSCRIPTION = "bad_push_subscription"
    PUSH_NOT_CONFIGURED = "push_not_configured"
    EMAIL_REQUIRED = "email_required"
    REPLAY_NOT_FOUND = "replay_not_found"
    SHOW_NOT_ENDED = "show_not_ended"
    BAD_UNSUBSCRIBE_TOKEN = "bad_unsubscribe_token"  # noqa: S105 - an error code
