"""The machine-readable codes of `engagement`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class EngagementErrorCode(StrEnum):
    ALREADY_ANSWERED = "already_answered"
    ALREADY_ENTERED = "already_entered"
    ALREADY_VOTED = "already_voted"
    BANNED = "banned"
    COUPON_CODE_TAKEN = "coupon_code_taken"
    GIVEAWAY_ALREADY_OPEN = "giveaway_already_open"
    GIVEAWAY_DRAWN = "giveaway_drawn"
    GIVEAWAY_NOT_DRAWN = "giveaway_not_drawn"
    GIVEAWAY_NOT_FOUND = "giveaway_not_found"
    INVALID_OPTION = "invalid_option"
    NOT_ANSWERED = "not_answered"
    POLL_ALREADY_OPEN = "poll_already_open"
    POLL_CLOSED = "poll_closed"
    POLL_NOT_FOUND = "poll_not_found"
    QUIZ_ALREADY_OPEN = "quiz_already_open"
    QUIZ_NOT_FOUND = "quiz_not_found"
    QUIZ_NOT_REVEALED = "quiz_not_revealed"
    QUIZ_REVEALED = "quiz_revealed"
    SHOW_ENDED = "show_ended"
