"""Translation engines behind one interface.

An engine translates a batch of texts for one language pair and says which pairs it can do.
Routing (direct pair or pivot through English), the glossary and the cache live above, in
``castcart.lingua.translator``, so an engine stays a thin adapter:

- ``ApertiumEngine``: rule-based, from Debian packages (``apertium-eng-spa`` ...), CPU only,
  one process per batch. Few pairs, but free and always available offline.
- ``CTranslate2Engine``: OPUS-MT / Argos Translate models converted to CTranslate2, loaded
  from a directory the operator provides (``CASTCART_MT_MODEL_DIR``, one subdirectory per
  pair such as ``en-de``). GPU when there is one.
- A cloud API engine plugs in the same way: any object with ``name``, ``pairs()`` and
  ``translate()`` (see ``TranslationEngine``) registered with ``register_engine``. None is
  shipped: castcart never sends shoppers' chat to a third party unless the operator adds one.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

log = logging.getLogger(__name__)

Pair = tuple[str, str]


class EngineError(Exception):
    """The engine could not translate (process failed, model missing)."""


@runtime_checkable
class TranslationEngine(Protocol):
    """One machine-translation backend.

    ``translate`` receives texts without newlines, in the engine's source language, and
    returns one translation per text in the same order; it may raise ``EngineError``. It is
    called from worker threads, so it must be thread-safe. A cloud engine would batch the
    texts into one API request, map castcart's ISO 639-1 codes onto the provider's, and
    raise ``EngineError`` on HTTP errors so the caller can fall back."""

    name: str

    def pairs(self) -> frozenset[Pair]: ...

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]: ...


# --- Apertium -------------------------------------------------------------------------

# Apertium names its directions with ISO 639-3 codes in newer packages (eng-spa) and 639-1
# in older ones (es-pt); both map onto castcart's 639-1 codes.
_ISO3 = {
    "eng": "en", "spa": "es", "por": "pt", "fra": "fr", "cat": "ca", "ita": "it",
    "ind": "id", "zlm": "ms", "msa": "ms", "deu": "de", "nld": "nl", "glg": "gl",
    "afr": "af", "ron": "ro", "eus": "eu",
}  # fmt: skip
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
# Apertium marks words it could not handle: *unknown, #not generated, @not transferred.
# The bare word reads better in a caption than the mark; @mentions and #tags never reach
# the engine (the glossary masks them), so stripping the marks cannot eat them.
_MARKS = re.compile(r"(?<![\w*#@])[*#@](?=\w)")


def _iso1(code: str) -> str:
    return _ISO3.get(code, code)


def strip_marks(text: str) -> str:
    return _MARKS.sub("", text)


class ApertiumEngine:
    """Runs ``apertium -f line <mode>`` once per batch: the texts go in one per line and
    come back one per line (the ``line`` format makes each line its own segment, so words
    never move between messages). If a batch ever comes back with a different number of
    lines, each text is retried on its own rather than shifting translations onto the wrong
    message."""

    name = "apertium"

    def __init__(self, binary: str = "apertium", timeout_s: float = 30.0) -> None:
        self.binary = shutil.which(binary) or ""
        self.timeout_s = timeout_s
        self._modes = self._discover() if self.binary else {}

    @property
    def available(self) -> bool:
        return bool(self._modes)

    def _discover(self) -> dict[Pair, str]:
        """The installed directions (``apertium -l``), variants (es-pt_BR) skipped."""
        try:
            listed = subprocess.run(  # noqa: S603 - fixed binary found on PATH
                [self.binary, "-l"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return {}
        modes: dict[Pair, str] = {}
        for name in listed.split():
            match = _MODE.match(name)
            if match:
                modes.setdefault((_iso1(match.group(1)), _iso1(match.group(2))), name)
        return modes

    def pairs(self) -> frozenset[Pair]:
        return frozenset(self._modes)

    def mode(self, source: str, target: str) -> str:
        try:
            return self._modes[(source, target)]
        except KeyError:
            raise EngineError(f"apertium has no {source}-{target} pair installed") from None

    def _run(self, mode: str, payload: str) -> str:
        try:
            done = subprocess.run(  # noqa: S603 - fixed binary, mode from the modes directory
                [self.binary, "-f", "line", mode],
                input=payload,
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"apertium {mode} failed: {exc}") from exc
        if done.returncode != 0:
            raise EngineError(f"apertium {mode} exited {done.returncode}: {done.stderr[-300:]}")
        return done.stdout

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        mode = self.mode(source, target)
        lines = [" ".join(t.split()) for t in texts]
        out = self._run(mode, "\n".join(lines) + "\n").split("\n")
        if out and out[-1] == "":
            out.pop()
        if len(out) != len(lines):
            log.warning("apertium %s returned %d lines for %d", mode, len(out), len(lines))
            out = [self._run(mode, line + "\n").strip() for line in lines]
        return [strip_marks(line).strip() for line in out]


# --- CTranslate2 (OPUS-MT / Argos) ------------------------------------------------------


class _LoadedModel:
    def __init__(self, translator: Any, source_sp: Any, target_sp: Any, prefix: list[str]):
        self.translator = translator
        self.source_sp = source_sp
        self.target_sp = target_sp
        self.prefix = prefix


def _find_pair_files(pair_dir: Path) -> tuple[Path, Path, Path] | None:
    """(ct2 model dir, source spm, target spm) for the OPUS-MT layout (``model.bin``,
    ``source.spm``, ``target.spm``) or the Argos layout (``model/model.bin``,
    ``sentencepiece.model``); None if neither is complete."""
    model_dir = pair_dir if (pair_dir / "model.bin").is_file() else pair_dir / "model"
    if not (model_dir / "model.bin").is_file():
        return None
    if (pair_dir / "source.spm").is_file() and (pair_dir / "target.spm").is_file():
        return model_dir, pair_dir / "source.spm", pair_dir / "target.spm"
    shared = pair_dir / "sentencepiece.model"
    if shared.is_file():
        return model_dir, shared, shared
    return None


class CTranslate2Engine:
    """Neural MT from operator-provided CTranslate2 model directories.

    ``model_dir/<src>-<tgt>/`` holds one model per pair; an optional ``castcart.json`` there
    may give ``{"source_prefix": [">>spa<<"]}`` for multi-target OPUS-MT models. Models load
    on first use (a pair nobody asks for costs no memory) and are shared by all threads:
    CTranslate2 batches internally and is thread-safe."""

    name = "ctranslate2"

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "auto",
        compute_type: str = "default",
        beam_size: int = 2,
        max_batch_size: int = 32,
        intra_threads: int = 0,
        max_decoding_length: int = 256,
    ) -> None:
        self.model_dir = model_dir
        self.device = device
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.intra_threads = intra_threads
        self.max_decoding_length = max_decoding_length
        self._pairs: dict[Pair, Path] = {}
        self._loaded: dict[Pair, _LoadedModel] = {}
        self._lock = threading.Lock()
        if model_dir.is_dir():
            for sub in sorted(model_dir.iterdir()):
                match = _MODE.match(sub.name)
                if sub.is_dir() and match and _find_pair_files(sub) is not None:
                    self._pairs[(_iso1(match.group(1)), _iso1(match.group(2)))] = sub

    def pairs(self) -> frozenset[Pair]:
        return frozenset(self._pairs)

    def _resolve_device(self) -> str:
        if self.device != "auto":
            return self.device
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"

    def _load(self, pair: Pair) -> _LoadedModel:
        with self._lock:
            if pair in self._loaded:
                return self._loaded[pair]
            pair_dir = self._pairs.get(pair)
            files = _find_pair_files(pair_dir) if pair_dir else None
            if pair_dir is None or files is None:
                raise EngineError(f"no CTranslate2 model for {pair[0]}-{pair[1]}")
            import ctranslate2
            import sentencepiece

            model_path, source_spm, target_spm = files
            try:
                translator = ctranslate2.Translator(
                    str(model_path),
                    device=self._resolve_device(),
                    compute_type=self.compute_type,
                    intra_threads=self.intra_threads,
                )
                source_sp = sentencepiece.SentencePieceProcessor(model_file=str(source_spm))
                target_sp = (
                    source_sp
                    if target_spm == source_spm
                    else sentencepiece.SentencePieceProcessor(model_file=str(target_spm))
                )
            except (RuntimeError, OSError, ValueError) as exc:
                raise EngineError(f"could not load {pair_dir}: {exc}") from exc
            prefix: list[str] = []
            options = pair_dir / "castcart.json"
            if options.is_file():
                prefix = list(json.loads(options.read_text()).get("source_prefix", []))
            loaded = _LoadedModel(translator, source_sp, target_sp, prefix)
            self._loaded[pair] = loaded
            log.info("loaded CTranslate2 model %s on %s", pair_dir, translator.device)
            return loaded

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        model = self._load((source, target))
        batch = [model.prefix + model.source_sp.encode(t, out_type=str) for t in texts]
        try:
            results = model.translator.translate_batch(
                batch,
                beam_size=self.beam_size,
                max_batch_size=self.max_batch_size,
                max_decoding_length=self.max_decoding_length,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"ctranslate2 {source}-{target} failed: {exc}") from exc
        return [model.target_sp.decode(r.hypotheses[0]).strip() for r in results]


# --- registry ---------------------------------------------------------------------------

EngineFactory = Callable[[], TranslationEngine | None]
_FACTORIES: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make an engine selectable by name in ``CASTCART_MT_ENGINES`` (a cloud API, say)."""
    _FACTORIES[name] = factory


def build_engines(names: Sequence[str], *, mt_model_dir: Path | None) -> list[TranslationEngine]:
    """The engines named, in preference order, skipping those with nothing installed."""
    engines: list[TranslationEngine] = []
    for name in names:
        engine: TranslationEngine | None
        if name == "ctranslate2":
            engine = CTranslate2Engine(mt_model_dir) if mt_model_dir else None
        elif name == "apertium":
            engine = ApertiumEngine()
        elif name in _FACTORIES:
            engine = _FACTORIES[name]()
        else:
            raise ValueError(f"unknown translation engine {name!r}")
        if engine is not None and engine.pairs():
            engines.append(engine)
        else:
            log.info("translation engine %s has no language pair available", name)
    return engines
