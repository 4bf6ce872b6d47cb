"""Product copy is checked when it is saved: each translation's title and description against
the claim rules of the store's home market, in the translation's language, plus a fact check
of the text against the product's own attributes ("pure silk" on a cotton product)."""

from __future__ import annotations

from typing import Any

from castcart.catalog.models import Product
from castcart.compliance import CheckContext, ComplianceInputError, check_text, fact_check
from castcart.compliance.rules import LANGUAGES


def check_descriptions(product: Product, market: str) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = []
    for translation in product.translations:
        lang = translation.locale.split("-")[0]
        if lang not in LANGUAGES:
            continue  # no lexicon for this language yet
        for field in ("title", "description"):
            text = getattr(translation, field)
            if not text:
                continue
            context = CheckContext(market=market, product_attributes=product.attributes)
            try:
                results = check_text(text, market, lang, context)
            except ComplianceInputError:
                return []  # the store's market has no rule pack
            findings.extend(
                {
                    "locale": translation.locale,
                    "field": field,
                    "excerpt": text[f.start : f.end],
                    **f.as_dict(),
                }
                for f in results
            )
            findings.extend(
                {
                    "locale": translation.locale,
                    "field": field,
                    "category": "fact_contradiction",
                    "excerpt": text[f.start : f.end],
                    **f.as_dict(),
                }
                for f in fact_check(text, lang, product.attributes)
            )
    return findings
