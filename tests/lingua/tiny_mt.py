"""A tiny CTranslate2 Transformer built from scratch (no download, no torch): a word-level
SentencePiece model trained on a few lines, a 1-layer spec with random weights, and an
output bias that makes greedy decoding always emit ``hola``. It says nothing about quality;
it exercises the engine's directory layout, loading, tokenisation, batching and decoding."""

from __future__ import annotations

import io
from pathlib import Path

import ctranslate2.specs.model_spec as model_spec
import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

CORPUS = [
    "hello world",
    "hola mundo",
    "the dress is blue",
    "el vestido es azul",
    "buy now",
    "compra ahora",
]
ALWAYS = "hola"


def _fill(
    layer: model_spec.LayerSpec, prefix: str, rng: np.random.Generator, d: int, f: int, v: int
) -> None:
    for attr, value in list(layer.__dict__.items()):
        path = prefix + attr
        if isinstance(value, model_spec.LayerSpec):
            _fill(value, path + "/", rng, d, f, v)
        elif isinstance(value, list) and value and isinstance(value[0], model_spec.LayerSpec):
            for i, item in enumerate(value):
                _fill(item, f"{path}_{i}/", rng, d, f, v)
        elif value is None:
            if attr == "gamma":
                setattr(layer, attr, np.ones(d, np.float32))
            elif attr == "beta":
                setattr(layer, attr, np.zeros(d, np.float32))
            elif attr == "weight":
                if "embeddings" in path or "projection" in path:
                    shape = (v, d)
                elif "self_attention/linear_0" in path:
                    shape = (3 * d, d)
                elif "attention/linear_1" in path and "self_attention" not in path:
                    shape = (2 * d, d)
                elif "ffn/linear_0" in path:
                    shape = (f, d)
                elif "ffn/linear_1" in path:
                    shape = (d, f)
                else:
                    shape = (d, d)
                setattr(layer, attr, rng.normal(0, 0.1, shape).astype(np.float32))


def build_tiny_pair(pair_dir: Path) -> None:
    """Writes an OPUS-MT-layout pair directory: model.bin + vocab, source.spm, target.spm."""
    pair_dir.mkdir(parents=True, exist_ok=True)
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 20),
        model_writer=proto,
        vocab_size=16,
        model_type="word",
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    (pair_dir / "source.spm").write_bytes(proto.getvalue())
    (pair_dir / "target.spm").write_bytes(proto.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=proto.getvalue())
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab = ["<blank>", "<s>", "</s>", *[p for p in pieces if p != "<unk>"], "<unk>"]
    d, f, v = 16, 32, len(vocab)
    spec = transformer_spec.TransformerSpec.from_config(1, 2)
    _fill(spec, "", np.random.default_rng(0), d, f, v)
    spec.decoder.projection.weight = np.zeros((v, d), np.float32)
    bias = np.zeros(v, np.float32)
    bias[vocab.index("\u2581" + ALWAYS)] = 10.0
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(pair_dir))
