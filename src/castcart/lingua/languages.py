"""Language codes: castcart speaks ISO 639-1 (``en``, ``pt``) everywhere; region tags from a
browser (``pt-BR``) and legacy codes (``in`` for Indonesian) are folded onto them so a cache
key, a glossary entry and a WebSocket ``lang`` always agree."""

from __future__ import annotations

import re

from castcart.core.errors import UnprocessableError
from castcart.lingua.errors import LinguaErrorCode

# The languages castcart ships UI strings for, plus those Apertium pairs reach. A store
# chooses its audience languages among these.
SUPPORTED: frozenset[str] = frozenset(
    {"en", "es", "fr", "de", "ar", "id", "ms", "th", "vi", "pt", "zh", "it", "ca", "nl"}
)
PIVOT = "en"

_LEGACY = {"in": "id", "iw": "he", "ji": "yi", "zlm": "ms", "ind": "id", "eng": "en"}
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def normalize(code: str) -> str:
    """``pt-BR`` -> ``pt``; raises for anything that is not a language tag."""
    code = code.strip()
    if not _TAG.match(code):
        raise UnprocessableError(
            f"not a language tag: {code!r}", code=LinguaErrorCode.INVALID_LANGUAGE
        )
    base = code.replace("_", "-").split("-")[0].lower()
    return _LEGACY.get(base, base)


def normalize_supported(code: str) -> str:
    lang = normalize(code)
    if lang not in SUPPORTED:
        raise UnprocessableError(
            f"language {lang!r} is not supported",
            code=LinguaErrorCode.UNSUPPORTED_LANGUAGE,
            details={"supported": sorted(SUPPORTED)},
        )
    return lang


def try_normalize(code: str | None) -> str | None:
    """Like ``normalize`` but for untrusted hints (a viewer's ``lang``): None when invalid."""
    if not code:
        return None
    try:
        return normalize(code)
    except UnprocessableError:
        return None
