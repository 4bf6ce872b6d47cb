from __future__ import annotations

from pathlib import Path

import pytest

from castcart.captions import asr
from castcart.captions.asr import (
    WHISPER_BASE_SHA256,
    WHISPER_BASE_SIZE,
    ModelError,
    resolve_model_dir,
    whisper_base_dir,
)


def test_whisper_base_is_joined_once_and_verified(model_cache: Path) -> None:
    first = whisper_base_dir(model_cache)
    model = first / "model.bin"
    assert model.stat().st_size == WHISPER_BASE_SIZE
    assert {p.name for p in first.iterdir()} >= {"model.bin", "config.json", "tokenizer.json"}
    mtime = model.stat().st_mtime_ns
    asr._verified.discard(model)  # as a new process would: verify again, do not re-join
    assert whisper_base_dir(model_cache) == first
    assert model.stat().st_mtime_ns == mtime
    assert first.name.endswith(WHISPER_BASE_SHA256[:12])


def test_a_corrupt_join_is_refused_and_removed(tmp_path: Path) -> None:
    target = tmp_path / f"whisper-base-{WHISPER_BASE_SHA256[:12]}"
    target.mkdir()
    with (target / "model.bin").open("wb") as handle:
        handle.truncate(WHISPER_BASE_SIZE)  # right size, wrong bytes
    with pytest.raises(ModelError, match="sha256"):
        whisper_base_dir(tmp_path)
    assert not (target / "model.bin").exists()


def test_model_choice(tmp_path: Path, model_cache: Path) -> None:
    path, english_only = resolve_model_dir(
        None, language="en", task="transcribe", cache_dir=model_cache
    )
    assert english_only
    assert (path / "model.bin").is_file()
    path, english_only = resolve_model_dir(
        None, language="en", task="translate", cache_dir=model_cache
    )
    assert not english_only  # translate needs the multilingual model
    with pytest.raises(ModelError, match="no model.bin"):
        resolve_model_dir(tmp_path, language="en", task="transcribe", cache_dir=model_cache)
    with pytest.raises(ModelError):
        asr.WhisperRecognizer(asr.tiny_en_dir(), language="es", english_only=True, device="cpu")
