"""The machine-readable codes of `assistant`'s errors (the ``code`` of the JSON error body)."""

from enum import StrEnum


class AssistantErrorCode(StrEnum):
    FAQ_NOT_FOUND = "faq_not_found"
    HANDOFF_NOT_FOUND = "handoff_not_found"
    HANDOFF_CLOSED = "handoff_closed"
    INVALID_QUESTION = "invalid_question"
    INVALID_FAQ = "invalid_faq"
    PRODUCT_NOT_FOUND = "product_not_found"
    SHOW_NOT_FOUND = "show_not_found"
    STORE_NOT_FOUND = "store_not_found"
