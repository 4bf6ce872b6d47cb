"""Rule packs load, inherit, and every rule carries what counsel needs to review it."""

from __future__ import annotations

import pytest

from castcart.compliance.rules import (
    LANGUAGES,
    MARKETS,
    all_packs,
    compiled_rules,
    load_lexicon,
    resolve_language,
    resolve_market,
)
from castcart.compliance.values import CATEGORIES, ComplianceInputError


def test_every_market_has_a_pack_with_version() -> None:
    packs = all_packs()
    assert set(packs) == set(MARKETS)
    for pack in packs.values():
        assert pack.version
        assert pack.rules


@pytest.mark.parametrize("market", MARKETS)
def test_every_rule_is_complete(market: str) -> None:
    for rule in all_packs()[market].rules:
        assert rule.id, rule
        assert rule.description, rule.id
        assert rule.source, rule.id
        assert rule.severity in {"low", "medium", "high"}, rule.id
        assert rule.category in CATEGORIES, rule.id
        assert rule.suggestion.get("en"), rule.id
        assert rule.languages, rule.id
        assert rule.lexicon or rule.patterns, f"{rule.id} has no detection"


def test_rule_ids_are_unique_per_market() -> None:
    for pack in all_packs().values():
        ids = [r.id for r in pack.rules]
        assert len(ids) == len(set(ids)), pack.market


def test_fr_and_de_include_eu_and_replace_what_they_refine() -> None:
    packs = all_packs()
    for child, replaced in (
        ("fr", "eu.ucpd.annex1.11.hidden_advertising"),
        ("de", "eu.omnibus.pid.art6a.prior_price"),
    ):
        ids = {r.id for r in packs[child].rules}
        assert packs[child].includes == ("eu",)
        assert "eu.ucpd.annex1.17.cure" in ids or child == "de"
        assert replaced not in ids
    assert "eu.ecgt.annex1.4a.generic_claim" in {r.id for r in packs["fr"].rules}


@pytest.mark.parametrize("market", MARKETS)
def test_claim_categories_are_covered_in_every_market(market: str) -> None:
    cats = {r.category for r in all_packs()[market].rules}
    assert set(CATEGORIES) - {"restricted_product_market"} <= cats


def test_restricted_products_where_the_market_restricts_them() -> None:
    packs = all_packs()
    for market in ("sa_ae", "id_my", "au"):
        assert any(r.category == "restricted_product_market" for r in packs[market].rules)
    for market in ("us", "eu", "uk"):
        assert not any(r.category == "restricted_product_market" for r in packs[market].rules)


@pytest.mark.parametrize("market", MARKETS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pack_compiles_for_every_language(market: str, lang: str) -> None:
    assert compiled_rules(market, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lexicons_have_suggestions_for_every_category(lang: str) -> None:
    lex = load_lexicon(lang)
    assert set(CATEGORIES) <= set(lex.suggestions)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("FR", "fr"), ("gb", "uk"), ("ae", "sa_ae"), ("SA", "sa_ae"), ("my", "id_my"), ("es", "eu")],
)
def test_market_aliases(raw: str, expected: str) -> None:
    assert resolve_market(raw) == expected


def test_unknown_market_and_language_are_clear_errors() -> None:
    with pytest.raises(ComplianceInputError) as exc:
        resolve_market("zz")
    assert exc.value.code == "unknown_market"
    with pytest.raises(ComplianceInputError) as exc2:
        resolve_language("xx")
    assert exc2.value.code == "unsupported_language"
    assert resolve_language("en-US") == "en"
