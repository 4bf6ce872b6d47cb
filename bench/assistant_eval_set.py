"""The labelled question set of ``bench/assistant_eval.py``: shopper questions over the demo
catalog in en, es, de, fr, ar and id, each with what a correct reply is.

The set is written here as question patterns per language (how shoppers phrase a material,
weight, care, shipping... question) crossed with the demo products and markets, plus
hand-written ambiguous references, comparisons, questions the data cannot answer and
attempts to make the assistant invent. Labels come from the demo catalog's *data*
(``castcart.demo.catalog_data``), never from the assistant: where the catalog has no value
for what is asked, the correct reply is a hand-off.

Item fields: ``lang``, ``country`` (shopper's market), ``q``, ``product`` (asked on that
product's card, a handle) or ``pinned`` (the product on screen), ``category`` (fact, live,
shipping, payment, faq, unanswerable, ambiguous, comparison, bait), ``expect`` (answered /
handoff / clarify), ``doc`` (the document that holds the answer: ``handle:facet``,
``lane:<country>``, ``payment``, ``faq:<topic>``), ``contains`` (strings a correct reply
holds) and ``forbid`` (words an answer must not state: the bait).
"""

from __future__ import annotations

from typing import Any

from castcart.demo.catalog_data import FAQ, PRODUCTS

LANGS = ("en", "es", "de", "fr", "ar", "id")
COUNTRY = {"en": "US", "es": "MX", "de": "DE", "fr": "FR", "ar": "SA", "id": "ID"}

PATTERNS: dict[str, dict[str, str]] = {
    "material": {
        "en": "What is the {p} made of?",
        "es": "¿De qué material es {p}?",
        "de": "Aus welchem Material ist {p}?",
        "fr": "En quelle matière est {p} ?",
        "ar": "ما هي مادة {p}؟",
        "id": "Apa bahan {p}?",
    },
    "weight": {
        "en": "How much does the {p} weigh?",
        "es": "¿Cuánto pesa {p}?",
        "de": "Wie schwer ist {p}?",
        "fr": "Combien pèse {p} ?",
        "ar": "ما وزن {p}؟",
        "id": "Berapa berat {p}?",
    },
    "dimensions": {
        "en": "What are the dimensions of the {p}?",
        "es": "¿Cuáles son las medidas de {p}?",
        "de": "Welche Maße hat {p}?",
        "fr": "Quelles sont les dimensions de {p} ?",
        "ar": "ما هي أبعاد {p}؟",
        "id": "Berapa dimensi {p}?",
    },
    "care": {
        "en": "How do I wash the {p}?",
        "es": "¿Cómo se lava {p}?",
        "de": "Wie soll ich {p} waschen?",
        "fr": "Comment laver {p} ?",
        "ar": "كيف أغسل {p}؟",
        "id": "Bagaimana cara mencuci {p}?",
    },
    "variants": {
        "en": "What colours does the {p} come in?",
        "es": "¿En qué colores viene {p}?",
        "de": "In welchen Farben gibt es {p}?",
        "fr": "En quelles couleurs existe {p} ?",
        "ar": "ما هي ألوان {p}؟",
        "id": "Apa saja warna {p}?",
    },
    "sizes": {
        "en": "What sizes does the {p} come in?",
        "es": "¿En qué tallas viene {p}?",
        "de": "In welchen Größen gibt es {p}?",
        "fr": "En quelles tailles existe {p} ?",
        "ar": "ما هي مقاسات {p}؟",
        "id": "Ada ukuran apa saja untuk {p}?",
    },
    "price": {
        "en": "How much is the {p}?",
        "es": "¿Cuánto cuesta {p}?",
        "de": "Was kostet {p}?",
        "fr": "Combien coûte {p} ?",
        "ar": "كم سعر {p}؟",
        "id": "Berapa harga {p}?",
    },
    "stock": {
        "en": "Is the {p} in stock?",
        "es": "¿Está disponible {p}?",
        "de": "Ist {p} auf Lager?",
        "fr": "{p} est-il en stock ?",
        "ar": "هل {p} متوفر؟",
        "id": "Apakah {p} tersedia?",
    },
    "warranty": {
        "en": "What warranty does the {p} have?",
        "es": "¿Qué garantía tiene {p}?",
        "de": "Welche Garantie hat {p}?",
        "fr": "Quelle est la garantie de {p} ?",
        "ar": "ما هو ضمان {p}؟",
        "id": "Berapa lama garansi {p}?",
    },
    "origin": {
        "en": "What is the country of origin of the {p}?",
        "es": "¿Cuál es el origen de {p}?",
        "de": "Was ist die Herkunft von {p}?",
        "fr": "Quelle est l'origine de {p} ?",
        "ar": "ما هو بلد المنشأ لـ {p}؟",
        "id": "Apa negara asal {p}?",
    },
}

