"""The semantic layer (issue 19): labelled data split by source, classifier, layer attribution."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from castcart.compliance import CheckContext, FlashSale, check_text, semantic
from castcart.compliance.values import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "castcart" / "compliance" / "data" / "labelled.jsonl"


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_compliance_data", ROOT / "scripts" / "build_compliance_data.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_compliance_data", module)  # dataclasses look the module up
    spec.loader.exec_module(module)
    return sys.modules["build_compliance_data"]


def _rows() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --- the data and its split ---------------------------------------------------------------


def test_labelled_file_is_what_the_script_builds() -> None:
    b = _builder()
    assert DATA.read_text(encoding="utf-8") == b.render(b.build()), (
        "run scripts/build_compliance_data.py"
    )


def test_no_source_document_straddles_splits() -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for r in _rows():
        splits[r["source"]].add(r["split"])
    straddling = {s: sp for s, sp in splits.items() if len(sp) > 1}
    assert straddling == {}
    assert {sp for sps in splits.values() for sp in sps} == {"train", "dev", "test"}


def test_data_shape_covers_every_category_language_and_split() -> None:
    rows = _rows()
    assert len(rows) >= 1500
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["source"]
        assert r["source_url"].startswith("https://")
        assert r["source_title"]
        assert r["expected"] == ([] if r["category"] == "compliant" else [r["category"]])
    langs = {"en", "es", "fr", "de", "it", "id", "ms", "ar"}
    assert {r["lang"] for r in rows} == langs
    compliant = sum(r["category"] == "compliant" for r in rows)
    assert 0.3 <= compliant / len(rows) <= 0.6  # a balanced share of look-alikes
    for split in ("train", "dev", "test"):
        part = [r for r in rows if r["split"] == split]
        assert {r["category"] for r in part} == {*CATEGORIES, "compliant"}, split


def test_split_is_by_source_and_stable() -> None:
    b = _builder()
    sources = {
        f"s{i}": b.Source(f"s{i}", "A", "T", "https://x", "medical_claim") for i in range(10)
    }
    first = b.split_sources(sources, set(sources))
    assert first == b.split_sources(sources, set(sources))
    counts = {sp: sum(1 for v in first.values() if v == sp) for sp in ("train", "dev", "test")}
    assert counts == {"train": 6, "dev": 2, "test": 2}


def test_builder_rejects_unknown_sources_and_bad_lines(tmp_path: Path) -> None:
    b = _builder()
    sources = {"known": b.Source("known", "A", "T", "https://x", "medical_claim")}
    bad = tmp_path / "bad.txt"
    bad.write_text("@unknown\nen us med | x\n", encoding="utf-8")
    with pytest.raises(b.DataError, match=r"bad.txt:1: unknown source"):
        b.parse_authored([bad], sources)
    bad.write_text("@known\nen us cure | This cures colds.\n", encoding="utf-8")
    with pytest.raises(b.DataError, match=r"bad.txt:2: unknown label"):
        b.parse_authored([bad], sources)
    bad.write_text("@known\nen us med | Same.\nde de med | same.\n", encoding="utf-8")
    with pytest.raises(b.DataError, match="duplicate sentence"):
        b.parse_authored([bad], sources)


# --- the classifier ---------------------------------------------------------------------

# Written for this test, in none of the data's files: paraphrases the rules' lexicons miss.
HELD_OUT = [
    (
        "The company mailed me these headphones at no cost, so here they are.",
        "en",
        "us",
        "missing_ad_disclosure",
    ),
    (
        "Rub this gel in every night and your arthritis goes away for good.",
        "en",
        "uk",
        "medical_claim",
    ),
    (
        "Honestly you'd pay three times as much on eBay for something worse.",
        "en",
        "us",
        "unverified_comparison",
    ),
    (
        "Esta crema hace desaparecer la dermatitis de tus hijos en una semana.",
        "es",
        "es",
        "medical_claim",
    ),
    (
        "Die Firma hat mir den Mixer umsonst zugeschickt, also schaut mal.",
        "de",
        "de",
        "missing_ad_disclosure",
    ),
]
HELD_OUT_COMPLIANT = [
    ("The headphones weigh 250 grams and fold flat for travel.", "en", "us"),
    ("Die Lieferung nach Berlin dauert zwei bis drei Werktage.", "de", "de"),
]


@pytest.mark.parametrize(("text", "lang", "market", "category"), HELD_OUT)
def test_classifier_catches_held_out_paraphrases(
    text: str, lang: str, market: str, category: str
) -> None:
    [hits] = semantic.classify([text])
    assert category in {h.category for h in hits}, [(h.category, h.score) for h in hits]
    found = check_text(text, market, lang)
    assert category in {f.category for f in found}


@pytest.mark.parametrize(("text", "lang", "market"), HELD_OUT_COMPLIANT)
def test_classifier_leaves_plain_product_talk_alone(text: str, lang: str, market: str) -> None:
    assert check_text(text, market, lang) == []


def test_knn_and_logreg_both_score_in_unit_interval() -> None:
    train = semantic.load_examples(splits=["train"])[:200]
    X = semantic.cached_embeddings(train)
    for cfg in (semantic.SemanticConfig(method="knn", k=5), semantic.DEFAULT_CONFIG):
        S = semantic.Classifier(train, X, cfg).scores(X[:10])
        assert S.shape == (10, len(semantic.CLASSES))
        assert np.all(S >= 0)
        assert np.all(S <= 1.0001)
        assert np.allclose(S.sum(axis=1), 1.0, atol=1e-3)


# --- wiring into the checker: which layer fired and why ----------------------------------


def test_rules_finding_says_rules_and_the_span() -> None:
    [f] = [
        f
        for f in check_text("The best charger in the world.", "us", "en")
        if f.category == "absolute_claim"
    ]
    assert f.layer == "rules"
    assert f.matched
    assert f.matched in f.why
    assert f.as_dict()["layer"] == "rules"


def test_semantic_finding_names_the_closest_labelled_example() -> None:
    text = "The company mailed me these headphones at no cost, so here they are."
    rules_only = check_text(text, "us", "en", layers=("rules",))
    assert "missing_ad_disclosure" not in {f.category for f in rules_only}
    [f] = [f for f in check_text(text, "us", "en") if f.category == "missing_ad_disclosure"]
    assert f.layer == "semantic"
    assert f.rule == "semantic.missing_ad_disclosure"
    assert (f.start, f.end) == (0, len(text))
    assert f.example
    assert f.example_source
    assert f.score is not None
    assert f.score >= semantic.DEFAULT_CONFIG.threshold
    examples = {e.text: e for e in semantic.load_examples(splits=["train"])}
    assert examples[f.example].category == "missing_ad_disclosure"
    out = f.as_dict()
    assert out["layer"] == "semantic"
    assert out["example"] == f.example
    assert f.example in out["why"]


def test_rules_keep_the_context_disclosure_shown_and_running_sale() -> None:
    ad = "The company mailed me these headphones at no cost, so here they are."
    shown = CheckContext(disclosure_label_shown=True)
    assert check_text(ad, "us", "en", shown) == []
    labelled = "#ad " + ad
    assert "missing_ad_disclosure" not in {f.category for f in check_text(labelled, "us", "en")}
    now = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)
    urgent = "This deal will not be around much longer, so decide quickly."
    no_ctx = [f for f in check_text(urgent, "us", "en") if f.category == "fake_urgency"]
    assert {f.layer for f in no_ctx} == {"semantic"}
    assert no_ctx
    assert all(f.severity == "low" for f in no_ctx)
    sale = CheckContext(now=now, flash_sale=FlashSale(ends_at=now + timedelta(minutes=20)))
    assert "fake_urgency" not in {f.category for f in check_text(urgent, "us", "en", sale)}


def test_quoted_speech_is_not_the_hosts_claim() -> None:
    text = 'Our lawyer told us never to say "this cream cures eczema" on a live.'
    assert "medical_claim" not in {f.category for f in check_text(text, "uk", "en")}


def test_restricted_products_only_where_the_market_restricts_them() -> None:
    text = "Chilled craft lager for the weekend, buy two get one free."
    assert "restricted_product_market" in {f.category for f in check_text(text, "sa", "en")}
    assert "restricted_product_market" not in {f.category for f in check_text(text, "us", "en")}


def test_layers_argument_is_validated() -> None:
    with pytest.raises(ValueError, match="unknown checker layers"):
        check_text("hello there", "us", "en", layers=("magic",))


def test_semantic_layer_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The company mailed me these headphones at no cost, so here they are."
    monkeypatch.setenv("CASTCART_COMPLIANCE_SEMANTIC", "0")
    assert all(f.layer == "rules" for f in check_text(text, "us", "en"))


def test_embedding_cache_file_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASTCART_SEMANTIC_CACHE", str(tmp_path))
    examples = semantic.load_examples(splits=["dev"])[:3]
    first = semantic.cached_embeddings(examples)
    assert list(tmp_path.glob("*.npz"))
    calls: list[int] = []
    real = semantic.embedder().embed_many

    def counting(texts: Any, batch: int = 64) -> Any:
        calls.append(len(texts))
        return real(texts, batch)

    monkeypatch.setattr(semantic.embedder(), "embed_many", counting)
    again = semantic.cached_embeddings(examples)
    assert calls == []
    assert np.allclose(first, again)
    assert first.shape == (3, 384)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)


def test_greetings_and_short_asides_are_left_to_the_rules() -> None:
    """Short host lines carry no claim the rules would miss; the classifier once flagged
    "Thanks for joining!" as an undisclosed partnership (close to a French thank-you line)."""
    from castcart.compliance.checker import check_text

    for line in (
        "Thanks for joining!",
        "Danke fürs Zuschauen!",
        "Merci d'être là !",
        "¡Hola a todos!",
    ):
        for market in ("us", "eu", "fr", "de"):
            assert [f for f in check_text(line, market, "en") if f.layer == "semantic"] == []
    # a short line with a claim the rules know is still caught, by the rules
    assert [f.layer for f in check_text("It cures cancer!", "us", "en")] == ["rules"]
