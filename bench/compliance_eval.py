"""Evaluate the claim checker: precision/recall per layer, per split, per category and language.

A unit is a (sentence, category) pair: predicted categories vs expected categories.

Sets:
- the labelled data of the semantic layer (``src/castcart/compliance/data/labelled.jsonl``,
  built by ``scripts/build_compliance_data.py``), split BY SOURCE DOCUMENT into train / dev /
  test; the classifier is trained on train, tuned on dev, and test is only ever reported;
- ``own``: the original 289-sentence set written with the rules (tests/compliance/data).

Layers: ``rules`` (lexicons only), ``semantic`` (the embedding classifier alone on every
sentence, with the same market gating and context checks), ``combined`` (what ``check_text``
returns: the rules, plus the classifier where no lexicon pattern saw the claim).

    .venv/bin/python bench/compliance_eval.py [--sets train,dev,test,own] [--layers ...]
        [--show-errors] [--compare] [--timing]

``--compare`` prints the classifier choice on dev (kNN for several k vs logistic regression).
Last line: ``RESULT compliance split=test layer=combined precision=... recall=... n=...``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from castcart.compliance.checker import check_text
from castcart.compliance.values import CATEGORIES, CheckContext, ComplianceInputError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "compliance" / "data" / "labelled.jsonl"
SEMANTIC_DATA = ROOT / "src" / "castcart" / "compliance" / "data" / "labelled.jsonl"
LAYERS = {"rules": ("rules",), "semantic": ("semantic",), "combined": ("rules", "semantic")}


def load(path: Path) -> list[dict[str, Any]]:
    """Read a labelled JSONL set."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _score(t: int, p: int, n: int) -> tuple[float, float]:
    return (t / (t + p) if t + p else 1.0), (t / (t + n) if t + n else 1.0)


