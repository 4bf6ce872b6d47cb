"""Quality gate: the labelled set must reach precision >= 0.90 and recall >= 0.85."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from castcart.compliance.values import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "compliance" / "data" / "labelled.jsonl"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "compliance_eval", ROOT / "bench" / "compliance_eval.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_set_shape() -> None:
    rows = _bench().load(DATA)
    assert len(rows) >= 200
    assert {"en", "es", "fr", "de"} <= {r["lang"] for r in rows}
    assert sum(1 for r in rows if not r["expected"]) >= 60  # compliant near-misses
    for r in rows:
        assert set(r["expected"]) <= set(CATEGORIES), r["id"]
    assert len({r["id"] for r in rows}) == len(rows)


def test_labelled_set_quality_gate() -> None:
    bench = _bench()
    result = bench.evaluate(bench.load(DATA))
    assert result["precision"] >= 0.90, "\n".join(result["mistakes"])
    assert result["recall"] >= 0.85, "\n".join(result["mistakes"])
