"""The `quote --jsonl` command, driven through typer's CliRunner on the tax app."""

import json
from pathlib import Path

from typer.testing import CliRunner

from castcart.tax.cli import app

runner = CliRunner()


def run(tmp_path: Path, lines: list[str]) -> tuple[int, list[dict[str, object]]]:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["quote", "--jsonl", str(path)])
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def test_quote_writes_one_result_per_case(tmp_path: Path) -> None:
    cases = [
        {"seller_country": "CN", "buyer_country": "DE", "buyer_region": None,
         "category": "general", "goods_value": "149.99", "currency": "EUR",
         "shipping_value": "5.00", "buyer_vat_id": None},
        {"seller_country": "US", "buyer_country": "GB", "buyer_region": "", "category": "books",
         "goods_value": "135.01", "currency": "GBP", "shipping_value": "0", "buyer_vat_id": ""},
        {"seller_country": "JP", "buyer_country": "AU", "category": "general",
         "goods_value": "50000", "currency": "JPY", "shipping_value": "1500"},
        {"seller_country": "DE", "origin_country": "ID", "buyer_country": "ID",
         "goods_value": "100.00", "currency": "USD"},
    ]  # fmt: skip
    code, out = run(tmp_path, [json.dumps(c) for c in cases])
    assert code == 0
    assert len(out) == 4
    # A German seller's parcel from its Jakarta warehouse: domestic PPN, not an import.
    assert out[3]["rule"]["id"] == "id_domestic"  # type: ignore[index]
    de = out[0]
    assert de["rule"]["id"] == "eu_ioss_low_value"  # type: ignore[index]
    assert de["lines"] == [
        {"name": "VAT", "rate_percent": 19, "amount": "29.45", "collected_at": "checkout",
         "jurisdiction": "DE", "scheme": "IOSS"}
    ]  # fmt: skip
    assert de["total_tax"] == "29.45"
    gb = out[1]
    assert gb["rule"]["id"] == "gb_import_above_135"  # type: ignore[index]
    assert gb["lines"][0]["collected_at"] == "import"  # type: ignore[index]
    assert gb["lines"][0]["rate_percent"] == 0  # type: ignore[index]
    au = out[2]
    # JPY 50,000 = AUD 506.83 at the bundled rates: GST 10% of JPY 51,500 = 5,150 at checkout.
    assert au["lines"][0]["amount"] == "5150"  # type: ignore[index]
    assert au["lines"][0]["collected_at"] == "checkout"  # type: ignore[index]


def test_rates_are_exact_json_numbers(tmp_path: Path) -> None:
    case = {"seller_country": "CA", "buyer_country": "CA", "buyer_region": "QC",
            "goods_value": "100.00", "currency": "CAD", "shipping_value": "0"}  # fmt: skip
    _, out = run(tmp_path, [json.dumps(case)])
    path = tmp_path / "cases.jsonl"
    raw = runner.invoke(app, ["quote", "--jsonl", str(path)]).stdout
    assert '"rate_percent": 9.975' in raw
    assert [x["amount"] for x in out[0]["lines"]] == ["5.00", "9.98"]  # type: ignore[union-attr]


def test_malformed_lines_become_error_results(tmp_path: Path) -> None:
    lines = [
        "{not json",
        "[1, 2]",
        json.dumps({"seller_country": "CN", "buyer_country": "DE", "currency": "EUR"}),
        json.dumps({"seller_country": "CN", "buyer_country": "DE", "goods_value": "1.234",
                    "currency": "EUR"}),
        json.dumps({"seller_country": "CN", "buyer_country": "DE", "goods_value": "10",
                    "currency": "EUR", "category": "weapons"}),
        json.dumps({"seller_country": "CN", "buyer_country": "US", "goods_value": "10",
                    "currency": "USD"}),
        json.dumps({"seller_country": "CN", "buyer_country": "DE", "goods_value": "-5",
                    "currency": "EUR"}),
        json.dumps({"seller_country": "CN", "buyer_country": "DE", "goods_value": "5",
                    "currency": "XYZ"}),
        "",
        json.dumps({"id": "ok-1", "seller_country": "CN", "buyer_country": "DE",
                    "goods_value": "10.00", "currency": "EUR"}),
    ]  # fmt: skip
    code, out = run(tmp_path, lines)
    assert code == 0
    codes = [o.get("error", {}).get("code") for o in out]  # type: ignore[attr-defined]
    assert codes == [
        "invalid_json",
        "invalid_case",
        "missing_field",
        "invalid_amount",
        "invalid_category",
        "region_required",
        "invalid_amount",
        "invalid_currency",
        None,
    ]
    assert out[-1]["id"] == "ok-1"
    assert out[-1]["line"] == 10
    assert all("message" in o["error"] for o in out[:-1])  # type: ignore[operator]


def test_unreadable_file_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["quote", "--jsonl", str(tmp_path / "missing.jsonl")])
    assert result.exit_code != 0


def test_jurisdictions_command_lists_coverage() -> None:
    result = runner.invoke(app, ["jurisdictions"])
    assert result.exit_code == 0
    assert "DE  Germany: VAT 19%" in result.stdout
    assert "BR  Brazil" in result.stdout
