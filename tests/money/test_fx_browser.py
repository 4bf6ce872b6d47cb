"""One conversion for server and browser: the page script's ``convertMinor``
(web/src/lib/money.js, run in node on the boot data ``conversion_boot`` builds) gives the
figure ``FxSnapshot.convert`` gives, for every currency pair a shopper page can show, so a
product card and a cart line show what the quote and the invoice charge (issue 10)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from castcart.money import FxSnapshot, Money, bundled_snapshot, conversion_boot
from castcart.money.display import money_styles

MONEY_JS = Path(__file__).resolve().parents[2] / "web" / "src" / "lib" / "money.js"
# half-way cases among them: 1 and 3 at EUR→JPY 150.5 land on .5 exactly
AMOUNTS = (0, 1, 3, 5, 99, 100, 1900, 2200, 3150, -1999, 123456, 30771490, 12345678901)
# (the largest stays a safe JS integer in rupiah and dong: amounts are Numbers on the page)


def _node_converts(
    cases: list[tuple[int, str, str]], fx: dict[str, object], styles: dict[str, object]
) -> list[int | None]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        f"import {{ convertMinor }} from {json.dumps(MONEY_JS.as_uri())};"
        "let raw = ''; process.stdin.on('data', (c) => (raw += c));"
        "process.stdin.on('end', () => { const { fx, styles, cases } = JSON.parse(raw);"
        "process.stdout.write(JSON.stringify(cases.map(([a, f, t]) =>"
        " convertMinor(fx, styles, a, f, t)))); });"
    )
    done = subprocess.run(  # noqa: S603 - fixed arguments, our own script
        [node, "--input-type=module", "-e", script],
        input=json.dumps({"fx": fx, "styles": styles, "cases": cases}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: list[int | None] = json.loads(done.stdout)
    return result


def _check(snapshot: FxSnapshot, sources: list[str]) -> int:
    currencies = sorted(snapshot.currencies())
    fx = conversion_boot(snapshot, currencies)
    styles = money_styles("en", currencies)
    cases = [(a, s, t) for s in sources for t in currencies for a in AMOUNTS]
    browser = _node_converts(cases, fx, styles)
    server = [snapshot.convert(Money(a, s), t).result.amount for a, s, t in cases]
    assert [c for c, b, w in zip(cases, browser, server, strict=True) if b != w] == []
    return len(cases)


def test_browser_converts_every_shown_currency_like_the_server() -> None:
    snapshot = bundled_snapshot()
    assert _check(snapshot, ["EUR", "USD", "IDR", "JPY", "KWD"]) > 1000


def test_half_way_amounts_round_to_even_in_both() -> None:
    """150.5 yen per euro: 1 cent is 1.505 yen, 3 cents 4.515 (not half-way); 1 euro 150.5
    yen → 150 (even), 3 euros 451.5 → 452 (even)."""
    snapshot = FxSnapshot(
        "test", datetime(2026, 1, 1, tzinfo=UTC), {"JPY": Decimal("150.5"), "USD": Decimal("1")}
    )
    assert snapshot.convert(Money(100, "EUR"), "JPY").result.amount == 150
    assert snapshot.convert(Money(300, "EUR"), "JPY").result.amount == 452
    assert _check(snapshot, ["EUR", "USD", "JPY"]) > 0


def test_boot_data_has_exact_rates_and_skips_unknown_currencies() -> None:
    snapshot = FxSnapshot(
        "test", datetime(2026, 1, 1, tzinfo=UTC), {"JPY": Decimal("1.5E+2"), "USD": Decimal("1.1")}
    )
    boot = conversion_boot(snapshot, ["usd", "JPY", "EUR", "GBP"])
    assert boot["rates"] == {"EUR": "1", "JPY": "150", "USD": "1.1"}
    assert boot["as_of"] == "2026-01-01T00:00:00+00:00"
    node = _node_converts([(100, "EUR", "GBP")], boot, money_styles("en", ["EUR", "GBP"]))
    assert node == [None]
