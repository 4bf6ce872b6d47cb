"""Answering one shopper question from a store's knowledge base.

1. Read the question: its facets (material, shipping, ...), the products it names (titles in
   every locale), a colour ("the blue one"), a country ("to Mexico"), a comparison, a
   pointer at the product on screen ("this one"), and the words left over that the store's
   data does not know ("waterproof").
2. Retrieve: BM25 + embeddings + that reading as a prior, fused by rank (``retrieval``).
3. Compose from per-language templates with values from the documents and, for price,
   stock and delivery dates, from the database *now* (``LiveData``).
4. Check the reply: every number and every material or colour it names must be in the
   facts it was composed from (``ground_check``); then the compliance checker for the
   shopper's market. Anything unsure, missing or refused is said so plainly and handed to
   the host with the draft.

Pure: no database (``LiveData`` is a port), no web framework.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from babel import Locale
from babel.dates import format_date

from castcart.assistant.knowledge import (
    COLOUR_KEYS,
    SIZE_KEYS,
    Doc,
    LaneFacts,
    ProductFacts,
    StoreSnapshot,
)
from castcart.assistant.lexicon import (
    CARE_NAMES,
    COLOUR_NAMES,
    COMPARE_WORDS,
    DEICTIC_WORDS,
    MATERIAL_NAMES,
    TEMPLATE_LANGS,
    all_stop_words,
    colours_in,
    deictic_compare_tokens,
    facet_phrases,
    facet_tokens,
    grams,
    phrase_in,
    tokens,
    value_name,
    words_in,
)
from castcart.assistant.retrieval import Hit, Index
from castcart.assistant.templates import template
from castcart.compliance.checker import check_text
from castcart.compliance.values import CheckContext, ComplianceInputError
from castcart.money.display import format_money

PRODUCT_FACETS = frozenset(
    {"material", "variants", "dimensions", "weight", "care", "origin", "specs", "overview",
     "price", "stock"}
)  # fmt: skip
SIZE_WORDS = frozenset({"xs", "s", "m", "l", "xl", "xxl"})
BLOCKING = frozenset({"medium", "high"})
MIN_COSINE = 0.80  # below this an unparsed question is not trusted to the top document


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    country: str | None = None  # the shopper's market
    product_id: str | None = None  # asked on this product's card
    pinned_product_id: str | None = None  # on screen now
    showcase: tuple[str, ...] = ()  # the show's products (for "the blue one")
    show_id: str | None = None


@dataclass(frozen=True)
class LivePrice:
    amount: int
    list_amount: int
    currency: str
    kind: str  # "list" | "live" | "flash_sale"


class LiveData(Protocol):
    """What the engine reads from the database at answer time."""

    def prices(self, variant_ids: Sequence[str]) -> Mapping[str, LivePrice]: ...

    def stock(self, variant_ids: Sequence[str]) -> Mapping[str, int]: ...

    def promise(self, lane_id: str, country: str) -> tuple[date, date] | None: ...

    def payment_methods(self, country: str, amount_minor: int, lang: str) -> list[str]: ...


Translate = Callable[[str, str, str], str | None]  # text, source, target -> text or None


@dataclass(frozen=True)
class Source:
    kind: str  # attribute | description | variants | shipping | payment | faq | price | stock
    label: str  # in the shopper's language
    ref: str  # the document id


@dataclass
class Answer:
    status: str  # "answered" | "clarify" | "handoff"
    text: str
    lang: str
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.0
    reason: str = ""  # why handed off: not_in_data | low_confidence | missing | compliance ...
    draft: str = ""  # the best grounded reply, for the host
    product_id: str | None = None
    retrieved: list[str] = field(default_factory=list)  # top document ids
    facts: list[str] = field(default_factory=list)  # the values the reply was composed from
    findings: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def handed_off(self) -> bool:
        return self.status == "handoff"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "text": self.text,
            "lang": self.lang,
            "sources": [{"kind": s.kind, "label": s.label, "ref": s.ref} for s in self.sources],
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "draft": self.draft,
            "product_id": self.product_id,
            "retrieved": self.retrieved[:5],
            "findings": self.findings,
        }


# --- numbers and facts in a text -------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _ascii_digits(text: str) -> str:
    """Any script's digits as ASCII; the Arabic decimal and group separators as "." and ","."""
    text = text.replace("\u066b", ".").replace("\u066c", ",")
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def numbers_in(text: str) -> set[str]:
    """Every number in a text, digits only ("€49.00" -> {"4900"}; "3 to 6" -> {"3", "6"})."""
    out = set()
    for match in _NUMBER.finditer(_ascii_digits(text)):
        out.add(re.sub(r"[.,]", "", match.group(0)).lstrip("0") or "0")
    return out


@lru_cache(maxsize=1)
def _value_names() -> dict[str, tuple[str, str]]:
    """Folded material / colour name in any language -> (table, canonical code)."""
    out: dict[str, tuple[str, str]] = {}
    for kind, table in (("material", MATERIAL_NAMES), ("colour", COLOUR_NAMES)):
        for code, names in table.items():
            for name in (code, *names.values()):
                folded = " ".join(tokens(name))
                if len(folded) >= 4:  # "lã" folds to "la", an article in three languages
                    out[folded] = (kind, code)
    return out


