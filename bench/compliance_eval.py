"""Evaluate the claim checker on the labelled set: precision/recall per category and overall.

A unit is a (sentence, category) pair: predicted categories vs expected categories.
Timing: median per-sentence check time vs. a plain single-pattern ``re`` scan over the same
texts in the same run (a floor for "reading the text once"), printed as a ratio.

    .venv/bin/python bench/compliance_eval.py [--data PATH]
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
from castcart.compliance.values import CATEGORIES, CheckContext

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "compliance" / "data" / "labelled.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    """Read the labelled JSONL set."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the checker over ``rows``; return counts, scores and mistakes."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    mistakes: list[str] = []
    for row in rows:
        ctx = CheckContext.from_dict(row["context"]) if row.get("context") else None
        predicted = {f.category for f in check_text(row["text"], row["market"], row["lang"], ctx)}
        expected = set(row["expected"])
        for cat in predicted & expected:
            tp[cat] += 1
        for cat in predicted - expected:
            fp[cat] += 1
            mistakes.append(f"FP {cat:38s} [{row['market']}/{row['lang']}] {row['text']}")
        for cat in expected - predicted:
            fn[cat] += 1
            mistakes.append(f"FN {cat:38s} [{row['market']}/{row['lang']}] {row['text']}")
    t, p, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": t / (t + p) if t + p else 1.0,
        "recall": t / (t + n) if t + n else 1.0,
        "mistakes": mistakes,
    }


def _median_ms(fn: Any, rows: list[dict[str, Any]], repeat: int = 5) -> float:
    times = []
    for row in rows:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn(row)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Print the per-category table, timing, and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    rows = load(args.data)
    res = evaluate(rows)
    print(f"{'category':38s} {'prec':>6s} {'recall':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}")
    for cat in CATEGORIES:
        t, p, n = res["tp"][cat], res["fp"][cat], res["fn"][cat]
        prec = t / (t + p) if t + p else 1.0
        rec = t / (t + n) if t + n else 1.0
        print(f"{cat:38s} {prec:6.3f} {rec:6.3f} {t:4d} {p:4d} {n:4d}")
    if args.show_errors:
        print("\n".join(res["mistakes"]))
    contexts = {
        id(r): CheckContext.from_dict(r["context"]) if r.get("context") else None for r in rows
    }
    for row in rows[:20]:  # warm the per-market/language compile caches outside the timing
        check_text(row["text"], row["market"], row["lang"], contexts[id(row)])
    reference = re.compile(r"\bbest\b", re.IGNORECASE)
    ours = _median_ms(
        lambda r: check_text(r["text"], r["market"], r["lang"], contexts[id(r)]), rows
    )
    ref = _median_ms(lambda r: reference.findall(r["text"]), rows)
    print(
        f"timing: median check_text {ours:.3f} ms/sentence; reference single-pattern re scan "
        f"{ref * 1000:.2f} us/sentence; ratio {ours / ref:.0f}x (budget: 500 ms live, aim < 5 ms)"
    )
    print(
        f"RESULT compliance precision={res['precision']:.3f} recall={res['recall']:.3f} "
        f"n={len(rows)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
