"""``castcart compliance check --jsonl``: one output line per input, errors never crash."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from castcart.compliance.cli import app

runner = CliRunner()


def _run(tmp_path: Path, lines: list[str], *args: str) -> list[dict[str, object]]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--jsonl", str(path), *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_check_outputs_findings_in_the_contract_shape(tmp_path: Path) -> None:
    line = {"id": "a1", "lang": "en", "market": "us", "text": "The best charger, only 3 left!"}
    [out] = _run(tmp_path, [json.dumps(line)])
    assert out["id"] == "a1"
    findings = out["findings"]
    assert isinstance(findings, list)
    assert {f["category"] for f in findings} == {"absolute_claim", "fake_urgency"}
    base = {"category", "rule", "start", "end", "severity", "suggestion", "layer", "why"}
    for f in findings:
        # the six original keys, plus which layer fired and why (issue 19)
        assert set(f) == base or set(f) == base | {"example", "example_source", "score"}
        assert f["layer"] in {"rules", "semantic"}


def test_context_is_used(tmp_path: Path) -> None:
    base = {"lang": "en", "market": "eu", "text": "Only 3 left!"}
    lines = [
        json.dumps({**base, "id": "x", "context": {"stock_remaining": 3}}),
        json.dumps({**base, "id": "y", "context": {"stock_remaining": 300}}),
    ]
    x, y = _run(tmp_path, lines)
    assert x["findings"] == []
    assert y["findings"][0]["severity"] == "high"


def test_malformed_lines_become_error_lines(tmp_path: Path) -> None:
    lines = [
        "not json",
        "[1, 2]",
        json.dumps({"id": "m", "lang": "en", "text": "hi"}),
        json.dumps({"id": "u", "lang": "en", "market": "mars", "text": "hi"}),
        json.dumps({"id": "l", "lang": "xx", "market": "us", "text": "hi"}),
        json.dumps({"id": "c", "lang": "en", "market": "us", "text": "hi", "context": 5}),
        json.dumps({"id": "ok", "lang": "en", "market": "us", "text": "hi"}),
    ]
    outs = _run(tmp_path, lines)
    assert len(outs) == len(lines)
    codes = [o.get("error", {}).get("code") for o in outs]  # type: ignore[union-attr]
    assert codes == [
        "invalid_json",
        "invalid_line",
        "missing_field",
        "unknown_market",
        "unsupported_language",
        "invalid_context",
        None,
    ]
    assert outs[-1] == {"id": "ok", "findings": []}


def test_facts_flag_adds_fact_findings(tmp_path: Path) -> None:
    line = {
        "id": "f",
        "lang": "en",
        "market": "us",
        "text": "Pure silk scarf.",
        "context": {"product_attributes": {"material": "cotton"}},
    }
    [out] = _run(tmp_path, [json.dumps(line)], "--facts")
    assert out["facts"][0]["attribute"] == "material"  # type: ignore[index]


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--jsonl", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2


def test_rules_command_lists_packs() -> None:
    result = runner.invoke(app, ["rules", "de"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert "de.pangv.11.vorheriger_preis" in {r["id"] for r in data["de"]["rules"]}