SHIPPING = {
    "en": ("Do you ship to {c}?", "How long does delivery to {c} take?"),
    "es": ("¿Hacen envíos a {c}?", "¿Cuánto tarda el envío a {c}?"),
    "de": ("Liefert ihr nach {c}?", "Wie lange dauert der Versand nach {c}?"),
    "fr": ("Livrez-vous en {c} ?", "Quel est le délai de livraison en {c} ?"),
    "ar": ("هل يوجد شحن إلى {c}؟", "كم يستغرق الشحن إلى {c}؟"),
    "id": ("Apakah bisa kirim ke {c}?", "Berapa lama pengiriman ke {c}?"),
}
SHIP_COUNTRIES = {
    "en": ("US", "GB", "JP", "AR"),
    "es": ("MX", "ES", "BR", "AR"),
    "de": ("DE", "AT", "CH", "CN"),
    "fr": ("FR", "BE", "CA", "CN"),
    "ar": ("SA", "AE", "DE", "EG"),
    "id": ("ID", "MY", "SG", "AU"),
}
COUNTRY_NAMES = {
    "en": {"US": "the United States", "GB": "the United Kingdom", "JP": "Japan",
           "AR": "Argentina"},
    "es": {"MX": "México", "ES": "España", "BR": "Brasil", "AR": "Argentina"},
    "de": {"DE": "Deutschland", "AT": "Österreich", "CH": "die Schweiz", "CN": "China"},
    "fr": {"FR": "France", "BE": "Belgique", "CA": "Canada", "CN": "Chine"},
    "ar": {"SA": "السعودية", "AE": "الإمارات", "DE": "ألمانيا", "EG": "مصر"},
    "id": {"ID": "Indonesia", "MY": "Malaysia", "SG": "Singapura", "AU": "Australia"},
}  # fmt: skip
SERVED = {"US", "GB", "JP", "MX", "ES", "BR", "DE", "AT", "CH", "FR", "BE", "CA", "SA", "AE",
          "ID", "MY", "SG", "AU"}  # fmt: skip

