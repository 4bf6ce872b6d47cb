from __future__ import annotations

import pytest

from castcart.lingua import detect
from castcart.lingua.detect import LanguageDetectorService, letters_only

STORE = ["en", "es", "fr", "pt", "id", "ms", "de"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetectorService:
    return LanguageDetectorService(STORE)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("¿cuánto cuesta el vestido?", "es"),
        ("merci beaucoup, c'est magnifique", "fr"),
        ("how much is shipping to Canada?", "en"),
        ("obrigado, adorei a cor", "pt"),
        ("gibt es das auch in blau?", "de"),
        ("Hola!! 😍😍 cuánto cuesta??", "es"),
    ],
)
def test_detects_the_language_of_chat_lines(
    detector: LanguageDetectorService, text: str, lang: str
) -> None:
    found = detector.detect(text, fallback="en")
    assert found.lang == lang
    assert found.detected


@pytest.mark.parametrize(
    "text", ["😍😍😍", "https://shop.example.com/p/123", "!!! 👍", "@anna #sale", "", "5"]
)
def test_no_letters_means_unknown_or_the_page_language(
    detector: LanguageDetectorService, text: str
) -> None:
    assert detector.detect(text).lang is None
    fallback = detector.detect(text, fallback="pt-BR")
    assert (fallback.lang, fallback.detected) == ("pt", False)


def test_ambiguous_short_text_falls_back_to_the_page_language(
    detector: LanguageDetectorService,
) -> None:
    # "ok" is a word in most of the store's languages: no language wins by a margin
    found = detector.detect("ok", fallback="fr")
    assert (found.lang, found.detected) == ("fr", False)


def test_only_store_languages_are_candidates() -> None:
    detector = LanguageDetectorService(["en", "es"])
    found = detector.detect("gibt es das auch in blau?", fallback="en")
    assert found.lang in {"en", "es"}
    # a fallback outside the store's languages is not used
    assert detector.detect("😍", fallback="de").lang is None


def test_detector_is_built_once_per_language_set() -> None:
    LanguageDetectorService(["en", "es", "it"])
    before = detect._detector.cache_info().hits
    LanguageDetectorService(["it", "es", "en-GB"])
    assert detect._detector.cache_info().hits == before + 1


def test_letters_only_strips_links_handles_and_emoji() -> None:
    assert letters_only("@anna look 👉 https://x.io/a?b=1 #sale wow").split() == ["look", "wow"]
