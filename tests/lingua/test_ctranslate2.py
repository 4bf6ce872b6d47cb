from __future__ import annotations

from pathlib import Path

import pytest

from castcart.lingua.engines import CTranslate2Engine, EngineError, build_engines
from castcart.lingua.glossary import Glossary
from castcart.lingua.translator import Translator
from tests.lingua.tiny_mt import ALWAYS, build_tiny_pair


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mt")
    build_tiny_pair(root / "en-de")
    (root / "fr-de").mkdir()  # incomplete: no model.bin -> not offered
    (root / "notes").mkdir()  # not a pair name
    return root


def test_pairs_come_from_complete_pair_directories(model_dir: Path) -> None:
    engine = CTranslate2Engine(model_dir, device="cpu")
    assert engine.pairs() == {("en", "de")}
    assert [e.name for e in build_engines(["ctranslate2"], mt_model_dir=model_dir)] == [
        "ctranslate2"
    ]


def test_batch_is_tokenised_translated_and_decoded_in_order(model_dir: Path) -> None:
    engine = CTranslate2Engine(model_dir, device="cpu", max_decoding_length=3, max_batch_size=2)
    texts = ["hello world", "buy now", "the dress is blue", "hello"]
    out = engine.translate(texts, "en", "de")
    assert len(out) == len(texts)
    for line in out:
        assert line.split()
        assert set(line.split()) == {ALWAYS}
    # the model loaded once and is reused
    assert engine.translate(["hello"], "en", "de") == [" ".join([ALWAYS] * 3)]
    assert len(engine._loaded) == 1


def test_unknown_pair_is_an_engine_error(model_dir: Path) -> None:
    engine = CTranslate2Engine(model_dir, device="cpu")
    with pytest.raises(EngineError):
        engine.translate(["hello"], "fr", "de")


def test_argos_layout_with_shared_sentencepiece(tmp_path: Path) -> None:
    build_tiny_pair(tmp_path / "build")
    argos = tmp_path / "models" / "en-de"
    (argos / "model").mkdir(parents=True)
    for name in ("model.bin", "config.json", "shared_vocabulary.json"):
        (argos / "model" / name).write_bytes((tmp_path / "build" / name).read_bytes())
    (argos / "sentencepiece.model").write_bytes((tmp_path / "build" / "source.spm").read_bytes())
    engine = CTranslate2Engine(tmp_path / "models", device="cpu", max_decoding_length=2)
    assert engine.translate(["hello world"], "en", "de") == [f"{ALWAYS} {ALWAYS}"]


def test_brand_survives_even_when_the_model_drops_it(model_dir: Path) -> None:
    translator = Translator([CTranslate2Engine(model_dir, device="cpu", max_decoding_length=2)])
    glossary = Glossary.build(protected=["Castcart"])
    [out] = translator.translate(["Castcart dress is blue"], "en", "de", glossary)
    assert out.endswith("Castcart")
    assert ALWAYS in out
