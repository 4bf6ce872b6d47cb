"""``castcart compliance``: batch claim checking over JSON Lines.

One output line per input line, in order, so a caller can zip results with inputs; a bad
line yields an ``error`` object on its own line and never stops the batch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from castcart.compliance.checker import check_text
from castcart.compliance.facts import fact_check
from castcart.compliance.rules import all_packs
from castcart.compliance.values import CheckContext, ComplianceInputError

app = typer.Typer(help="Compliance guard: claim and fact checks per market.", no_args_is_help=True)


def _error(line_id: Any, code: str, message: str) -> dict[str, Any]:
    return {"id": line_id, "findings": [], "error": {"code": code, "message": message}}


def check_line(raw: str, *, facts: bool = False) -> dict[str, Any]:
    """Check one JSONL input line; every failure becomes an ``error`` object."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return _error(None, "invalid_json", f"line is not valid JSON: {exc.msg}")
    if not isinstance(data, dict):
        return _error(None, "invalid_line", "each line must be a JSON object")
    line_id = data.get("id")
    text, market, lang = data.get("text"), data.get("market"), data.get("lang")
    if not isinstance(text, str) or not isinstance(market, str) or not isinstance(lang, str):
        names = (("text", text), ("market", market), ("lang", lang))
        missing = ", ".join(n for n, v in names if not isinstance(v, str))
        return _error(line_id, "missing_field", f"{missing}: must be a string")
    try:
        ctx_raw = data.get("context")
        context = CheckContext.from_dict(ctx_raw) if ctx_raw is not None else None
        findings = check_text(text, market, lang, context)
        out: dict[str, Any] = {"id": line_id, "findings": [f.as_dict() for f in findings]}
        if facts and context is not None and context.product_attributes:
            out["facts"] = [f.as_dict() for f in fact_check(text, lang, context.product_attributes)]
        return out
    except ComplianceInputError as exc:
        return _error(line_id, exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad line must never stop the batch
        return _error(line_id, "internal_error", f"{type(exc).__name__}: {exc}")


@app.command()
def check(
    jsonl: Path = typer.Option(..., "--jsonl", help="input: one {id, lang, market, text} per line"),
    facts: bool = typer.Option(False, "--facts", help="also fact-check against context attributes"),
) -> None:
    """Check every line of a JSONL file; print one JSON result line per input line."""
    try:
        handle = jsonl.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        typer.echo(json.dumps(_error(None, "unreadable_file", str(exc))), err=True)
        raise typer.Exit(code=2) from exc
    with handle:
        for raw in handle:
            if not raw.strip():
                continue
            sys.stdout.write(json.dumps(check_line(raw, facts=facts), ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def rules(market: str = typer.Argument("", help="market code; empty lists all packs")) -> None:
    """Print rule packs (id, category, severity, source) as JSON for review."""
    packs = all_packs()
    selected = {k: v for k, v in packs.items() if not market or k == market.lower()}
    out = {
        name: {
            "version": pack.version,
            "includes": list(pack.includes),
            "rules": [
                {"id": r.id, "category": r.category, "severity": r.severity, "source": r.source}
                for r in pack.rules
            ],
        }
        for name, pack in selected.items()
    }
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