def evaluate(rows: list[dict[str, Any]], layer: str = "combined") -> dict[str, Any]:
    """Run one checker layer over ``rows``; counts per category and language, and mistakes.

    A row whose language the checker does not guard counts as "nothing found" (and is listed
    in ``unsupported``)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    lang_counts: dict[str, Counter[str]] = {}
    mistakes: list[str] = []
    unsupported = 0
    for row in rows:
        ctx = CheckContext.from_dict(row["context"]) if row.get("context") else None
        try:
            found = check_text(row["text"], row["market"], row["lang"], ctx, layers=LAYERS[layer])
        except ComplianceInputError:
            found, unsupported = [], unsupported + 1
        predicted = {f.category for f in found}
        expected = set(row["expected"])
        lc = lang_counts.setdefault(row["lang"], Counter())
        for cat in predicted & expected:
            tp[cat] += 1
            lc["tp"] += 1
        for cat in predicted - expected:
            fp[cat] += 1
            lc["fp"] += 1
            why = next((f.why for f in found if f.category == cat), "")
            mistakes.append(f"FP {cat:38s} [{row['market']}/{row['lang']}] {row['text']}  <- {why}")
        for cat in expected - predicted:
            fn[cat] += 1
            lc["fn"] += 1
            mistakes.append(f"FN {cat:38s} [{row['market']}/{row['lang']}] {row['text']}")
    precision, recall = _score(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "langs": lang_counts,
        "precision": precision,
        "recall": recall,
        "mistakes": mistakes,
        "unsupported": unsupported,
        "n": len(rows),
    }


def _table(name: str, res: dict[str, Any]) -> str:
    lines = [
        f"== {name}: n={res['n']} precision={res['precision']:.3f} recall={res['recall']:.3f}"
        + (f" (unsupported language rows: {res['unsupported']})" if res["unsupported"] else "")
    ]
    lines.append(
        f"   {'category':38s} {'prec':>6s} {'recall':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}"
    )
    for cat in CATEGORIES:
        t, p, n = res["tp"][cat], res["fp"][cat], res["fn"][cat]
        if t + p + n == 0:
            continue
        pr, rc = _score(t, p, n)
        lines.append(f"   {cat:38s} {pr:6.3f} {rc:6.3f} {t:4d} {p:4d} {n:4d}")
    langs = []
    for lang, c in sorted(res["langs"].items()):
        pr, rc = _score(c["tp"], c["fp"], c["fn"])
        langs.append(f"{lang} P={pr:.2f} R={rc:.2f}")
    lines.append("   by language: " + "; ".join(langs))
    return "\n".join(lines)


def compare_classifiers() -> None:
    """kNN (several k) vs logistic regression on the dev split, classifier alone."""
    from castcart.compliance import semantic

    train = semantic.load_examples(splits=["train"])
    dev = semantic.load_examples(splits=["dev"])
    Xtr = semantic.cached_embeddings(train)
    Xdev = semantic.cached_embeddings(dev)
    configs = [semantic.SemanticConfig(method="knn", k=k) for k in (3, 5, 7, 11)]
    configs += [semantic.SemanticConfig(method="logreg", l2=c) for c in (1e-4, 1e-3, 1e-2)]
    print("classifier on dev (train -> dev, no rules, no context): best threshold by F1")
    for cfg in configs:
        clf = semantic.Classifier(train, Xtr, cfg)
        S = clf.scores(Xdev)
        best = (0.0, 0.0, 0.0, 0.0)
        for thr in (0.3, 0.4, 0.5, 0.55, 0.6, 0.7):
            t = p = n = 0
            for r, ex in enumerate(dev):
                pred = {c for ci, c in enumerate(CATEGORIES) if S[r, ci] >= thr}
                exp = {ex.category} - {semantic.COMPLIANT}
                t, p, n = t + len(pred & exp), p + len(pred - exp), n + len(exp - pred)
            pr, rc = _score(t, p, n)
            f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
            if f1 > best[0]:
                best = (f1, thr, pr, rc)
        label = f"knn k={cfg.k}" if cfg.method == "knn" else f"logreg l2={cfg.l2:g}"
        print(
            f"   {label:18s} F1={best[0]:.3f} at threshold {best[1]:.2f}: "
            f"P={best[2]:.3f} R={best[3]:.3f}"
        )


def _prime(rows: list[dict[str, Any]]) -> None:
    """Embed every sentence the checker will look at in batches (and cache them on disk)."""
    from castcart.compliance import semantic
    from castcart.compliance.checker import semantic_inputs

    texts: list[str] = []
    for row in rows:
        try:
            texts.extend(semantic_inputs(row["text"], row["lang"]))
        except ComplianceInputError:
            continue
    semantic.prime(texts)


def _timing(rows: list[dict[str, Any]]) -> None:
    from castcart.compliance import semantic

    semantic.warm()
    sample = rows[:60]
    for layer in ("rules", "combined"):
        semantic.embedder().clear()  # every line a real forward pass, as live
        times = []
        for row in sample:
            text = row["text"]
            start = time.perf_counter()
            try:
                check_text(text, row["market"], row["lang"], layers=LAYERS[layer])
            except ComplianceInputError:
                continue
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(
            f"timing {layer}: p50={statistics.median(times):.2f} ms "
            f"p95={times[int(0.95 * (len(times) - 1))]:.2f} ms per sentence (n={len(times)})"
        )
    ref = re.compile(r"\bbest\b", re.IGNORECASE)
    start = time.perf_counter()
    for row in sample:
        ref.findall(row["text"])
    print(
        f"timing reference single-pattern re scan: "
        f"{(time.perf_counter() - start) / len(sample) * 1e6:.2f} us/sentence"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the tables per set and layer, then the RESULT line (test split, combined)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SEMANTIC_DATA)
    parser.add_argument("--own", type=Path, default=DEFAULT)
    parser.add_argument("--sets", default="train,dev,test,own")
    parser.add_argument("--layers", default="rules,semantic,combined")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args(argv)
    if args.compare:
        compare_classifiers()
    data = load(args.data)
    sets: dict[str, list[dict[str, Any]]] = {
        sp: [r for r in data if r["split"] == sp] for sp in ("train", "dev", "test")
    }
    sets["own"] = load(args.own)
    if "semantic" in args.layers or "combined" in args.layers:
        _prime([r for name in args.sets.split(",") for r in sets[name]])
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for name in args.sets.split(","):
        for layer in args.layers.split(","):
            res = evaluate(sets[name], layer)
            results[(name, layer)] = res
            print(_table(f"{name} / {layer}", res))
            if args.show_errors and layer == "combined":
                print("\n".join("   " + m for m in res["mistakes"]))
    if args.timing:
        _timing(sets["dev"])
    for (name, layer), res in results.items():
        print(
            f"RESULT compliance split={name} layer={layer} precision={res['precision']:.3f} "
            f"recall={res['recall']:.3f} n={res['n']}"
        )
    final = results.get(("test", "combined"))
    if final is not None:
        print(
            f"RESULT compliance split=test layer=combined precision={final['precision']:.3f} "
            f"recall={final['recall']:.3f} n={final['n']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