def ground_check(reply: str, facts: Sequence[str], question: str = "") -> list[str]:
    """What the reply states that the facts do not: numbers, and material or colour names
    (in any language). Empty: grounded. The shopper's own words are not facts."""
    allowed_numbers: set[str] = set()
    for fact in facts:
        allowed_numbers |= numbers_in(fact)
    problems = [f"number {n}" for n in sorted(numbers_in(reply) - allowed_numbers)]
    fact_toks = grams(tokens(" ".join(facts)))
    reply_toks = grams(tokens(reply))
    allowed_codes = set()
    for name, (_kind, code) in _value_names().items():
        if phrase_in(tuple(name.split()), fact_toks):
            allowed_codes.add(code)
    for code in (*MATERIAL_NAMES, *COLOUR_NAMES):  # the catalog's own codes ("tan")
        if phrase_in(tuple(tokens(code)), fact_toks):
            allowed_codes.add(code)
    for name, (kind, code) in sorted(_value_names().items(), key=lambda x: -len(x[0])):
        phrase = tuple(name.split())
        if phrase and phrase_in(phrase, reply_toks) and code not in allowed_codes:
            # a name inside an allowed longer name ("lana" in "lana merino") is fine
            if any(code_name_contains(c, name) for c in allowed_codes):
                continue
            problems.append(f"{kind} {name}")
    return problems


def code_name_contains(code: str, name: str) -> bool:
    table = MATERIAL_NAMES if code in MATERIAL_NAMES else COLOUR_NAMES
    names = [code, *table.get(code, {}).values()]
    return any(name in " ".join(tokens(n)) for n in names)


# --- countries ---------------------------------------------------------------------------------

_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "eeuu": "US", "ee uu": "US", "uk": "GB", "ksa": "SA",
    "saudi": "SA", "emirates": "AE", "uae": "AE", "holland": "NL", "bali": "ID",
    "boston": "US", "riyadh": "SA", "الرياض": "SA", "jakarta": "ID", "berlin": "DE",
    "paris": "FR", "madrid": "ES", "ciudad de mexico": "MX", "cdmx": "MX",
}  # fmt: skip


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    """Folded country name in every template language (and a few aliases) -> ISO code."""
    out: dict[str, str] = {}
    for lang in TEMPLATE_LANGS:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO"):
                out[" ".join(tokens(name))] = code
    for alias, code in _COUNTRY_ALIASES.items():
        out[" ".join(tokens(alias))] = code
    return out


@lru_cache(maxsize=1)
def _country_tokens() -> frozenset[str]:
    return frozenset(t for name in country_lookup() for t in name.split())


def countries_in(toks: Sequence[str]) -> list[str]:
    found: list[str] = []
    lookup = country_lookup()
    present = grams(list(toks))
    matched = [name for name in _country_phrases() if name in present]
    used: list[tuple[str, ...]] = []
    for phrase in sorted(matched, key=lambda p: -len(p)):
        if any(_inside(phrase, longer) for longer in used):
            continue  # "arab" inside "arab saudi"
        used.append(phrase)
        code = lookup[" ".join(phrase)]
        if code not in found:
            found.append(code)
    return found


def _inside(short: tuple[str, ...], long_: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long_[i : i + n] == short for i in range(len(long_) - n + 1))


@lru_cache(maxsize=1)
def _country_phrases() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(name.split()) for name in country_lookup() if name)


def carrier_name(code: str) -> str:
    """ "dhl-express" -> "DHL Express"."""
    return " ".join(p.upper() if len(p) <= 3 else p.capitalize() for p in code.split("-") if p)


def country_name(code: str, lang: str) -> str:
    try:
        return str(Locale.parse(lang).territories.get(code, code))
    except (ValueError, TypeError):
        return code


def country_names_all(codes: Sequence[str]) -> dict[str, str]:
    """ISO code -> its names in every template language (for the lane documents)."""
    out = {}
    for code in codes:
        out[code] = " ".join(
            dict.fromkeys(country_name(code, lang) for lang in ("en", *TEMPLATE_LANGS))
        )
    return out


# --- reading the question ---------------------------------------------------------------------


def sort_sizes(sizes: list[str]) -> list[str]:
    order = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]

    def key(size: str) -> tuple[int, float, str]:
        low = size.lower()
        if low in order:
            return (0, order.index(low), low)
        try:
            return (1, float(low.replace(",", ".")), low)
        except ValueError:
            return (2, 0.0, low)

    return sorted(sizes, key=key)


SIZE_WORDS_ALL = (
    "size",
    "sizes",
    "talla",
    "tallas",
    "tamaño",
    "tamaños",
    "größe",
    "größen",
    "taille",
    "tailles",
    "مقاس",
    "مقاسات",
    "ukuran",
    "tamanho",
    "tamanhos",
)
COLOUR_WORDS_ALL = (
    "colour",
    "colours",
    "color",
    "colors",
    "colores",
    "farbe",
    "farben",
    "couleur",
    "couleurs",
    "لون",
    "ألوان",
    "warna",
    "cor",
    "cores",
)
SIZE_PHRASES = frozenset(tuple(tokens(w)) for w in SIZE_WORDS_ALL)
COLOUR_PHRASES = frozenset(tuple(tokens(w)) for w in COLOUR_WORDS_ALL)


