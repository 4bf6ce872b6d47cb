"""`castcart tax ...`: quote destination tax and duties from the shell.

`quote --jsonl CASES.jsonl` reads one JSON case per line and writes one JSON result per line.
A bad line yields a result with an `error` object and never stops the run; only an unreadable
file makes the command fail.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from castcart.money.currency import UnknownCurrencyError, validate_currency
from castcart.money.money import MoneyError, format_major, parse_major
from castcart.tax.engine import SUPPORTED_DESTINATIONS, quote
from castcart.tax.table import default_table
from castcart.tax.values import Category, TaxCase, TaxError, TaxLine, TaxQuote

app = typer.Typer(
    help="Destination tax and duties for cross-border orders (quote cases from JSON lines).",
    no_args_is_help=True,
)

_REQUIRED = ("seller_country", "buyer_country", "goods_value", "currency")
_DEC_MARK = "\x00dec:"


@app.callback()
def _group() -> None:
    """Tax engine commands."""


def _money(raw: Mapping[str, Any], key: str, currency: str, *, required: bool) -> int | None:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            raise TaxError("missing_field", f"{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise TaxError("invalid_amount", f'{key} must be a decimal string such as "149.99"')
    try:
        return parse_major(value, currency)
    except MoneyError as exc:
        raise TaxError("invalid_amount", f"{key}: {exc}") from exc


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TaxError("invalid_field", f"{key} must be a string")
    return value


def case_from_json(raw: object) -> TaxCase:
    """Turn one decoded JSON object (money as major-unit strings) into a TaxCase."""
    if not isinstance(raw, dict):
        raise TaxError("invalid_case", "each line must be a JSON object")
    for key in _REQUIRED:
        if raw.get(key) in (None, ""):
            raise TaxError("missing_field", f"{key} is required")
    currency_raw = _text(raw, "currency") or ""
    try:
        currency = validate_currency(currency_raw)
    except UnknownCurrencyError as exc:
        raise TaxError("invalid_currency", str(exc)) from exc
    category_raw = _text(raw, "category") or Category.GENERAL.value
    try:
        category = Category.parse(category_raw)
    except ValueError as exc:
        known = ", ".join(c.value for c in Category)
        raise TaxError("invalid_category", f"unknown category {category_raw!r} ({known})") from exc
    ddp = raw.get("ddp", False)
    if not isinstance(ddp, bool):
        raise TaxError("invalid_field", "ddp must be true or false")
    on_raw = _text(raw, "date")
    try:
        on = date.fromisoformat(on_raw) if on_raw else None
    except ValueError as exc:
        raise TaxError("invalid_field", f"date must be YYYY-MM-DD, got {on_raw!r}") from exc
    return TaxCase(
        seller_country=_text(raw, "seller_country") or "",
        origin_country=_text(raw, "origin_country"),
        buyer_country=_text(raw, "buyer_country") or "",
        buyer_region=_text(raw, "buyer_region"),
        category=category,
        goods_value=_money(raw, "goods_value", currency, required=True) or 0,
        currency=currency,
        shipping_value=_money(raw, "shipping_value", currency, required=False) or 0,
        buyer_vat_id=_text(raw, "buyer_vat_id"),
        seller_eu_distance_sales_prior_year=_money(
            raw, "seller_eu_distance_sales_prior_year", "EUR", required=False
        ),
        seller_eu_distance_sales_current_year=_money(
            raw, "seller_eu_distance_sales_current_year", "EUR", required=False
        ),
        ddp=ddp,
        on=on,
    )


def _rate(value: Decimal) -> str:
    """Mark a Decimal so it is written as a JSON number without passing through float."""
    text = format(value.normalize(), "f")
    return f"{_DEC_MARK}{text}"


def _line_json(line: TaxLine, currency: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": line.name,
        "rate_percent": _rate(line.rate_percent),
        "amount": format_major(line.amount, currency),
        "collected_at": line.collected_at,
        "jurisdiction": line.jurisdiction,
        "scheme": line.scheme,
    }
    if line.estimate:
        out["estimate"] = True
    if line.note:
        out["note"] = line.note
    return out


def quote_to_json(result: TaxQuote) -> dict[str, Any]:
    """The CLI's result shape: amounts as major-unit strings, rates as exact JSON numbers."""
    ccy = result.currency
    return {
        "currency": ccy,
        "lines": [_line_json(line, ccy) for line in result.lines],
        "duties": [_line_json(line, ccy) for line in result.duties],
        "rule": {"id": result.rule.id, "text": result.rule.text},
        "total_tax": format_major(result.total_tax, ccy),
        "total_duty": format_major(result.total_duty, ccy),
        "landed_cost": format_major(result.landed_cost, ccy),
        "due_at_checkout": format_major(result.due_at_checkout, ccy),
        "due_at_import": format_major(result.due_at_import, ccy),
        "notes": list(result.notes),
        "thresholds": [
            {
                "name": t.name,
                "value": format(t.value, "f"),
                "limit": format(t.limit, "f"),
                "currency": t.currency,
                "within": t.within,
            }
            for t in result.thresholds
        ],
        "table_version": result.table_version,
    }


def dumps(obj: Mapping[str, Any]) -> str:
    """json.dumps, with marked Decimal strings turned into bare JSON numbers."""
    text = json.dumps(obj, ensure_ascii=True)
    marker = json.dumps(_DEC_MARK)[1:-1]  # how the marker looks once escaped
    while f'"{marker}' in text:
        start = text.index(f'"{marker}')
        end = text.index('"', start + 1)
        text = text[:start] + text[start + 1 + len(marker) : end] + text[end + 1 :]
    return text


def quote_line(text: str, number: int) -> dict[str, Any]:
    """One input line to one result object; every failure becomes an `error` object."""
    result: dict[str, Any] = {"line": number}
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        result["error"] = {"code": "invalid_json", "message": f"not valid JSON: {exc.msg}"}
        return result
    if isinstance(raw, dict) and isinstance(raw.get("id"), str | int):
        result["id"] = raw["id"]
    try:
        result.update(quote_to_json(quote(case_from_json(raw))))
    except TaxError as exc:
        result["error"] = {"code": exc.code, "message": exc.message}
    except (ValueError, ArithmeticError) as exc:  # defensive: a bad line never stops the run
        result["error"] = {"code": "invalid_case", "message": str(exc)}
    return result


def _lines(path: Path) -> Iterator[str]:
    if str(path) == "-":
        yield from sys.stdin
        return
    with path.open(encoding="utf-8") as handle:
        yield from handle


@app.command("quote")
def quote_command(
    jsonl: Annotated[
        Path,
        typer.Option("--jsonl", help="JSON-lines file of cases, one per line ('-' for stdin)."),
    ],
) -> None:
    """Quote each case and print one JSON result per input line."""
    try:
        for number, text in enumerate(_lines(jsonl), start=1):
            if not text.strip():
                continue
            typer.echo(dumps(quote_line(text, number)))
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"error: cannot read {jsonl}: {exc}", err=True)
        raise typer.Exit(code=1) from exc


@app.command("jurisdictions")
def jurisdictions_command() -> None:
    """List the destinations the table covers, with its version and sources."""
    table = default_table()
    typer.echo(f"tax table {table.version} (checked {table.checked}): {table.disclaimer}")
    for code in sorted(SUPPORTED_DESTINATIONS):
        j = table.jurisdictions.get(code)
        if j is None:
            continue
        typer.echo(f"{code}  {j.name}: {j.tax_name} {j.standard}%  ({j.sources[0].url})")
