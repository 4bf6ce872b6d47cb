"""The machine-readable codes of `lingua`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class LinguaErrorCode(StrEnum):
    DUPLICATE_GLOSSARY_TERM = "duplicate_glossary_term"
    EMPTY_TERM = "empty_term"
    GLOSSARY_TERM_NOT_FOUND = "glossary_term_not_found"
    INCOMPLETE_GLOSSARY_ENTRY = "incomplete_glossary_entry"
    INVALID_LANGUAGE = "invalid_language"
    INVALID_LANGUAGE_COUNT = "invalid_language_count"
    LANGUAGE_UNDETECTED = "language_undetected"
    SAME_LANGUAGE = "same_language"
    SOURCE_LOCALE_MISSING = "source_locale_missing"
    TRANSLATION_NOT_FOUND = "translation_not_found"
    UNSUPPORTED_LANGUAGE = "unsupported_language"