@dataclass
class Reading:
    facets: list[str]
    products: list[str]  # product ids named, best first
    colours: list[str]
    countries: list[str]
    compare: bool
    deictic: bool
    unknown: list[str]  # content words the store's data does not know
    sizes_only: bool = False  # asks about sizes, not colours


def _matches(token: str, vocab_token: str) -> bool:
    if token == vocab_token:
        return True
    short, long_ = (token, vocab_token) if len(token) <= len(vocab_token) else (vocab_token, token)
    return len(short) >= 4 and len(long_) - len(short) <= 3 and long_.startswith(short)


class ProductNames:
    """Which products a question names, by the words of their titles in every locale."""

    def __init__(self, products: Sequence[ProductFacts]) -> None:
        stop = all_stop_words()
        self.words: dict[str, set[str]] = {}
        for product in products:
            words = set()
            for title in (*product.titles.values(), product.handle.replace("-", " ")):
                for tok in tokens(title):
                    if len(tok) >= 3 and tok not in stop and not tok.isdigit():
                        words.add(tok)
            self.words[product.id] = words
        counts: dict[str, int] = {}
        for words in self.words.values():
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        # a word in many titles ("bottle" vs "steel"): weaker evidence
        self.weight = {w: 1.0 / c for w, c in counts.items()}
        self.all_words = frozenset(counts)

    def named(self, toks: Sequence[str]) -> list[str]:
        scores: dict[str, float] = {}
        for pid, words in self.words.items():
            score = 0.0
            for tok in toks:
                if len(tok) < 3:
                    continue
                best = max((self.weight[w] for w in words if _matches(tok, w)), default=0.0)
                score += best
            if score >= 0.99:
                scores[pid] = score
        return sorted(scores, key=lambda p: -scores[p])

    def knows(self, tok: str) -> bool:
        return any(_matches(tok, w) for w in self.all_words)


STRONG_PRICE = frozenset(
    t
    for w in ("price", "cost", "costs", "cheap", "cheaper", "expensive", "precio", "cuesta",
              "barato", "caro", "preis", "kostet", "kosten", "teuer", "billiger", "günstiger",
              "prix", "coûte", "cher", "سعر", "ثمن", "أرخص", "harga", "murah", "mahal", "preço",
              "custa")
    for t in tokens(w)
)  # fmt: skip


@lru_cache(maxsize=1)
def _facet_single_words() -> dict[str, frozenset[str]]:
    """Facet -> its one-word phrases of five letters or more (matched with inflection)."""
    return {
        facet: frozenset(p[0] for p in phrases if len(p) == 1 and len(p[0]) >= 5)
        for facet, phrases in facet_phrases().items()
    }


def _near_facet(token: str, facet: str) -> bool:
    return any(_matches(token, w) for w in _facet_single_words()[facet])


@lru_cache(maxsize=1)
def _known_tokens() -> frozenset[str]:
    colours = frozenset(
        t for code, names in COLOUR_NAMES.items() for n in (code, *names.values())
        for t in tokens(n)
    )  # fmt: skip
    return facet_tokens() | colours | _country_tokens() | deictic_compare_tokens()


@lru_cache(maxsize=1)
def _known_by_prefix() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for word in _known_tokens():
        if len(word) >= 4:
            out.setdefault(word[:4], []).append(word)
    return out


def _near_known(token: str) -> bool:
    return any(_matches(token, k) for k in _known_by_prefix().get(token[:4], ()))


def read_question(
    text: str,
    names: ProductNames,
    vocabulary: frozenset[str],
    lang: str = "en",
    product_vocabulary: Mapping[str, frozenset[str]] | None = None,
    context_product: str | None = None,
) -> Reading:
    toks = tokens(text)
    present = grams(toks)
    named = names.named(toks)
    # facet words inside a product's own title ("5000 mAh", "cartera") are not the question
    title_words = names.words.get(named[0], set()) if named else set()
    rest = [t for t in toks if not any(_matches(t, w) for w in title_words)]
    rest_present = grams(rest)
    facets = []
    for facet, phrases in facet_phrases().items():
        if any(p in rest_present for p in phrases) or any(
            _near_facet(t, facet) for t in rest if len(t) >= 5
        ):
            facets.append(facet)
    # "how much does it weigh", "berapa dimensi": the generic "how much" is not a price
    if "price" in facets and set(facets) - {"price", "overview"} and not STRONG_PRICE & set(toks):
        facets.remove("price")
    compare = words_in(COMPARE_WORDS, present)
    deictic = words_in(DEICTIC_WORDS, present)
    stop = all_stop_words()
    known = _known_tokens()
    # a word is explained by the product asked about (its own copy and values), else by the
    # store's vocabulary: "tahan" (in another product's "baja tahan karat") does not make
    # "tahan air" (waterproof) known for a raincoat
    subject = named[0] if named else context_product
    own = (product_vocabulary or {}).get(subject or "")
    scope = own if own is not None else vocabulary
    unknown = [
        t
        for t in toks
        if len(t) >= 3
        and not t.isdigit()
        and t not in stop
        and t not in known
        and t not in SIZE_WORDS
        and t not in scope
        and not names.knows(t)
        and not _near_known(t)
    ]
    return Reading(
        facets=facets,
        products=named,
        colours=colours_in(toks),
        countries=countries_in(toks),
        compare=compare,
        deictic=deictic,
        unknown=unknown,
        sizes_only=bool(SIZE_PHRASES & present) and not (COLOUR_PHRASES & present),
    )


