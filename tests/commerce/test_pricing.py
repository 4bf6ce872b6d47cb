from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from castcart.commerce.pricing import PriceOptions, percent_of, totals, unit_price


def test_lowest_applicable_price_wins() -> None:
    assert unit_price(PriceOptions(list_price=1000)) == (1000, "list")
    assert unit_price(PriceOptions(list_price=1000, live_price=800)) == (800, "live")
    assert unit_price(PriceOptions(list_price=1000, live_price=800, flash_price=500)) == (
        500,
        "flash_sale",
    )
    # A "live price" above list never raises what the shopper pays.
    assert unit_price(PriceOptions(list_price=1000, live_price=1200)) == (1000, "list")


def test_percent_rounds_half_up() -> None:
    assert percent_of(1005, 10) == 101  # 100.5 → 101
    assert percent_of(999, 15) == 150  # 149.85 → 150


@given(
    st.lists(st.integers(min_value=0, max_value=10**9), max_size=20),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=10**10),
)
def test_totals_are_consistent_and_never_negative(
    lines: list[int], percent: int, amount_off: int
) -> None:
    result = totals(lines, percent_off=percent, amount_off=amount_off)
    assert result.subtotal == sum(lines)
    assert result.total == result.subtotal - result.discount
    assert 0 <= result.discount <= result.subtotal
    assert result.total >= 0