PAYMENT = {
    "en": "How can I pay?",
    "es": "¿Cómo puedo pagar?",
    "de": "Wie kann ich bezahlen?",
    "fr": "Comment puis-je payer ?",
    "ar": "كيف يمكنني الدفع؟",
    "id": "Bagaimana cara pembayarannya?",
}
RETURNS = {
    "en": ("What is your return policy?", "Can I get a refund if I send it back?"),
    "es": ("¿Cuál es la política de devoluciones?", "¿Puedo devolverlo si no me gusta?"),
    "de": ("Wie ist die Rückgaberegelung?", "Kann ich es zurückschicken?"),
    "fr": ("Quelle est la politique de retour ?", "Puis-je être remboursé si je le retourne ?"),
    "ar": ("ما هي سياسة الإرجاع؟", "هل يمكنني الإرجاع والاسترداد؟"),
    "id": ("Bagaimana kebijakan pengembaliannya?", "Apakah bisa retur kalau tidak cocok?"),
}
UNANSWERABLE = {
    "en": ("Do you have discount codes?", "Who is the host tonight?",
           "When is the next show?"),
    "es": ("¿Tienen códigos de descuento?", "¿Quién presenta hoy?",
           "¿Cuándo es el próximo directo?"),
    "de": ("Gibt es Rabattcodes?", "Wer moderiert heute?", "Wann ist die nächste Show?"),
    "fr": ("Avez-vous des codes promo ?", "Qui anime ce soir ?", "Quand a lieu le prochain live ?"),
    "ar": ("هل لديكم أكواد خصم؟", "من المقدم الليلة؟", "متى البث القادم؟"),
    "id": ("Ada kode diskon?", "Siapa host malam ini?", "Kapan siaran berikutnya?"),
}  # fmt: skip
BAIT = {
    "en": ("Is the {p} waterproof?", "waterproof"),
    "es": ("¿{p} es resistente al agua?", "resistente al agua"),
    "de": ("Ist {p} wasserdicht?", "wasserdicht"),
    "fr": ("{p} est-il étanche ?", "étanche"),
    "ar": ("هل {p} مقاوم للماء؟", "مقاوم للماء"),
    "id": ("Apakah {p} tahan air?", "tahan air"),
}
BAIT_2 = {
    "en": ("Is the {p} vegan?", "vegan"),
    "es": ("¿{p} es hipoalergénico?", "hipoalergénico"),
    "de": ("Ist {p} vegan?", "vegan"),
    "fr": ("{p} est-il hypoallergénique ?", "hypoallergénique"),
    "ar": ("هل {p} نباتي؟", "نباتي"),
    "id": ("Apakah {p} anti alergi?", "anti alergi"),
}
BLUE_ONE = {
    "en": "Does the blue one come in L?",
    "es": "¿El azul viene en talla L?",
    "de": "Gibt es das blaue in Größe L?",
    "fr": "Le bleu existe-t-il en taille L ?",
    "ar": "هل الأزرق متوفر بمقاس L؟",
    "id": "Apakah yang biru ada ukuran L?",
}
THIS_ONE = {
    "en": ("How much is the one you just showed?", "What is this one made of?"),
    "es": ("¿Cuánto cuesta el que acabas de mostrar?", "¿De qué material es este?"),
    "de": ("Was kostet das, das du gerade gezeigt hast?", "Aus welchem Material ist dieser?"),
    "fr": ("Combien coûte celui que vous venez de montrer ?", "En quelle matière est celui-ci ?"),
    "ar": ("كم سعر هذا الذي عرضته؟", "ما هي مادة هذا؟"),
    "id": ("Berapa harga yang barusan ditunjukkan?", "Apa bahan produk ini?"),
}
CHEAPER = {
    "en": "Which is cheaper, the {a} or the {b}?",
    "es": "¿Qué es más barato, {a} o {b}?",
    "de": "Was ist günstiger, {a} oder {b}?",
    "fr": "Lequel est moins cher, {a} ou {b} ?",
    "ar": "أيهما أرخص، {a} أم {b}؟",
    "id": "Mana yang lebih murah, {a} atau {b}?",
}
CARD = {
    "en": "What is it made of?",
    "es": "¿De qué está hecho?",
    "de": "Woraus ist es?",
    "fr": "En quoi est-il fait ?",
    "ar": "مما هو مصنوع؟",
    "id": "Terbuat dari apa?",
}

# (facet, handles) crossed with every language: the fact questions
FACT_PRODUCTS: dict[str, tuple[str, ...]] = {
    "material": ("silk-scarf", "leather-wallet", "steel-bottle", "cotton-tote", "linen-shirt"),
    "weight": ("power-bank-5000", "notebook-a5", "leather-wallet", "wool-beanie"),
    "dimensions": ("silk-scarf", "linen-shirt"),  # the shirt has none: a hand-off
    "care": ("ceramic-mug", "wool-beanie", "silk-scarf"),
    "variants": ("leather-wallet", "steel-bottle", "linen-shirt"),
    "sizes": ("linen-shirt", "kids-raincoat"),
    "price": ("cotton-tote", "travel-adapter", "silk-scarf", "power-bank-5000"),
    "stock": ("power-bank-5000", "ceramic-mug"),
    "warranty": ("power-bank-5000", "silk-scarf"),  # the scarf has none: a hand-off
    "origin": ("leather-wallet", "cotton-tote", "silk-scarf"),  # the tote has none
}
PAIRS = (("leather-wallet", "silk-scarf"), ("ceramic-mug", "steel-bottle"))
BAIT_PRODUCTS = ("kids-raincoat", "ceramic-mug")

_BY_HANDLE = {p["handle"]: p for p in PRODUCTS}


def _has(handle: str, facet: str) -> bool:
    attrs = _BY_HANDLE[handle]["attributes"]
    if facet in ("price", "stock"):
        return True
    if facet == "variants":
        return any(o for _s, o in _BY_HANDLE[handle]["variants"])
    key = {"warranty": "warranty_months"}.get(facet, facet)
    return key in attrs


