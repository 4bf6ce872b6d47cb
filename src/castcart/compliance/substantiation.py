"""Substantiation records: a comparison or superlative the merchant can back is cleared, with
the record cited, instead of flagged.

Pure logic. A record names the claim in words ("cheaper than on Amazon"); it backs a
finding when it is valid at the moment of the check (``valid_until`` in the future), applies
to the product and market checked (none named = every one), every word of the record's
claim occurs in the sentence of the finding, and the flagged words share at least one
content word (not "than", "als", "que"…) with the record's claim — so a record for
"cheaper than on Amazon" does not clear "better than any other brand" said in the same
breath. Only categories a merchant can substantiate with
evidence are cleared: comparisons and absolute claims; price references are judged from the
recorded price history, urgency from the show's stock and clock, and health claims need an
authorisation no merchant record replaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from castcart.compliance.text import WORD_RE, normalize, sentence_bounds
from castcart.compliance.values import Finding

CLEARABLE: Final[frozenset[str]] = frozenset({"unverified_comparison", "absolute_claim"})
#: A record must name the claim, not one loose word ("cheaper" would clear every comparison).
MIN_CLAIM_WORDS: Final = 2
#: Words that say nothing about which claim it is (folded forms): a record and a finding
#: must share a word outside these and shorter words.
_FUNCTION_WORDS: Final[frozenset[str]] = frozenset(
    [
        "than",
        "that",
        "with",
        "from",
        "this",
        "these",
        "those",
        "have",
        "more",
        "into",
        "over",
        "like",
        "daripada",
        "dengan",
        "untuk",
        "pada",
        "yang",
        "dari",
        "lebih",
        "chez",
        "dans",
        "pour",
        "avec",
        "sont",
        "plus",
        "como",
        "para",
        "desde",
        "pero",
        "uber",
        "gegenuber",
        "als",
        "اكثر",
    ]
)


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """The part of a stored substantiation record the matcher needs, and what to cite."""

    id: str
    claim: str
    valid_until: datetime
    product_id: str | None = None
    markets: frozenset[str] = frozenset()
    #: A short citation: the evidence text, URL or file reference.
    cites: str = ""


@dataclass(frozen=True, slots=True)
class Cleared:
    """A finding the store has substantiated, with the record that does it."""

    finding: Finding
    record: EvidenceRecord


def claim_words(text: str) -> tuple[str, ...]:
    """The words of a claim, accent- and case-folded ("Günstiger als bei Amazon" → …)."""
    return tuple(w.strip("'-").lower() for w in WORD_RE.findall(normalize(text)) if w.strip("'-"))


def _significant(word: str) -> bool:
    return len(word) >= 4 and word not in _FUNCTION_WORDS


def valid_claim(text: str) -> bool:
    return len(claim_words(text)) >= MIN_CLAIM_WORDS


def backing_record(
    finding: Finding,
    text: str,
    records: Iterable[EvidenceRecord],
    *,
    market: str | None,
    product_id: str | None,
    now: datetime,
) -> EvidenceRecord | None:
    """The first valid record that substantiates ``finding`` in ``text``, if any."""
    if finding.category not in CLEARABLE:
        return None
    norm = normalize(text)
    lo, hi = sentence_bounds(norm, finding.start, finding.end)
    sentence = set(claim_words(norm[lo:hi]))
    flagged = set(claim_words(text[finding.start : finding.end]))
    for record in records:
        if record.valid_until <= now:
            continue
        if record.product_id is not None and record.product_id != product_id:
            continue
        if record.markets and (market is None or market.upper() not in record.markets):
            continue
        words = set(claim_words(record.claim))
        if len(words) < MIN_CLAIM_WORDS or not words <= sentence:
            continue
        if not {w for w in words & flagged if _significant(w)}:
            continue  # the record is about another claim in the same sentence
        return record
    return None


def apply_evidence(
    findings: Sequence[Finding],
    text: str,
    records: Sequence[EvidenceRecord],
    *,
    market: str | None,
    product_id: str | None,
    now: datetime,
) -> tuple[list[Finding], list[Cleared]]:
    """Split findings into those still open and those a record clears (the record cited in
    the finding's ``evidence``)."""
    if not records:
        return list(findings), []
    still: list[Finding] = []
    cleared: list[Cleared] = []
    for finding in findings:
        record = backing_record(
            finding, text, records, market=market, product_id=product_id, now=now
        )
        if record is None:
            still.append(finding)
            continue
        cited = replace(
            finding,
            evidence={
                "evidence_id": record.id,
                "claim": record.claim,
                "valid_until": record.valid_until.isoformat(),
                "cites": record.cites,
            },
        )
        cleared.append(Cleared(cited, record))
    return still, cleared