# --- the engine --------------------------------------------------------------------------------


def _points_at_screen(text: str) -> bool:
    return words_in(DEICTIC_WORDS, grams(tokens(text)))


class KnowledgeBase:
    """A store's snapshot with its index and product names, built once per catalog state."""

    def __init__(self, snapshot: StoreSnapshot, docs: Sequence[Doc], index: Index) -> None:
        self.snapshot = snapshot
        self.docs = list(docs)
        self.index = index
        self.names = ProductNames(snapshot.products)
        self.by_id = {d.id: d for d in docs}
        # content words of the whole store (descriptions, FAQ): a word in here is "known"
        self.vocabulary = index.vocabulary
        self.product_vocabulary: dict[str, frozenset[str]] = {}
        store_wide = [d for d in docs if d.product_id is None and d.kind != "faq"]
        for product in snapshot.products:
            words: set[str] = set()
            for doc in docs:
                if doc.product_id == product.id:
                    words.update(tokens(doc.text))
            for doc in store_wide:
                words.update(tokens(doc.text))
            self.product_vocabulary[product.id] = frozenset(words)

    def product_doc(self, product: ProductFacts, facet: str) -> Doc | None:
        return self.by_id.get(f"{product.handle}:{facet}")


class Composer:
    """Fills templates for one language and remembers which facts it used."""

    def __init__(self, lang: str, snapshot: StoreSnapshot) -> None:
        self.lang = lang if lang in TEMPLATE_LANGS else "en"
        self.snapshot = snapshot
        self.facts: list[str] = []

    def fact(self, value: str) -> str:
        self.facts.append(value)
        return value

    def t(self, key: str, **slots: str) -> str:
        return template(self.lang, key).format(**slots)

    def title(self, product: ProductFacts) -> str:
        return self.fact(product.title(self.lang, self.snapshot.default_locale))

    def money(self, amount: int, currency: str) -> str:
        return self.fact(format_money(amount, currency, self.lang))

    def join(self, values: Sequence[str]) -> str:
        return ", ".join(values)

    def source(self, kind: str) -> str:
        return self.t("source", value=self.t(f"src_{kind}"))

    def date(self, day: date) -> str:
        return self.fact(format_date(day, format="medium", locale=self.lang))


@dataclass
class _Draft:
    status: str
    text: str
    sources: list[Source]
    confidence: float
    reason: str = ""
    product_id: str | None = None
    draft: str = ""
    substantiated: frozenset[str] = frozenset()
    stock: int | None = None  # the live stock the reply states (the checker confirms it)


def _facet_of_doc(doc: Doc) -> str:
    return doc.topic if doc.kind == "faq" else doc.kind


