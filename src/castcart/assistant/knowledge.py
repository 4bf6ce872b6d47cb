"""The knowledge base of one store: documents built from a snapshot of its catalog (every
locale), shipping lanes, payment methods and FAQ. Pure: the snapshot is plain data that
``service.snapshot`` reads from the database.

A document is what retrieval finds (``text`` for BM25 in every language, ``embed_text`` for
the multilingual embeddings) and what an answer cites (``kind``, ``source``). Live values,
price and stock, are deliberately *not* in a document: the engine reads them from the
database when it answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from castcart.assistant.lexicon import (
    CARE_NAMES,
    COLOUR_NAMES,
    FACET_WORDS,
    MATERIAL_NAMES,
    TEMPLATE_LANGS,
)

COLOUR_KEYS = ("colour", "color")
SIZE_KEYS = ("size",)


@dataclass(frozen=True)
class VariantFacts:
    id: str
    sku: str
    options: Mapping[str, str]
    weight_grams: int | None = None


@dataclass(frozen=True)
class ProductFacts:
    id: str
    handle: str
    titles: Mapping[str, str]  # locale -> title (published copy only)
    descriptions: Mapping[str, str]  # locale -> description
    attributes: Mapping[str, Any]
    variants: Sequence[VariantFacts]

    def title(self, lang: str, fallback: str = "en") -> str:
        for candidate in (lang, fallback, "en"):
            if self.titles.get(candidate):
                return self.titles[candidate]
        return next(iter(self.titles.values()), self.handle)

    def option_values(self, keys: Sequence[str]) -> list[str]:
        out: list[str] = []
        for variant in self.variants:
            for key, value in variant.options.items():
                if key.lower() in keys and value not in out:
                    out.append(value)
        return out


@dataclass(frozen=True)
class LaneFacts:
    id: str
    warehouse_code: str
    warehouse_name: str
    warehouse_country: str
    carrier: str
    service: str
    destinations: Sequence[str]  # as stored ("EU", "DE", "US-NY")
    countries: frozenset[str]  # expanded ISO codes
    transit_days_min: int
    transit_days_max: int
    currency: str
    flat_amount: int | None
    weight_bands: Sequence[Sequence[int]] | None


@dataclass(frozen=True)
class FaqFacts:
    id: str
    topic: str
    product_id: str | None
    texts: Mapping[str, Mapping[str, str]]  # locale -> {"question", "answer"}


@dataclass(frozen=True)
class StoreSnapshot:
    store_id: str
    name: str
    currency: str
    country: str
    default_locale: str
    products: Sequence[ProductFacts]
    lanes: Sequence[LaneFacts]
    faq: Sequence[FaqFacts]

    def product(self, product_id: str | None) -> ProductFacts | None:
        return next((p for p in self.products if p.id == product_id), None)

    def ships_to(self) -> list[str]:
        return sorted({c for lane in self.lanes for c in lane.countries})


@dataclass(frozen=True)
class Doc:
    id: str  # stable: "<handle>:<facet>", "lane:<id>", "payment", "faq:<id>"
    kind: str  # a facet (lexicon.FACETS) or "faq"
    product_id: str | None
    text: str  # every language, for BM25
    embed_text: str  # short, for the embeddings
    topic: str = ""  # FAQ topic ("returns", ...)
    ref: str = ""  # the lane / FAQ id
    data: Mapping[str, Any] = field(default_factory=dict)


def _facet_words(facet: str) -> str:
    return " ".join(w for words in FACET_WORDS.get(facet, {}).values() for w in words)


def _names(table: Mapping[str, Mapping[str, str]], value: str) -> str:
    key = value.strip().lower()
    names = table.get(key) or table.get(value) or {}
    return " ".join([value.replace("_", " "), *names.values()])


def _materials(attributes: Mapping[str, Any]) -> list[str]:
    raw = attributes.get("material")
    if isinstance(raw, str) and raw.strip():
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, list):
        return [str(part) for part in raw if str(part).strip()]
    return []


def _care(attributes: Mapping[str, Any]) -> list[str]:
    raw = attributes.get("care")
    if isinstance(raw, list):
        return [str(c) for c in raw if str(c).strip()]
    if isinstance(raw, str) and raw.strip():
        return [raw.strip()]
    return []


def _specs(attributes: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("capacity", "power", "battery", "volume"):
        value = attributes.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            out[key] = str(value)
    certs = attributes.get("certifications")
    if isinstance(certs, list) and certs:
        out["certifications"] = ", ".join(str(c) for c in certs)
    return out


def product_docs(product: ProductFacts) -> list[Doc]:
    attrs = product.attributes
    titles = " ".join(dict.fromkeys(product.titles.values()))
    en_title = product.title("en")
    docs: list[Doc] = []

    def add(facet: str, values: str, data: Mapping[str, Any], english: str) -> None:
        docs.append(
            Doc(
                id=f"{product.handle}:{facet}",
                kind=facet,
                product_id=product.id,
                text=f"{titles} {product.handle.replace('-', ' ')} {_facet_words(facet)} {values}",
                embed_text=f"{en_title}: {english}",
                data=data,
            )
        )

    descriptions = " ".join(product.descriptions.values())
    add(
        "overview",
        descriptions,
        {"descriptions": dict(product.descriptions)},
        product.descriptions.get("en", "") or en_title,
    )
    materials = _materials(attrs)
    if materials:
        add(
            "material",
            " ".join(_names(MATERIAL_NAMES, m) for m in materials),
            {"materials": materials},
            "material " + ", ".join(materials),
        )
    colours = product.option_values(COLOUR_KEYS)
    sizes = product.option_values(SIZE_KEYS)
    if colours or sizes:
        add(
            "variants",
            " ".join(_names(COLOUR_NAMES, c) for c in colours) + " " + " ".join(sizes),
            {"colours": colours, "sizes": sizes},
            "colours " + ", ".join(colours) + "; sizes " + ", ".join(sizes),
        )
    dims = attrs.get("dimensions")
    if isinstance(dims, str) and dims.strip():
        add("dimensions", dims, {"dimensions": dims}, f"dimensions {dims}")
    weight = attrs.get("weight")
    if isinstance(weight, str) and weight.strip():
        add("weight", weight, {"weight": weight}, f"weight {weight}")
    care = _care(attrs)
    if care:
        add(
            "care",
            " ".join(_names(CARE_NAMES, c) for c in care),
            {"care": care},
            "care: " + ", ".join(CARE_NAMES.get(c, {}).get("en", c) for c in care),
        )
    months = attrs.get("warranty_months")
    if isinstance(months, int) and not isinstance(months, bool) and months > 0:
        add("warranty", str(months), {"months": months}, f"warranty {months} months")
    origin = attrs.get("origin")
    if isinstance(origin, str) and origin.strip():
        add("origin", origin, {"origin": origin.upper()}, f"made in {origin}")
    specs = _specs(attrs)
    if specs:
        add(
            "specs",
            " ".join(f"{k} {v}" for k, v in specs.items()),
            {"specs": specs},
            "; ".join(f"{k} {v}" for k, v in specs.items()),
        )
    # live values: the documents say only *that* the product has a price and stock
    add("price", "", {}, "price")
    add("stock", "", {}, "stock availability")
    return docs


def lane_doc(lane: LaneFacts, country_names: Mapping[str, str]) -> Doc:
    names = " ".join(country_names.get(c, c) for c in sorted(lane.countries))
    return Doc(
        id=f"lane:{lane.id}",
        kind="shipping",
        product_id=None,
        text=f"{_facet_words('shipping')} {lane.carrier} {lane.service} {lane.warehouse_name} "
        f"{' '.join(lane.destinations)} {names}",
        embed_text=f"shipping from {lane.warehouse_name} by {lane.carrier} to {names[:300]}",
        ref=lane.id,
        data={"lane_id": lane.id},
    )


def faq_doc(entry: FaqFacts, product: ProductFacts | None) -> Doc:
    parts = []
    for text in entry.texts.values():
        parts.append(str(text.get("question", "")))
        parts.append(str(text.get("answer", "")))
    en = entry.texts.get("en") or next(iter(entry.texts.values()), {})
    title = product.title("en") if product else ""
    topic_words = _facet_words(entry.topic) if entry.topic in FACET_WORDS else ""
    return Doc(
        id=f"faq:{entry.id}",
        kind="faq",
        product_id=entry.product_id,
        text=f"{topic_words} {' '.join(product.titles.values()) if product else ''} "
        + " ".join(parts),
        embed_text=f"{title} {en.get('question', '')} {en.get('answer', '')}".strip(),
        topic=entry.topic,
        ref=entry.id,
        data={"faq_id": entry.id},
    )


def build_docs(snapshot: StoreSnapshot, country_names: Mapping[str, str]) -> list[Doc]:
    """Every document of the store; ``country_names``: folded names per ISO code, every
    template language (so "México", "Mexiko" and "المكسيك" find the lane to MX)."""
    docs: list[Doc] = []
    by_id = {p.id: p for p in snapshot.products}
    for product in snapshot.products:
        docs.extend(product_docs(product))
    for lane in snapshot.lanes:
        docs.append(lane_doc(lane, country_names))
    docs.append(
        Doc(
            id="payment",
            kind="payment",
            product_id=None,
            text=_facet_words("payment") + " visa mastercard paypal klarna sepa pix oxxo "
            "gopay ovo dana mada apple pay google pay",
            embed_text="payment methods: cards, wallets and local ways to pay per country",
        )
    )
    for entry in snapshot.faq:
        docs.append(faq_doc(entry, by_id.get(entry.product_id or "")))
    return docs


def template_langs() -> tuple[str, ...]:
    return TEMPLATE_LANGS
