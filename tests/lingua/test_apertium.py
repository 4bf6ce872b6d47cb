from __future__ import annotations

from castcart.lingua.engines import strip_marks
from castcart.lingua.glossary import Glossary
from castcart.lingua.translator import Translator
from tests.lingua.apertium_support import apertium_with


def test_installed_pairs_are_discovered_with_iso_639_1_codes() -> None:
    engine = apertium_with(("en", "es"), ("es", "en"))
    assert all(len(s) == 2 and len(t) == 2 for s, t in engine.pairs())


def test_one_process_translates_a_batch_line_for_line() -> None:
    engine = apertium_with(("en", "es"))
    texts = [f"The dress number {i} is blue" for i in range(40)] + [
        "Buy now!",
        "I love this jacket. It is very beautiful.",  # two sentences stay one line
        "How much",
    ]
    out = engine.translate(texts, "en", "es")
    assert len(out) == len(texts)
    assert all("vestido" in line and str(i) in line for i, line in enumerate(out[:40]))
    assert "ahora" in out[40].lower()
    assert "chaqueta" in out[41]
    assert "vestido" not in out[41]


def test_unknown_word_marks_are_stripped() -> None:
    engine = apertium_with(("en", "es"))
    [out] = engine.translate(["The Zorblax jacket is nice"], "en", "es")
    assert "Zorblax" in out
    assert "*" not in out
    assert strip_marks("el *Zorblax #ir @dar") == "el Zorblax ir dar"


def test_glossary_protects_brand_and_enforces_catalog_term_through_apertium() -> None:
    engine = apertium_with(("en", "es"))
    glossary = Glossary.build(
        protected=["Blue Moon"], preferred=[("en", "jacket", "es", "cazadora")]
    )
    [out] = Translator([engine]).translate(
        ["The Blue Moon jacket is new, see https://shop.example.com/p/1"], "en", "es", glossary
    )
    assert "Blue Moon" in out
    assert "cazadora" in out
    assert "chaqueta" not in out
    assert "Luna" not in out
    assert "https://shop.example.com/p/1" in out


def test_pivot_through_spanish_between_apertium_pairs() -> None:
    engine = apertium_with(("en", "es"), ("es", "pt"))
    translator = Translator([engine])
    assert [leg.target for leg in translator.route("en", "pt") or []] == ["es", "pt"]
    [out] = translator.translate(["The dress is blue"], "en", "pt")
    assert "vestido" in out.lower()
    assert "azul" in out.lower()
