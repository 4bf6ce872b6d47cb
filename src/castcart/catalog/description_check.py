"""Product copy is checked when it is saved: each translation's title and description against
the claim rules of the store's home market, in the translation's language, plus a fact check
of the text against the product's own attributes ("pure silk" on a cotton product)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from castcart.catalog.models import Product
from castcart.compliance import (
    CheckContext,
    ComplianceInputError,
    PriceHistory,
    check_text,
    fact_check,
)
from castcart.compliance.rules import LANGUAGES
from castcart.compliance.substantiation import EvidenceRecord, apply_evidence
from castcart.core.clock import utcnow


def check_descriptions(
    product: Product,
    market: str,
    records: Sequence[EvidenceRecord] = (),
    now: datetime | None = None,
    prices: PriceHistory | None = None,
) -> list[dict[str, Any]]:
    """Findings in the product's copy. A comparison or superlative that one of the store's
    substantiation ``records`` backs comes back with ``evidence`` (the record cited); a price
    reference ("was €99, now €49") is judged against ``prices``, the recorded history."""
    at = now or utcnow()
    findings: list[dict[str, Any]] = []
    for translation in product.translations:
        lang = translation.locale.split("-")[0]
        if lang not in LANGUAGES:
            continue  # no lexicon for this language yet
        for field in ("title", "description"):
            text = getattr(translation, field)
            if not text:
                continue
            context = CheckContext(
                now=at, market=market, product_attributes=product.attributes, price_history=prices
            )
            try:
                results = check_text(text, market, lang, context)
            except ComplianceInputError:
                return []  # the store's market has no rule pack
            still, cleared = apply_evidence(
                results, text, records, market=market, product_id=product.id, now=at
            )
            findings.extend(
                {
                    "locale": translation.locale,
                    "field": field,
                    "excerpt": text[f.start : f.end],
                    **f.as_dict(),
                }
                for f in still
            )
            findings.extend(
                {
                    "locale": translation.locale,
                    "field": field,
                    "excerpt": text[c.finding.start : c.finding.end],
                    **c.finding.as_dict(),
                    "evidence": dict(c.finding.evidence or {}),
                }
                for c in cleared
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
