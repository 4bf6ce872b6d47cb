"""A substantiation record clears the comparison it names, and only that one, while valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from castcart.compliance import check_text
from castcart.compliance.substantiation import EvidenceRecord, apply_evidence, valid_claim

NOW = datetime(2026, 12, 8, 12, tzinfo=UTC)
LINE = "This charger is cheaper than on Amazon and better than any other brand."


def record(claim: str, **kw: object) -> EvidenceRecord:
    values: dict[str, object] = {"valid_until": NOW + timedelta(days=30), "cites": "survey"}
    values.update(kw)
    return EvidenceRecord(id="ev1", claim=claim, **values)  # type: ignore[arg-type]


def comparisons(text: str = LINE, lang: str = "en") -> list:  # type: ignore[type-arg]
    return [
        f
        for f in check_text(text, "DE", lang)
        if f.category in {"unverified_comparison", "absolute_claim"}
    ]


def test_the_record_clears_its_claim_and_not_the_other_one() -> None:
    found = comparisons()
    assert len(found) >= 2
    still, cleared = apply_evidence(
        found, LINE, [record("Cheaper than Amazon")], market="DE", product_id=None, now=NOW
    )
    assert [c.finding.matched for c in cleared] == ["cheaper than on Amazon"]
    assert cleared[0].finding.evidence == {
        "evidence_id": "ev1",
        "claim": "Cheaper than Amazon",
        "valid_until": (NOW + timedelta(days=30)).isoformat(),
        "cites": "survey",
    }
    assert any("other brand" in f.matched for f in still)


def test_expired_other_product_and_other_market_records_do_not_clear() -> None:
    found = comparisons()
    for rec, market, product in [
        (record("cheaper than on Amazon", valid_until=NOW), "DE", None),
        (record("cheaper than on Amazon", product_id="p1"), "DE", "p2"),
        (record("cheaper than on Amazon", markets=frozenset({"FR"})), "DE", None),
    ]:
        _, cleared = apply_evidence(found, LINE, [rec], market=market, product_id=product, now=NOW)
        assert cleared == []
    _, cleared = apply_evidence(
        found,
        LINE,
        [record("cheaper than on Amazon", product_id="p1", markets=frozenset({"DE"}))],
        market="DE",
        product_id="p1",
        now=NOW,
    )
    assert len(cleared) == 1


def test_folded_words_match_across_accents_and_case() -> None:
    text = "Hier ist es günstiger als bei Amazon."
    found = comparisons(text, "de")
    assert found
    _, cleared = apply_evidence(
        found, text, [record("GUNSTIGER als bei amazon")], market="DE", product_id=None, now=NOW
    )
    assert len(cleared) == 1


def test_price_and_health_findings_are_never_cleared_by_a_record() -> None:
    text = "Was €99, now €49, and it cures acne."
    found = check_text(text, "DE", "en")
    assert {f.category for f in found} >= {"price_reference_misleading", "medical_claim"}
    still, cleared = apply_evidence(
        found,
        text,
        [record("was €99 now €49"), record("cures acne")],
        market="DE",
        product_id=None,
        now=NOW,
    )
    assert cleared == []
    assert len(still) == len(found)


def test_a_claim_needs_two_words() -> None:
    assert not valid_claim("cheaper")
    assert valid_claim("cheaper than Amazon")
