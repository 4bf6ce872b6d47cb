"""Text helpers: a same-length normal form, quotes, clauses and numbers.

Every transformation keeps string length, so a match offset in the normalised text is
the offset in the original text: spans handed to the host console never drift.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_SPECIAL = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u00b4": "'",
    "`": "'",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
    "\u2011": "-",
    "\u2010": "-",
    # Arabic spelling variants users type interchangeably.
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0622": "\u0627",
    "\u0671": "\u0627",
    "\u0649": "\u064a",
    "\u0629": "\u0647",
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {ord(k): v for k, v in _SPECIAL.items()}
    for code in range(0xC0, 0x250):
        char = chr(code)
        if char in "ßæÆøØœŒðÐþÞıĸ":
            continue
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and len(base) == 1 and base.isascii():
            table[code] = base
    for offset in range(10):
        table[0x0660 + offset] = str(offset)  # Arabic-Indic digits
        table[0x06F0 + offset] = str(offset)  # Extended Arabic-Indic digits
    table[0x066B] = "."  # Arabic decimal separator
    table[0x066C] = ","  # Arabic thousands separator
    return table


_TABLE = _build_table()


def normalize(text: str) -> str:
    """Fold accents, apostrophes, spaces, Arabic letter variants; keeps the length."""
    out = text.translate(_TABLE)
    if len(out) != len(text):  # pragma: no cover - the table maps 1:1 by construction
        raise AssertionError("normalisation must keep string length")
    return out


_QUOTE_RE = re.compile(
    r'"[^"\n]{1,200}"'
    r"|\u201c[^\u201d\u201c\n]{1,200}[\u201d\u201c]"
    r"|\u201e[^\u201c\u201d\n]{1,200}[\u201c\u201d]"
    r"|\u00ab[^\u00bb\n]{1,200}\u00bb"
    r"|\u00bb[^\u00ab\n]{1,200}\u00ab"
    r"|\u201a[^\u2018\u2019\n]{1,200}[\u2018\u2019]"
    r"|\u300c[^\u300d\n]{1,200}\u300d"
    r"|(?<![\w'])'(?=\S)[^'\n]{1,200}?(?<=\S)'(?![\w])"
)


def quoted_spans(norm: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (straight, curly, guillemets, German low-high)."""
    return [(m.start(), m.end()) for m in _QUOTE_RE.finditer(norm)]


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of ``spans``."""
    return any(s <= start and end <= e for s, e in spans)


_SENTENCE_END = re.compile(r"[.!?\u061f\u3002;\n]+(?=\s|$)|[!?\u061f]+")


def sentence_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a match, for evidence and qualifier look-ups."""
    left = 0
    for m in _SENTENCE_END.finditer(norm, 0, start):
        left = m.end()
    m2 = _SENTENCE_END.search(norm, end)
    right = m2.start() if m2 else len(norm)
    return left, right


WORD_RE = re.compile(r"[\w'-]+")


@lru_cache(maxsize=64)
def _number_words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def parse_count(token: str, number_words: dict[str, int]) -> int | None:
    """'3', 'three', 'drei', 'tres' -> 3; unknown -> None."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    return number_words.get(token)


_NUM_RE = re.compile(r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|\d+")


def parse_number(raw: str, *, integer_unit: bool = False) -> Decimal | None:
    """Parse '1.299,00', '1,299.00', '10 000', '1,5', '10.000' into a Decimal.

    A single separator followed by exactly three digits is a thousands separator when the
    unit is one that is normally written as a whole number (mAh, ml, W, prices with
    cents aside); otherwise it is a decimal mark.
    """
    s = raw.strip().replace(" ", "").replace("'", "")
    if not s:
        return None
    seps = [c for c in s if c in ".,"]
    try:
        if not seps:
            return Decimal(s)
        if len(seps) >= 2:
            last = max(s.rfind("."), s.rfind(","))
            whole = re.sub(r"[.,]", "", s[:last])
            frac = s[last + 1 :]
            if len(set(seps)) == 1 and len(frac) == 3:  # 1.000.000 or 1,000,000
                return Decimal(whole + frac)
            return Decimal(f"{whole}.{frac}")
        sep_pos = s.find(seps[0])
        frac = s[sep_pos + 1 :]
        # "10.000 mAh", "1,500" -> thousands; "1.5" stays decimal
        if len(frac) == 3 and (integer_unit or (seps[0] == "," and len(s[:sep_pos]) <= 3)):
            return Decimal(s[:sep_pos] + frac)
        return Decimal(s[:sep_pos] + "." + frac)
    except InvalidOperation:
        return None


NUMBER_PATTERN = r"\d+(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?"
