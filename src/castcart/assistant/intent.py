"""Is a chat line a question for the assistant? ``@assistant`` always is; otherwise a line
that asks (a question mark, or an interrogative first word, and no exclamation) about
something the knowledge base covers (a facet word: price, shipping, size, material, ...).
"Love this colour" and "¡Qué bonito!" are not; "¿Hacen envíos a México?" is."""

from __future__ import annotations

import re
from collections.abc import Callable

from castcart.assistant.lexicon import QUESTION_WORDS, facet_phrases, phrase_in, tokens

MENTION = re.compile(
    r"^\s*@(assistant|asistente|assistent|assistente|asisten|المساعد)\b[:,]?\s*", re.I
)


def strip_mention(text: str) -> tuple[bool, str]:
    """(mentioned, the question without the mention)."""
    match = MENTION.match(text)
    if match:
        return True, text[match.end() :].strip()
    return False, text.strip()


_QUESTION_START = frozenset(
    t for words in QUESTION_WORDS.values() for w in words for t in tokens(w)[:1]
)


def asks(text: str) -> bool:
    """Phrased as a question: a question mark, or an interrogative first word, and no
    exclamation."""
    stripped = text.strip()
    if not stripped or "!" in stripped or "¡" in stripped:
        return False
    toks = tokens(stripped)
    if not toks:
        return False
    return stripped.endswith(("?", "؟")) or "¿" in stripped or toks[0] in _QUESTION_START


def is_question(text: str, names_product: Callable[[list[str]], bool] | None = None) -> bool:
    """A question about what the knowledge base covers: a facet word, or (with
    ``names_product``, the store's product names) a product it names."""
    if not asks(text):
        return False
    toks = tokens(text)
    if any(phrase_in(p, toks) for phrases in facet_phrases().values() for p in phrases):
        return True
    return names_product is not None and names_product(toks)


def wants(text: str, names_product: Callable[[list[str]], bool] | None = None) -> bool:
    mentioned, rest = strip_mention(text)
    return (mentioned and bool(rest)) or is_question(text, names_product)
