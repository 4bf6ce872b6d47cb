"""Cases derived by hand from each market's official rules (sources in docs/cross-border.md
and in the table's `sources`). Each expected figure is worked out in the comment above it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from castcart.money import Money, bundled_snapshot
from castcart.tax import Category, TaxCase, quote


def _q(**kw: object) -> object:
    base: dict[str, object] = {"seller_country": "DE", "on": date(2026, 11, 1)}
    base.update(kw)
    return quote(TaxCase(**base))  # type: ignore[arg-type]


# --- Japan --------------------------------------------------------------------------------
# Customs Tariff Act art. 14(18) + Internal Consumption Tax on Imports Act art. 13(1)(i):
# taxable value JPY 10,000 or less -> no duty, no import consumption tax. Personal imports
# are valued at 60 % of the retail price (Enforcement Order art. 1-13), plus shipping (CIF).
# Bases round down to JPY 1,000, taxes to JPY 100 (General Rules for National Taxes 118/119).


def test_jp_small_amount_exemption_is_inclusive() -> None:
    # retail 15,000 x 0.6 = 9,000 + shipping 1,000 = 10,000 <= 10,000 -> exempt
    q = _q(buyer_country="JP", goods_value=15000, shipping_value=1000, currency="JPY")
    assert q.rule.id == "jp_small_amount_exempt"
    assert q.total_tax == q.total_duty == 0


def test_jp_just_above_the_exemption() -> None:
    # 9,000 + 1,100 = 10,100 -> base 10,000; duty 3 % = 300; consumption-tax base
    # 10,300 -> 10,000; national 7.8 % = 780 -> 700; local 700 x 22/78 = 197.4 -> 100.
    q = _q(buyer_country="JP", goods_value=15000, shipping_value=1100, currency="JPY")
    assert q.rule.id == "jp_import"
    assert q.total_duty == 300
    assert [ln.amount for ln in q.lines] == [700, 100]
    assert {ln.collected_at for ln in (*q.lines, *q.duties)} == {"import"}


def test_jp_import_general() -> None:
    # 30,000 x 0.6 = 18,000 + 2,000 = 20,000; duty 3 % = 600; base 20,600 -> 20,000;
    # national 1,560 -> 1,500; local 1,500 x 22/78 = 423.1 -> 400.
    q = _q(buyer_country="JP", goods_value=30000, shipping_value=2000, currency="JPY")
    assert q.total_duty == 600
    assert [ln.amount for ln in q.lines] == [1500, 400]
    assert [ln.rate_percent for ln in q.lines] == [Decimal("7.8"), Decimal("2.2")]


def test_jp_food_reduced_rate_at_import() -> None:
    # 18,000 + 2,000 = 20,000; duty 15 % (estimate) = 3,000; base 23,000; national 6.24 %
    # = 1,435.2 -> 1,400; local 1,400 x 22/78 = 394.9 -> 300 (8 % = 6.24 + 1.76).
    q = _q(
        buyer_country="JP",
        goods_value=30000,
        shipping_value=2000,
        currency="JPY",
        category=Category.FOOD,
    )
    assert q.total_duty == 3000
    assert [ln.amount for ln in q.lines] == [1400, 300]
    assert [ln.rate_percent for ln in q.lines] == [Decimal("6.24"), Decimal("1.76")]


def test_jp_business_import_is_valued_at_the_transaction_value() -> None:
    # No 60 % rule for a business buyer: 12,000 -> base 12,000; duty 360 -> 300; base
    # 12,300 -> 12,000; national 936 -> 900; local 253.8 -> 200.
    q = _q(
        buyer_country="JP",
        goods_value=12000,
        currency="JPY",
        buyer_vat_id="T1234567890123",
    )
    assert q.total_duty == 300
    assert [ln.amount for ln in q.lines] == [900, 200]


@pytest.mark.parametrize(("category", "tax"), [(Category.GENERAL, 1050), (Category.FOOD, 840)])
def test_jp_domestic_consumption_tax(category: Category, tax: int) -> None:
    # Shipped from a Japanese warehouse: 10 % (8 % food) on 10,000 + 500 at checkout.
    q = _q(
        buyer_country="JP",
        origin_country="JP",
        goods_value=10000,
        shipping_value=500,
        currency="JPY",
        category=category,
    )
    assert q.rule.id == "jp_domestic"
    assert q.total_tax == tax
    assert q.due_at_checkout == tax


def test_jp_in_another_currency_keeps_the_yen_threshold() -> None:
    # EUR 100.00 retail x 0.6 = EUR 60.00, compared in yen at the snapshot's rate (whatever
    # the order currency): EUR 60 is under JPY 10,000, EUR 120 (from EUR 200) is above.
    low = _q(buyer_country="JP", goods_value=10000, currency="EUR")
    [check] = low.thresholds
    expected = bundled_snapshot().convert(Money(6000, "EUR"), "JPY").result.to_decimal()
    assert (check.currency, check.value) == ("JPY", expected)
    assert low.rule.id == ("jp_small_amount_exempt" if expected <= 10000 else "jp_import")
    high = _q(buyer_country="JP", goods_value=20000, currency="EUR")
    assert high.rule.id == "jp_import"
