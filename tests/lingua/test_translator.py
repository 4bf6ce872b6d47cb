"""Routing, caching and the chat adapter over recording engines (the real engines have
their own tests); pure logic, so the engines here are simple dictionaries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from castcart.core.db import Database
from castcart.core.migrate import upgrade
from castcart.lingua.cache import DatabaseCache, TranslationCache
from castcart.lingua.engines import EngineError, Pair
from castcart.lingua.glossary import Glossary
from castcart.lingua.translator import (
    StoreChatTranslator,
    TranslationFailedError,
    Translator,
    UnsupportedPairError,
)


class TagEngine:
    """Translates by tagging each text with the pair, and records its calls."""

    def __init__(self, name: str, pairs: set[Pair], fail: bool = False) -> None:
        self.name = name
        self._pairs = frozenset(pairs)
        self.calls: list[tuple[str, str, list[str]]] = []
        self.fail = fail

    def pairs(self) -> frozenset[Pair]:
        return self._pairs

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.calls.append((source, target, list(texts)))
        if self.fail:
            raise EngineError("down")
        return [f"[{target}] {t}" for t in texts]


def test_direct_pair_and_batching() -> None:
    engine = TagEngine("a", {("en", "es")})
    out = Translator([engine]).translate(["hi", "bye", "hi"], "en", "es")
    assert out == ["[es] hi", "[es] bye", "[es] hi"]
    assert engine.calls == [("en", "es", ["bye", "hi"])]  # one call, duplicates once


def test_pivots_through_english_first() -> None:
    engine = TagEngine("a", {("es", "en"), ("en", "fr"), ("es", "pt"), ("pt", "fr")})
    translator = Translator([engine])
    assert [(leg.source, leg.target) for leg in translator.route("es", "fr") or []] == [
        ("es", "en"),
        ("en", "fr"),
    ]
    assert translator.translate(["hola"], "es", "fr") == ["[fr] [en] hola"]


def test_pivots_through_another_language_when_english_cannot() -> None:
    # Apertium's pairs centre on Spanish: en -> es -> pt
    translator = Translator([TagEngine("apertium", {("en", "es"), ("es", "pt")})])
    assert translator.translate(["hello"], "en", "pt") == ["[pt] [es] hello"]
    assert translator.route("pt", "en") is None


def test_unreachable_pair_is_a_clear_error() -> None:
    translator = Translator([TagEngine("a", {("en", "es")})])
    with pytest.raises(UnsupportedPairError) as exc:
        translator.translate(["hi"], "en", "th")
    assert exc.value.code == "unsupported_language_pair"
    assert translator.translate_to_many(["hi"], "en", ["th", "es", "en"]) == {"es": ["[es] hi"]}


def test_glossary_survives_a_pivot() -> None:
    translator = Translator([TagEngine("a", {("es", "en"), ("en", "fr")})])
    glossary = Glossary.build(
        protected=["Castcart"], preferred=[("es", "vestido", "fr", "robe longue")]
    )
    [out] = translator.translate(["vestido de Castcart"], "es", "fr", glossary)
    assert out == "[fr] [en] robe longue de Castcart"


def test_cache_hits_skip_the_engine() -> None:
    engine = TagEngine("a", {("en", "es")})
    translator = Translator([engine])
    translator.translate(["hello", "how much?"], "en", "es")
    translator.translate(["how much?", "hello"], "en", "es")
    assert len(engine.calls) == 1
    assert translator.cache.stats.hits == 2
    assert translator.cache.stats.misses == 2


def test_lru_evicts_oldest() -> None:
    cache = TranslationCache(maxsize=2)
    cache.put_many({"a": "1", "b": "2"})
    cache.get_many(["a"])
    cache.put_many({"c": "3"})
    assert cache.get_many(["a", "b", "c"]) == {"a": "1", "c": "3"}


def test_database_cache_is_shared_between_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    upgrade(url)
    db = Database(url, pool_size=2)
    try:
        first_engine, second_engine = TagEngine("a", {("en", "es")}), TagEngine("a", {("en", "es")})
        Translator([first_engine], TranslationCache(shared=DatabaseCache(db))).translate(
            ["hello"], "en", "es"
        )
        # a fresh process: empty LRU, same database
        other = Translator([second_engine], TranslationCache(shared=DatabaseCache(db)))
        assert other.translate(["hello"], "en", "es") == ["[es] hello"]
        assert second_engine.calls == []
        # writing the same key twice is harmless
        DatabaseCache(db).put_many({"k": "v"})
        DatabaseCache(db).put_many({"k": "v", "k2": "w"})
        assert DatabaseCache(db).get_many(["k", "k2", "nope"]) == {"k": "v", "k2": "w"}
    finally:
        db.dispose()


def test_falls_back_to_the_next_engine_without_caching_its_output() -> None:
    broken = TagEngine("best", {("en", "es")}, fail=True)
    backup = TagEngine("backup", {("en", "es")})
    translator = Translator([broken, backup])
    assert translator.translate(["hi"], "en", "es") == ["[es] hi"]
    assert translator.translate(["hi"], "en", "es") == ["[es] hi"]
    assert len(broken.calls) == 2  # tried again: the backup's output is not the best's
    with pytest.raises(TranslationFailedError):
        Translator([broken]).translate(["hi"], "en", "es")


def test_chat_adapter_detects_and_translates_into_each_target() -> None:
    translator = Translator([TagEngine("a", {("es", "en"), ("en", "es"), ("en", "fr")})])
    chat = StoreChatTranslator(translator, ["en", "es", "fr"], default_lang="en")
    source, out = chat.translate("¿cuánto cuesta el vestido?", frozenset({"en", "fr", "es", "th"}))
    assert source == "es"
    assert out == {
        "en": "[en] ¿cuánto cuesta el vestido?",
        "fr": "[fr] [en] ¿cuánto cuesta el vestido?",
    }
    unknown = StoreChatTranslator(translator, ["en", "es"])
    assert unknown.translate("😍😍", frozenset({"es"})) == (None, {})