class Engine:
    def __init__(self, translate: Translate | None = None) -> None:
        self.translate = translate

    # -- entry --------------------------------------------------------------------------

    def answer(self, kb: KnowledgeBase, question: Question, live: LiveData) -> Answer:
        started = time.perf_counter()
        lang = (question.lang or kb.snapshot.default_locale or "en").split("-")[0].lower()
        compose_lang = lang if lang in TEMPLATE_LANGS else "en"
        context = question.product_id or (
            question.pinned_product_id if _points_at_screen(question.text) else None
        )
        reading = read_question(
            question.text, kb.names, kb.vocabulary, lang, kb.product_vocabulary, context
        )
        product = self._product(kb, question, reading)
        prior = self._prior(kb, reading, product)
        hits = kb.index.search(question.text, prior, k=10)
        composer = Composer(compose_lang, kb.snapshot)
        draft = self._compose(kb, question, reading, product, hits, composer, live)
        answer = Answer(
            status=draft.status,
            text=draft.text,
            lang=compose_lang,
            sources=draft.sources,
            confidence=draft.confidence,
            reason=draft.reason,
            draft=draft.draft,
            product_id=draft.product_id,
            retrieved=[h.doc.id for h in hits[:5]],
            facts=list(composer.facts),
        )
        self._check(answer, question, kb, composer, product, draft.substantiated, draft.stock)
        if compose_lang != lang:
            self._translate(answer, lang, kb, composer)
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer

    # -- reading ------------------------------------------------------------------------

    def _product(
        self, kb: KnowledgeBase, question: Question, reading: Reading
    ) -> ProductFacts | None:
        snap = kb.snapshot
        if reading.products:
            return snap.product(reading.products[0])
        if reading.colours and not question.product_id:
            pool = [p for p in snap.products if not question.showcase or p.id in question.showcase]
            having = [
                p
                for p in pool
                if any(
                    c in [v.lower() for v in p.option_values(COLOUR_KEYS)] for c in reading.colours
                )
            ]
            if len(having) == 1:
                return having[0]
            return None  # several (or none): ask which
        if question.product_id:
            return snap.product(question.product_id)
        if question.pinned_product_id and (reading.deictic or set(reading.facets) & PRODUCT_FACETS):
            return snap.product(question.pinned_product_id)
        return None

    def _prior(
        self, kb: KnowledgeBase, reading: Reading, product: ProductFacts | None
    ) -> dict[str, float]:
        prior: dict[str, float] = {}
        facets = set(reading.facets)
        for doc in kb.docs:
            facet = _facet_of_doc(doc)
            weight = 0.0
            if facet in facets:
                if doc.product_id is None:
                    weight = 0.8 if facet not in PRODUCT_FACETS else 0.1
                elif product is not None and doc.product_id == product.id:
                    weight = 1.0
                elif product is None:
                    weight = 0.2
            elif product is not None and doc.product_id == product.id:
                weight = 0.3
            if weight:
                prior[doc.id] = weight
        return prior

    # -- composing ----------------------------------------------------------------------

    def _handoff(
        self, c: Composer, reason: str, product: ProductFacts | None, draft: str = ""
    ) -> _Draft:
        if reason == "missing" and product is not None:
            text = c.t("missing", product=product.title(c.lang, c.snapshot.default_locale))
        else:
            text = c.t("low_confidence" if reason == "missing" else reason)
        return _Draft(
            "handoff", text, [], 0.2, reason, product.id if product else None, draft=draft
        )

    def _compose(
        self,
        kb: KnowledgeBase,
        question: Question,
        reading: Reading,
        product: ProductFacts | None,
        hits: list[Hit],
        c: Composer,
        live: LiveData,
    ) -> _Draft:
        facets = list(reading.facets)
        snap = kb.snapshot
        # the merchant answered this very question: their words first
        direct = self._faq_match(kb, question.text, product)
        if direct is not None and not (
            product is not None
            and direct.topic not in facets
            and any(kb.product_doc(product, f) for f in facets)
        ):  # the product's own data answers what was asked ("which sizes") before an FAQ
            return self._faq(direct, c, 0.95)
        # comparisons: two named products and a price question
        if reading.compare and len(reading.products) >= 2 and ("price" in facets or not facets):
            return self._compare(kb, reading, c, live)
        if reading.unknown and not (set(facets) & {"shipping", "payment", "returns", "sizing"}):
            # a property the store's data never mentions ("waterproof"): never guess
            best = self._facet_answer(kb, question, reading, product, facets, hits, c, live)
            return self._handoff(c, "not_in_data", product, draft=best.text if best else "")
        if not facets:
            top = hits[0] if hits else None
            if top is None or top.cosine < MIN_COSINE or (top.bm25_rank is None):
                return self._handoff(c, "low_confidence", product)
            doc = top.doc
            if doc.product_id is not None and product is not None and doc.product_id != product.id:
                return self._handoff(c, "low_confidence", product)
            facets = [_facet_of_doc(doc)]
            if doc.kind == "faq":
                return self._faq(doc, c, 0.6)
        # a product-level question without a product: ask which
        if (
            product is None
            and set(facets) & PRODUCT_FACETS
            and not (set(facets) & {"shipping", "payment", "returns", "warranty"})
        ):
            pool = [p for p in snap.products if not question.showcase or p.id in question.showcase]
            if reading.colours:
                pool = [
                    p
                    for p in pool
                    if any(
                        col in [v.lower() for v in p.option_values(COLOUR_KEYS)]
                        for col in reading.colours
                    )
                ] or pool
            names = [c.title(p) for p in pool[:6]]
            text = c.t("clarify", values=f" {c.t('or')} ".join(names))
            return _Draft("clarify", text, [], 0.5)
        result = self._facet_answer(kb, question, reading, product, facets, hits, c, live)
        if result is None:
            return self._handoff(c, "missing", product)
        return result

    def _facet_answer(
        self,
        kb: KnowledgeBase,
        question: Question,
        reading: Reading,
        product: ProductFacts | None,
        facets: list[str],
        hits: list[Hit],
        c: Composer,
        live: LiveData,
    ) -> _Draft | None:
        order = [
            "shipping", "payment", "returns", "warranty", "sizing", "price", "stock", "variants",
            "material", "care", "dimensions", "weight", "origin", "specs", "overview",
        ]  # fmt: skip
        for facet in sorted(facets, key=order.index):
            if facet == "shipping":
                return self._shipping(kb, question, reading, c, live)
            if facet == "payment":
                return self._payment(kb, question, reading, product, c, live)
            if facet in ("returns", "warranty", "sizing"):
                if facet == "warranty" and product is not None:
                    doc = kb.product_doc(product, "warranty")
                    if doc is not None:
                        return self._attribute(product, doc, c)
                faq = self._best_faq(kb, facet, product, hits)
                if faq is not None:
                    return self._faq(faq, c, 0.9)
                continue
            if product is None:
                continue
            if facet == "price":
                return self._price(product, c, live)
            if facet == "stock":
                return self._stock(product, c, live)
            doc = kb.product_doc(product, facet)
            if doc is None and facet == "dimensions":
                doc = kb.product_doc(product, "weight") if "weight" in facets else None
            if doc is None:
                faq = self._best_faq(kb, facet, product, hits)
                if faq is not None:
                    return self._faq(faq, c, 0.7)
                continue
            if facet == "variants":
                return self._variants(product, reading, c)
            if facet == "overview":
                return self._overview(product, c)
            return self._attribute(product, doc, c)
        return None

    def _faq_match(self, kb: KnowledgeBase, text: str, product: ProductFacts | None) -> Doc | None:
        """An FAQ entry whose question (in any locale) the shopper's question contains."""
        stop = all_stop_words()
        asked = {t for t in tokens(text) if t not in stop and len(t) >= 3}
        if not asked:
            return None
        best: tuple[float, Doc] | None = None
        for entry in kb.snapshot.faq:
            if (
                entry.product_id is not None
                and product is not None
                and entry.product_id != product.id
            ):
                continue
            for texts in entry.texts.values():
                words = {
                    t
                    for t in tokens(str(texts.get("question", "")))
                    if t not in stop and len(t) >= 3
                }
                if not words:
                    continue
                covered = sum(1 for w in words if any(_matches(a, w) for a in asked)) / len(words)
                asked_covered = sum(1 for a in asked if any(_matches(a, w) for w in words)) / len(
                    asked
                )
                share = (covered + asked_covered) / 2
                if covered >= 0.8 and asked_covered >= 0.6 and (best is None or share > best[0]):
                    best = (share, kb.by_id[f"faq:{entry.id}"])
        return best[1] if best else None

    def _best_faq(
        self, kb: KnowledgeBase, topic: str, product: ProductFacts | None, hits: list[Hit]
    ) -> Doc | None:
        candidates = [
            d
            for d in kb.docs
            if d.kind == "faq"
            and d.topic == topic
            and (d.product_id is None or (product is not None and d.product_id == product.id))
        ]
        if not candidates:
            return None
        rank = {h.doc.id: i for i, h in enumerate(hits)}
        # a product's own entry first, then the better retrieved one
        return sorted(candidates, key=lambda d: (d.product_id is None, rank.get(d.id, 99)))[0]

    def _faq(self, doc: Doc, c: Composer, confidence: float) -> _Draft:
        entry = next(e for e in c.snapshot.faq if e.id == doc.ref)
        text = entry.texts.get(c.lang) or entry.texts.get(c.snapshot.default_locale)
        text = text or next(iter(entry.texts.values()), {})
        answer = c.fact(str(text.get("answer", "")))
        return _Draft(
            "answered",
            f"{answer} {c.source('faq')}",
            [Source("faq", c.t("src_faq"), doc.id)],
            confidence,
            product_id=doc.product_id,
        )

    def _attribute(self, product: ProductFacts, doc: Doc, c: Composer) -> _Draft:
        data = doc.data
        title = c.title(product)
        if doc.kind == "material":
            value = c.join(
                [c.fact(value_name(MATERIAL_NAMES, m, c.lang)) for m in data["materials"]]
            )
            text = c.t("material", product=title, value=value)
        elif doc.kind == "dimensions":
            text = c.t("dimensions", product=title, value=c.fact(str(data["dimensions"])))
        elif doc.kind == "weight":
            text = c.t("weight", product=title, value=c.fact(str(data["weight"])))
        elif doc.kind == "care":
            values = [c.fact(value_name(CARE_NAMES, code, c.lang)) for code in data["care"]]
            text = c.t("care", product=title, values=c.join(values))
        elif doc.kind == "warranty":
            months = c.t("months", n=c.fact(str(data["months"])))
            text = c.t("warranty", product=title, value=months)
        elif doc.kind == "origin":
            text = c.t("origin", product=title, value=c.fact(country_name(data["origin"], c.lang)))
        elif doc.kind == "specs":
            values = [c.fact(f"{k}: {v}") for k, v in data["specs"].items()]
            text = c.t("specs", product=title, values=c.join(values))
        else:
            return self._overview(product, c)
        return _Draft(
            "answered",
            f"{text} {c.source('attribute')}",
            [Source("attribute", c.t("src_attribute"), doc.id)],
            0.9,
            product_id=product.id,
        )

    def _overview(self, product: ProductFacts, c: Composer) -> _Draft:
        description = product.descriptions.get(c.lang) or product.descriptions.get(
            c.snapshot.default_locale, ""
        )
        if not description:
            return self._handoff(c, "missing", product)
        text = c.t("overview", product=c.title(product), value=c.fact(description))
        return _Draft(
            "answered",
            f"{text} {c.source('description')}",
            [Source("description", c.t("src_description"), f"{product.handle}:overview")],
            0.8,
            product_id=product.id,
        )

    def _variants(self, product: ProductFacts, reading: Reading, c: Composer) -> _Draft:
        colours = product.option_values(COLOUR_KEYS)
        sizes = sort_sizes(product.option_values(SIZE_KEYS))
        if reading.sizes_only and sizes:
            colours = []
        title = c.title(product)
        names = [c.fact(value_name(COLOUR_NAMES, col, c.lang)) for col in colours]
        parts = []
        asked = list(reading.colours)
        if asked and colours:
            have = [col for col in asked if col in [x.lower() for x in colours]]
            if have:
                parts.append(
                    c.t(
                        "colour_yes",
                        product=title,
                        colour=c.fact(value_name(COLOUR_NAMES, have[0], c.lang)),
                    )
                )
            else:
                # the colour asked is the shopper's word, not a fact: named as they wrote it
                asked_name = value_name(COLOUR_NAMES, asked[0], c.lang)
                c.facts.append(asked_name)
                parts.append(
                    c.t("colour_no", product=title, colour=asked_name, values=c.join(names))
                )
        elif colours:
            parts.append(c.t("colours", product=title, values=c.join(names)))
        if sizes and (not asked or not colours):
            parts.append(c.t("sizes", product=title, values=c.join([c.fact(s) for s in sizes])))
        if not parts:
            return self._handoff(c, "missing", product)
        return _Draft(
            "answered",
            " ".join(parts) + " " + c.source("variants"),
            [Source("variants", c.t("src_variants"), f"{product.handle}:variants")],
            0.9,
            product_id=product.id,
        )

    def _price(self, product: ProductFacts, c: Composer, live: LiveData) -> _Draft:
        prices = live.prices([v.id for v in product.variants])
        if not prices:
            return self._handoff(c, "missing", product)
        # the variant with the lowest current price speaks for the product
        price = min(prices.values(), key=lambda p: p.amount)
        title = c.title(product)
        now = c.money(price.amount, price.currency)
        if price.kind == "flash_sale":
            text = c.t(
                "price_flash",
                product=title,
                price=now,
                list=c.money(price.list_amount, price.currency),
            )
        elif price.kind == "live":
            text = c.t(
                "price_live",
                product=title,
                price=now,
                list=c.money(price.list_amount, price.currency),
            )
        else:
            text = c.t("price_list", product=title, price=now)
        return _Draft(
            "answered",
            f"{text} {c.source('price')}",
            [Source("price", c.t("src_price"), f"{product.handle}:price")],
            0.95,
            product_id=product.id,
        )

    def _stock(self, product: ProductFacts, c: Composer, live: LiveData) -> _Draft:
        stock = live.stock([v.id for v in product.variants])
        total = sum(stock.values())
        title = c.title(product)
        if total > 0:
            text = c.t("stock_in", product=title, n=c.fact(str(total)))
        else:
            text = c.t("stock_out", product=title)
        return _Draft(
            "answered",
            f"{text} {c.source('stock')}",
            [Source("stock", c.t("src_stock"), f"{product.handle}:stock")],
            0.95,
            product_id=product.id,
            stock=total,
        )

    def _compare(self, kb: KnowledgeBase, reading: Reading, c: Composer, live: LiveData) -> _Draft:
        a, b = (kb.snapshot.product(pid) for pid in reading.products[:2])
        if a is None or b is None:
            return self._handoff(c, "low_confidence", None)
        pa = live.prices([v.id for v in a.variants])
        pb = live.prices([v.id for v in b.variants])
        if not pa or not pb:
            return self._handoff(c, "missing", a)
        best_a = min(pa.values(), key=lambda p: p.amount)
        best_b = min(pb.values(), key=lambda p: p.amount)
        sources = [
            Source("price", c.t("src_price"), f"{a.handle}:price"),
            Source("price", c.t("src_price"), f"{b.handle}:price"),
        ]
        if best_a.currency == best_b.currency and best_a.amount == best_b.amount:
            text = c.t(
                "compare_same",
                a=c.title(a),
                b=c.title(b),
                price=c.money(best_a.amount, best_a.currency),
            )
        else:
            (cheap, pc), (dear, pd) = sorted(((a, best_a), (b, best_b)), key=lambda x: x[1].amount)
            text = c.t(
                "compare_cheaper",
                cheaper=c.title(cheap),
                price_a=c.money(pc.amount, pc.currency),
                other=c.title(dear),
                price_b=c.money(pd.amount, pd.currency),
            )
        draft = _Draft("answered", f"{text} {c.source('price')}", sources, 0.9)
        draft.substantiated = frozenset({"comparison"})  # from the live prices, just read
        return draft

    def _lanes_to(self, snap: StoreSnapshot, country: str) -> list[LaneFacts]:
        lanes = [lane for lane in snap.lanes if country in lane.countries]
        return sorted(lanes, key=lambda lane: (lane.transit_days_max, lane.transit_days_min))

    def _shipping(
        self,
        kb: KnowledgeBase,
        question: Question,
        reading: Reading,
        c: Composer,
        live: LiveData,
    ) -> _Draft:
        snap = kb.snapshot
        country = reading.countries[0] if reading.countries else question.country
        if not country:
            names = [c.fact(country_name(code, c.lang)) for code in snap.ships_to()[:12]]
            return _Draft("clarify", c.t("ship_where", values=c.join(names)), [], 0.5)
        lanes = self._lanes_to(snap, country)
        place = c.fact(country_name(country, c.lang))
        if not lanes:
            return _Draft(
                "answered",
                f"{c.t('ship_none', country=place)} {c.source('shipping')}",
                [Source("shipping", c.t("src_shipping"), "shipping")],
                0.85,
            )
        lane = lanes[0]
        window = live.promise(lane.id, country)
        if window is None:
            return self._handoff(c, "missing", None)
        earliest, latest = window
        if lane.flat_amount is not None:
            rate = c.money(lane.flat_amount, lane.currency)
        else:
            cheapest = min((int(b[1]) for b in lane.weight_bands or ()), default=0)
            rate = c.money(cheapest, lane.currency)
        text = c.t(
            "ship",
            country=place,
            warehouse=c.fact(lane.warehouse_name),
            carrier=c.fact(carrier_name(lane.carrier)),
            min=c.fact(str(lane.transit_days_min)),
            max=c.fact(str(lane.transit_days_max)),
            earliest=c.date(earliest),
            latest=c.date(latest),
            rate=rate,
        )
        return _Draft(
            "answered",
            f"{text} {c.source('shipping')}",
            [Source("shipping", c.t("src_shipping"), f"lane:{lane.id}")],
            0.9,
        )

    def _payment(
        self,
        kb: KnowledgeBase,
        question: Question,
        reading: Reading,
        product: ProductFacts | None,
        c: Composer,
        live: LiveData,
    ) -> _Draft:
        country = reading.countries[0] if reading.countries else question.country
        country = country or kb.snapshot.country
        # the methods that fit this product's price (or the store's cheapest product)
        pool = [product] if product is not None else list(kb.snapshot.products)
        prices = live.prices([p.variants[0].id for p in pool if p.variants])
        amount = min((p.amount for p in prices.values()), default=0)
        methods = live.payment_methods(country, amount, c.lang)
        place = c.fact(country_name(country, c.lang))
        if not methods:
            text = c.t("payment_none", country=place)
        else:
            text = c.t("payment", country=place, values=c.join([c.fact(m) for m in methods]))
        return _Draft(
            "answered",
            f"{text} {c.source('payment')}",
            [Source("payment", c.t("src_payment"), "payment")],
            0.9,
            product_id=product.id if product else None,
        )

    # -- checks ---------------------------------------------------------------------------

    def _check(
        self,
        answer: Answer,
        question: Question,
        kb: KnowledgeBase,
        composer: Composer,
        product: ProductFacts | None,
        substantiated: frozenset[str] = frozenset(),
        stock: int | None = None,
    ) -> None:
        if answer.status == "handoff":
            return
        problems = ground_check(answer.text, composer.facts)
        if problems:
            self._refuse(answer, composer, "ungrounded", product)
            answer.findings = [{"category": "ungrounded", "detail": p} for p in problems]
            return
        findings = compliance_findings(
            answer.text, question.country or kb.snapshot.country, kb.snapshot.country,
            answer.lang, product.attributes if product else {}, substantiated, stock,
        )  # fmt: skip
        answer.findings = findings
        if any(f.get("severity") in BLOCKING for f in findings):
            self._refuse(answer, composer, "compliance", product)
            answer.findings = findings

    def _refuse(
        self, answer: Answer, composer: Composer, reason: str, product: ProductFacts | None
    ) -> None:
        draft = answer.text
        answer.status = "handoff"
        answer.reason = reason
        answer.draft = draft
        answer.text = composer.t("not_in_data")
        answer.sources = []
        answer.confidence = 0.2
        answer.product_id = product.id if product else answer.product_id

    def _translate(self, answer: Answer, lang: str, kb: KnowledgeBase, composer: Composer) -> None:
        """A language without templates: the English reply through the translation engines,
        kept only if it is still grounded; else the English reply."""
        if self.translate is None:
            return
        try:
            out = self.translate(answer.text, "en", lang)
        except Exception:  # noqa: BLE001 - no engine or a failing one: English it is
            return
        if out and not ground_check(out, [*composer.facts, answer.text]):
            answer.text = out
            answer.lang = lang


def compliance_findings(
    text: str,
    market: str,
    home: str,
    lang: str,
    attributes: Mapping[str, Any],
    substantiated: frozenset[str] = frozenset(),
    stock: int | None = None,
) -> list[dict[str, Any]]:
    """The compliance checker's findings for the shopper's market (the store's home market
    where the shopper's has no rule pack); a language without a lexicon is checked in
    English rules' words (the template is the same sentence)."""
    context = CheckContext(
        product_attributes=dict(attributes), substantiated=substantiated, stock_remaining=stock
    )
    for candidate_market in (market, home):
        try:
            found = check_text(text, candidate_market, lang, context)
        except ComplianceInputError as exc:
            if exc.code == "unsupported_language":
                try:
                    found = check_text(text, candidate_market, "en", context)
                except ComplianceInputError:
                    continue
            else:
                continue
        return [{**f.as_dict(), "market": candidate_market.upper()} for f in found]
    return []
