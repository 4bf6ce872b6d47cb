"""One money formatter for server and browser: the ISO 4217 exponent table, the styles the
server builds, and the page script (web/src/lib/money.js, run in node) writing every
currency the product can show exactly as the server does, in every page language."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from castcart.money import minor_units, parse_major
from castcart.money.display import display_currencies, format_money, money_style, money_styles
from castcart.pages.i18n import SUPPORTED

MONEY_JS = Path(__file__).resolve().parents[2] / "web" / "src" / "lib" / "money.js"
AMOUNTS = (0, 1, 5, 99, 100, 1900, -1999, 123456, 30771490, 1234567890123)

# ISO 4217 list one (minor unit column); CLDR/ICU say 0 for IDR, HUF, COP and IQD.
ISO = {
    "EUR": 2, "USD": 2, "IDR": 2, "HUF": 2, "COP": 2, "TWD": 2, "JPY": 0, "KRW": 0,
    "VND": 0, "CLP": 0, "ISK": 0, "XOF": 0, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3,
    "TND": 3, "IQD": 3, "LYD": 3, "CLF": 4,
}  # fmt: skip


@pytest.mark.parametrize(("code", "exponent"), sorted(ISO.items()))
def test_exponents_follow_iso_4217(code: str, exponent: int) -> None:
    assert minor_units(code) == exponent


def test_rupiah_is_not_shown_100_times_too_high() -> None:
    # The bug: a EUR 19 tote quoted in rupiah (30771490 minor units at ISO exponent 2) was
    # written as "Rp 30.771.490" by the browser's ICU (exponent 0).
    assert format_money(30771490, "IDR", "id") == "Rp\u00a0307.714,90"
    assert format_money(30771490, "IDR", "de") == "307.714,90\u00a0IDR"


@pytest.mark.parametrize(
    ("amount", "code", "lang", "text"),
    [
        (1999, "EUR", "de", "19,99\u00a0€"),
        (-1999, "EUR", "en", "-€19.99"),
        (1999, "USD", "en", "$19.99"),
        (1900, "CHF", "en", "CHF\u00a019.00"),
        (123456, "JPY", "ja" if "ja" in SUPPORTED else "en", "¥123,456"),
        (12345, "KWD", "en", "KWD\u00a012.345"),
        (123456789, "EUR", "fr", "1\u202f234\u202f567,89\u00a0€"),
        (5, "BHD", "en", "BHD\u00a00.005"),
    ],
)
def test_known_renderings(amount: int, code: str, lang: str, text: str) -> None:
    assert format_money(amount, code, lang) == text


def test_formatting_round_trips_through_parse_major() -> None:
    for code in display_currencies():
        style = money_style("en", code)
        text = format_money(-123456789, code, "en")
        body = text.removeprefix(style.neg_prefix).removesuffix(style.neg_suffix)
        assert parse_major("-" + body.replace(",", ""), code) == -123456789


def test_styles_cover_every_currency_the_product_can_show() -> None:
    shown = display_currencies(["EUR"])
    # Every FX currency (a shopper's currency must have a rate) and the store's.
    assert {"EUR", "IDR", "JPY", "KRW", "VND", "CLP", "KWD", "BHD", "SAR", "BRL"} <= shown
    table = money_styles("id", shown)
    assert set(table) == shown
    assert table["IDR"]["exponent"] == 2
    assert table["JPY"]["exponent"] == 0


def test_amount_must_be_integer_minor_units() -> None:
    with pytest.raises(TypeError):
        format_money(Decimal("19.99"), "EUR", "en")  # type: ignore[arg-type]


def _node_formats(cases: list[dict[str, object]], styles: dict[str, object]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        f"import {{ formatMoney }} from {json.dumps(MONEY_JS.as_uri())};"
        "let raw = ''; process.stdin.on('data', (c) => (raw += c));"
        "process.stdin.on('end', () => { const { styles, cases } = JSON.parse(raw);"
        "process.stdout.write(JSON.stringify(cases.map((c) =>"
        " formatMoney(styles[c.lang], c.amount, c.currency)))); });"
    )
    done = subprocess.run(  # noqa: S603 - fixed arguments, our own script
        [node, "--input-type=module", "-e", script],
        input=json.dumps({"styles": styles, "cases": cases}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: list[str] = json.loads(done.stdout)
    return result


def test_browser_formatter_writes_every_currency_like_the_server() -> None:
    currencies = sorted(display_currencies(["EUR", "USD"]))
    styles = {lang: money_styles(lang, currencies) for lang in SUPPORTED}
    cases = [
        {"lang": lang, "currency": code, "amount": amount}
        for lang in SUPPORTED
        for code in currencies
        for amount in AMOUNTS
    ]
    browser = _node_formats(cases, styles)
    server = [format_money(int(c["amount"]), str(c["currency"]), str(c["lang"])) for c in cases]  # type: ignore[call-overload]
    mismatches = [(c, s, b) for c, s, b in zip(cases, server, browser, strict=True) if s != b]
    assert mismatches == []
    assert len(cases) == len(SUPPORTED) * len(currencies) * len(AMOUNTS)
