"""Language detection for chat lines and captions, restricted to the store's languages.

Chat is short, slangy and full of emoji: "ok", "😍😍", "hola!!". Detecting among all 75
languages lingua knows would guess wildly on those, so the detector only chooses among the
languages the store serves, demands a margin between the best and second-best language
(minimum relative distance), and gives up rather than guess: a message with no letters
(emoji, a URL, "!!!") is unknown, and an ambiguous one falls back to the language of the
viewer's page. Detectors are built once per language set and reused (building one costs far
more than a detection).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from castcart.lingua.languages import try_normalize
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Best-vs-second margin lingua must see to answer on its own (0 = always answer).
MIN_RELATIVE_DISTANCE = 0.15
# Without that margin, the best language is still taken when lingua is this sure of it.
MIN_CONFIDENCE = 0.5
# Fewer letters than this carry too little signal: trust the page language instead.
MIN_LETTERS = 2

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"[@#]\w+")


@dataclass(frozen=True)
class Detection:
    """``lang`` None means unknown; ``detected`` False means it came from the fallback."""

    lang: str | None
    detected: bool
    confidence: float = 0.0


def letters_only(text: str) -> str:
    """What is left for detection once URLs, @handles, #tags, emoji, digits are gone."""
    text = _HANDLE.sub(" ", _URL.sub(" ", text))
    return "".join(ch if ch.isalpha() else " " for ch in text).strip()


def _lingua_language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError:
        return None


@lru_cache(maxsize=32)
def _detector(languages: frozenset[str]) -> tuple[LanguageDetector, frozenset[str]]:
    known = {code: lang for code in languages if (lang := _lingua_language(code)) is not None}
    if len(known) < 2:
        # lingua needs two candidates; a one-language store detects nothing to translate.
        known.setdefault("en", Language.ENGLISH)
        known.setdefault("es", Language.SPANISH)
    # Load every model now, not lazily on the first detection: lingua holds the GIL while
    # it loads (0.3-1.2 s per language set), which would stall the event loop mid-show even
    # from a worker thread. Callers build detectors at start-up (``warm``) instead.
    detector = (
        LanguageDetectorBuilder.from_languages(*known.values())
        .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
        .with_preloaded_language_models()
        .build()
    )
    return detector, frozenset(known)


def warmed_language_sets() -> int:
    """How many language sets have a detector built (and its models loaded)."""
    return _detector.cache_info().currsize


class LanguageDetectorService:
    """Detection among a fixed set of languages (a store's), reusable across threads."""

    def __init__(self, languages: Iterable[str]) -> None:
        codes = frozenset(c for c in (try_normalize(x) for x in languages) if c)
        self.languages = codes
        self._detector, self._known = _detector(codes)

    def detect(self, text: str, fallback: str | None = None) -> Detection:
        fallback = try_normalize(fallback)
        if fallback is not None and fallback not in self.languages:
            fallback = None
        letters = letters_only(text)
        if sum(1 for ch in letters if ch.isalpha()) < MIN_LETTERS:
            return Detection(fallback, detected=False)
        found = self._detector.detect_language_of(letters)
        if found is not None:
            code = found.iso_code_639_1.name.lower()
            if code in self.languages:
                return Detection(code, detected=True, confidence=1.0)
        ranked = self._detector.compute_language_confidence_values(letters)
        if ranked:
            top = ranked[0]
            code = top.language.iso_code_639_1.name.lower()
            if top.value >= MIN_CONFIDENCE and code in self.languages:
                return Detection(code, detected=True, confidence=top.value)
        return Detection(fallback, detected=False)
