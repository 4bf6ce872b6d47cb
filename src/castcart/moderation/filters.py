"""Word filters that survive case, accents and simple obfuscation.

Text and terms are folded the same way, one character at a time (so a match maps back to
the original characters for masking): compatibility decomposition (NFKD: full-width and
ligatures become plain letters), combining marks dropped (accents), ``casefold``, and common
look-alike digits and symbols read as letters (``0``→o, ``1``→i, ``3``→e, ``4``/``@``→a,
``5``/``$``→s, ``7``/``+``→t). A term then matches with each letter repeatable and with any
run of separators between letters (``b.a.d``, ``b a d``, ``baaad``), bounded by non-letters on
both sides (``Scunthorpe`` problems stay out) except in scripts written without spaces
(Chinese, Japanese, Thai, ...), where a term matches anywhere. One compiled alternation per
store (stdlib ``re``), built when the store's list changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_LOOKALIKES = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "+": "t"}
)
_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")
ACTIONS = frozenset({"block", "mask"})


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base.casefold().translate(_LOOKALIKES)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            out.append(c)
            index.append(i)
    return "".join(out), index


def fold(text: str) -> str:
    """The matching form of a text: what two spellings of one word have in common."""
    return fold_with_map(text)[0]


def fold_term(term: str) -> str:
    """A term's matching form: folded, separators removed (they are optional in matches)."""
    return "".join(c for c in fold(term) if c.isalnum())


def _unspaced(term: str) -> bool:
    return any(any(script in unicodedata.name(c, "") for script in _UNSPACED_SCRIPTS) for c in term)


def _pattern(folded_term: str) -> str:
    body = r"[\W_]*".join(re.escape(c) + "+" for c in folded_term)
    if _unspaced(folded_term):
        return body
    return rf"(?<![^\W_]){body}(?![^\W_])"


@dataclass(frozen=True)
class FilterHit:
    term: str
    action: str
    start: int  # in the original text
    end: int


class WordFilterSet:
    """A store's compiled filters; ``scan`` finds the hits, ``apply`` decides the outcome."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        """``entries``: (term, action) with action ``block`` or ``mask``."""
        self._actions: dict[str, tuple[str, str]] = {}
        for term, action in entries:
            folded = fold_term(term)
            if folded:
                previous = self._actions.get(folded)
                if previous is None or action == "block":
                    self._actions[folded] = (term, action)
        self._order = sorted(self._actions, key=len, reverse=True)  # longest term first
        self._regex = (
            re.compile("|".join(f"({_pattern(t)})" for t in self._order)) if self._order else None
        )

    def __len__(self) -> int:
        return len(self._actions)

    def scan(self, text: str) -> list[FilterHit]:
        if self._regex is None:
            return []
        folded, index = fold_with_map(text)
        hits = []
        for match in self._regex.finditer(folded):
            group = match.lastindex or 0
            if not group:
                continue
            term, action = self._actions[self._order[group - 1]]
            start, end = index[match.start()], index[match.end() - 1] + 1
            hits.append(FilterHit(term=term, action=action, start=start, end=end))
        return hits

    def apply(self, text: str) -> tuple[str | None, list[FilterHit]]:
        """(text to publish, hits): None when a ``block`` term matched; ``mask`` hits are
        replaced by asterisks (spaces kept, so the line keeps its shape)."""
        hits = self.scan(text)
        if any(h.action == "block" for h in hits):
            return None, hits
        if not hits:
            return text, hits
        chars = list(text)
        for hit in hits:
            for i in range(hit.start, hit.end):
                if not chars[i].isspace():
                    chars[i] = "*"
        return "".join(chars), hits


EMPTY_FILTERS = WordFilterSet()
