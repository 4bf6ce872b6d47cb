"""Translation as the rest of castcart sees it: any pair the installed engines reach, directly
or through English, with the store glossary applied and every engine call cached.

``StoreChatTranslator`` adapts it to the real-time hub's ``ChatTranslator`` protocol
(``translate(text, targets) -> (source_lang, {lang: text})``): detect the chat line's
language among the store's languages, then translate it into each audience language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from castcart.core.errors import UnprocessableError
from castcart.lingua.cache import TranslationCache, cache_key
from castcart.lingua.detect import LanguageDetectorService
from castcart.lingua.engines import EngineError, Pair, TranslationEngine
from castcart.lingua.glossary import EMPTY, Glossary, unmask
from castcart.lingua.languages import PIVOT, try_normalize

log = logging.getLogger(__name__)


class UnsupportedPairError(UnprocessableError):
    code = "unsupported_language_pair"


class TranslationFailedError(UnprocessableError):
    status_code = 503
    code = "translation_unavailable"


@dataclass(frozen=True)
class Leg:
    source: str
    target: str
    engines: tuple[TranslationEngine, ...]


class Translator:
    def __init__(
        self, engines: Sequence[TranslationEngine], cache: TranslationCache | None = None
    ) -> None:
        self.engines = list(engines)
        self.cache = cache or TranslationCache()

    def _engines_for(self, pair: Pair) -> tuple[TranslationEngine, ...]:
        return tuple(e for e in self.engines if pair in e.pairs())

    def route(self, source: str, target: str) -> list[Leg] | None:
        """The direct pair if an engine has it, else one pivot language: English first
        (OPUS-MT and most engines are English-centred), then any other the engines share
        (Apertium is Spanish-centred: en -> es -> pt)."""
        direct = self._engines_for((source, target))
        if direct:
            return [Leg(source, target, direct)]
        languages = {lang for e in self.engines for pair in e.pairs() for lang in pair}
        for pivot in [PIVOT, *sorted(languages - {PIVOT})]:
            if pivot in (source, target):
                continue
            first = self._engines_for((source, pivot))
            second = self._engines_for((pivot, target))
            if first and second:
                return [Leg(source, pivot, first), Leg(pivot, target, second)]
        return None

    def can_translate(self, source: str, target: str) -> bool:
        return source == target or self.route(source, target) is not None

    def pairs(self) -> set[Pair]:
        direct = {p for e in self.engines for p in e.pairs()}
        langs = {lang for pair in direct for lang in pair}
        return {(s, t) for s in langs for t in langs if s != t and self.route(s, t)}

    def translate(
        self, texts: Sequence[str], source: str, target: str, glossary: Glossary = EMPTY
    ) -> list[str]:
        if source == target:
            return list(texts)
        legs = self.route(source, target)
        if legs is None:
            raise UnsupportedPairError(
                f"no translation engine for {source}-{target}",
                details={"source": source, "target": target},
            )
        masked = [glossary.mask(t, source, target) for t in texts]
        current = [m.text for m in masked]
        for leg in legs:
            current = self._translate_leg(leg, current)
        return [unmask(out, m) for out, m in zip(current, masked, strict=True)]

    def translate_to_many(
        self, texts: Sequence[str], source: str, targets: Iterable[str], glossary: Glossary = EMPTY
    ) -> dict[str, list[str]]:
        """Into each target the engines reach; unreachable or failing targets are left out
        (a viewer then sees the original, which beats no message)."""
        out: dict[str, list[str]] = {}
        for target in sorted(set(targets)):
            if target == source:
                continue
            try:
                out[target] = self.translate(texts, source, target, glossary)
            except UnsupportedPairError:
                continue
            except TranslationFailedError:
                log.warning("translation %s-%s failed; sending the original", source, target)
        return out

    def _translate_leg(self, leg: Leg, texts: list[str]) -> list[str]:
        engine_name = leg.engines[0].name
        unique = sorted({t for t in texts if t.strip()})
        keys = {t: cache_key(engine_name, leg.source, leg.target, t) for t in unique}
        cached = self.cache.get_many(list(keys.values()))
        done = {t: cached[k] for t, k in keys.items() if k in cached}
        todo = [t for t in unique if t not in done]
        if todo:
            used, fresh = self._call_engines(leg, todo)
            done.update(fresh)
            if used == engine_name:  # a fallback engine's output is not cached as the best's
                self.cache.put_many({keys[t]: v for t, v in fresh.items()})
        return [done.get(t, t) for t in texts]

    def _call_engines(self, leg: Leg, texts: list[str]) -> tuple[str, dict[str, str]]:
        errors = []
        for engine in leg.engines:
            try:
                result = engine.translate(texts, leg.source, leg.target)
            except EngineError as exc:
                errors.append(str(exc))
                log.warning("%s failed for %s-%s: %s", engine.name, leg.source, leg.target, exc)
                continue
            if len(result) != len(texts):
                errors.append(f"{engine.name} returned {len(result)} of {len(texts)}")
                continue
            return engine.name, dict(zip(texts, result, strict=True))
        raise TranslationFailedError(
            f"translation {leg.source}-{leg.target} failed", details={"errors": errors}
        )


class StoreChatTranslator:
    """The real-time ``ChatTranslator`` for one store: blocking; the hub runs it off the
    event loop. Unknown language (emoji, a link) -> ``(None, {})``: nothing to translate."""

    def __init__(
        self,
        translator: Translator,
        languages: Iterable[str],
        *,
        glossary: Glossary = EMPTY,
        default_lang: str | None = None,
    ) -> None:
        self.translator = translator
        self.languages = frozenset(c for c in (try_normalize(x) for x in languages) if c)
        self.detector = LanguageDetectorService(self.languages)
        self.glossary = glossary
        self.default_lang = try_normalize(default_lang)

    def detect(self, text: str, fallback: str | None = None) -> str | None:
        return self.detector.detect(text, fallback or self.default_lang).lang

    def translate(
        self, text: str, targets: frozenset[str], fallback: str | None = None
    ) -> tuple[str | None, dict[str, str]]:
        wanted_any = {t for t in (try_normalize(x) for x in targets) if t}
        if not wanted_any or not text.strip():
            return None, {}  # nobody needs a translation: skip detection too
        source = self.detect(text, fallback)
        if source is None:
            return None, {}
        wanted = wanted_any - {source}
        translated = self.translator.translate_to_many([text], source, wanted, self.glossary)
        return source, {lang: texts[0] for lang, texts in translated.items()}
