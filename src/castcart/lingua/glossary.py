"""The store glossary: brand and product names are never translated, and catalog terms get
the store's preferred translation, whatever the engine would have said.

Both work the same way: before the text reaches an engine each term is replaced by an opaque
placeholder token (``ZQX0``) that machine translation copies through untouched (Apertium
marks it unknown, neural models copy rare tokens); afterwards each placeholder is replaced
by the original term (protected) or by the preferred translation. URLs, @mentions and
#hashtags are protected the same way so chat keeps them intact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_PLACEHOLDER = re.compile(r"[*#@~]?\bZQX(\d{1,3})\b", re.IGNORECASE)
_ALWAYS_PROTECTED = re.compile(r"(?:https?://|www\.)\S+|(?<!\w)[@#]\w+", re.IGNORECASE)


def placeholder(index: int) -> str:
    return f"ZQX{index}"


@dataclass(frozen=True)
class Masked:
    """A text with its terms replaced by placeholders, and what each placeholder stands for
    in the target language."""

    text: str
    restore: tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    """``protected``: terms kept verbatim in every language. ``preferred``: per
    (source, target) language pair, source term -> the translation to use."""

    protected: frozenset[str] = frozenset()
    preferred: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        protected: Iterable[str] = (),
        preferred: Iterable[tuple[str, str, str, str]] = (),
    ) -> Glossary:
        """``preferred`` rows are (source_lang, term, target_lang, translation)."""
        table: dict[tuple[str, str], dict[str, str]] = {}
        for source, term, target, translation in preferred:
            table.setdefault((source, target), {})[term.casefold()] = translation
        return cls(frozenset(t for t in protected if t.strip()), table)

    def _pattern(self, source: str, target: str) -> re.Pattern[str] | None:
        terms = set(self.protected) | set(self.preferred.get((source, target), {}))
        if not terms:
            return None
        alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def mask(self, text: str, source: str, target: str) -> Masked:
        restore: list[str] = []
        preferred = self.preferred.get((source, target), {})
        protected = {t.casefold() for t in self.protected}

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            key = found.casefold()
            if key in preferred and key not in protected:
                restore.append(preferred[key])
            else:
                restore.append(found)  # keep the surface form the writer used
            return placeholder(len(restore) - 1)

        text = _ALWAYS_PROTECTED.sub(swap, text)
        pattern = self._pattern(source, target)
        if pattern is not None:
            text = pattern.sub(swap, text)
        return Masked(text, tuple(restore))

    def with_pair(self, source: str, target: str) -> bool:
        return bool(self.protected or self.preferred.get((source, target)))


EMPTY = Glossary()


def unmask(translated: str, masked: Masked) -> str:
    """Put the terms back. A placeholder the engine dropped is appended rather than losing
    a brand name; an unknown index (the engine invented one) is removed."""
    seen: set[int] = set()

    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(masked.restore):
            return ""
        seen.add(index)
        return masked.restore[index]

    out = _PLACEHOLDER.sub(put_back, translated)
    missing = [term for i, term in enumerate(masked.restore) if i not in seen]
    if missing:
        out = " ".join([out.rstrip(), *missing])
    return re.sub(r"[ \t]{2,}", " ", out).strip()