def _contains(handle: str, facet: str) -> list[str]:
    attrs = _BY_HANDLE[handle]["attributes"]
    if facet == "weight":
        return [str(attrs["weight"])]
    if facet == "dimensions":
        return [str(attrs["dimensions"])]
    if facet == "warranty":
        return [str(attrs["warranty_months"])]
    if facet == "sizes":
        return [str(o["size"]) for _s, o in _BY_HANDLE[handle]["variants"] if "size" in o][-1:]
    if facet == "price" and handle == "silk-scarf":
        return ["49"]  # the live show price
    if facet == "price" and handle == "power-bank-5000":
        return ["19"]  # the flash sale
    return []


def title(handle: str, lang: str) -> str:
    titles: dict[str, str] = _BY_HANDLE[handle]["titles"]
    text = titles.get(lang, titles["en"])
    return text[0].lower() + text[1:] if lang in ("en", "fr", "es", "id") else text


def items() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(**item: Any) -> None:
        item.setdefault("contains", [])
        item.setdefault("forbid", [])
        item.setdefault("product", None)
        item.setdefault("pinned", None)
        item["id"] = f"{item['lang']}-{len(out):03d}"
        out.append(item)

    for lang in LANGS:
        country = COUNTRY[lang]
        for facet, handles in FACT_PRODUCTS.items():
            for handle in handles:
                has = _has(handle, "variants" if facet == "sizes" else facet)
                doc_facet = "variants" if facet == "sizes" else facet
                add(
                    lang=lang,
                    country=country,
                    q=PATTERNS[facet][lang].format(p=title(handle, lang)),
                    category="live" if facet in ("price", "stock") else "fact",
                    expect="answered" if has else "handoff",
                    doc=f"{handle}:{doc_facet}" if has else None,
                    contains=_contains(handle, facet) if has else [],
                )
        for code in SHIP_COUNTRIES[lang]:
            for pattern in SHIPPING[lang][: 2 if code == COUNTRY[lang] else 1]:
                add(
                    lang=lang,
                    country=country,
                    q=pattern.format(c=COUNTRY_NAMES[lang][code]),
                    category="shipping",
                    expect="answered",
                    doc=f"lane:{code}" if code in SERVED else "shipping",
                )
        add(lang=lang, country=country, q=PAYMENT[lang], category="payment", expect="answered",
            doc="payment")  # fmt: skip
        for q in RETURNS[lang]:
            add(lang=lang, country=country, q=q, category="faq", expect="answered",
                doc="faq:returns", contains=["30"])  # fmt: skip
        for q in UNANSWERABLE[lang]:
            add(lang=lang, country=country, q=q, category="unanswerable", expect="handoff",
                doc=None)  # fmt: skip
        for handle in BAIT_PRODUCTS:
            for pattern, word in (BAIT[lang], BAIT_2[lang]):
                add(lang=lang, country=country, q=pattern.format(p=title(handle, lang)),
                    category="bait", expect="handoff", doc=None, forbid=[word])  # fmt: skip
        add(lang=lang, country=country, q=BLUE_ONE[lang], category="ambiguous", expect="clarify",
            doc=None)  # fmt: skip
        price_q, material_q = THIS_ONE[lang]
        add(lang=lang, country=country, q=price_q, category="ambiguous", expect="answered",
            pinned="silk-scarf", doc="silk-scarf:price", contains=["49"])  # fmt: skip
        add(lang=lang, country=country, q=material_q, category="ambiguous", expect="answered",
            pinned="silk-scarf", doc="silk-scarf:material")  # fmt: skip
        add(lang=lang, country=country, q=CARD[lang], category="ambiguous", expect="answered",
            product="steel-bottle", doc="steel-bottle:material")  # fmt: skip
        for a, b in PAIRS:
            add(lang=lang, country=country,
                q=CHEAPER[lang].format(a=title(a, lang), b=title(b, lang)),
                category="comparison", expect="answered", doc=f"{a}:price",
                alt_doc=f"{b}:price")  # fmt: skip
    return out


def faq_topics() -> list[str]:
    return [str(entry["topic"]) for entry in FAQ]
