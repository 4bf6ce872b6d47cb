"""Money value type: exact parsing, minor units from ISO 4217 / CLDR data, no float."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castcart.money import Money, MoneyError, format_major, minor_units, parse_major


@pytest.mark.parametrize(
    ("currency", "units"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3), ("VND", 0)]
)
def test_minor_units(currency: str, units: int) -> None:
    assert minor_units(currency) == units


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("149.99", "EUR", 14999), ("1500", "JPY", 1500), ("12.345", "KWD", 12345), ("0", "USD", 0)],
)
def test_parse_major(text: str, currency: str, minor: int) -> None:
    assert parse_major(text, currency) == minor
    assert Money.of(text, currency).amount == minor


@pytest.mark.parametrize(
    ("text", "currency"), [("1.5", "JPY"), ("1.2345", "KWD"), ("abc", "EUR"), ("NaN", "EUR")]
)
def test_parse_major_refuses_extra_precision_and_garbage(text: str, currency: str) -> None:
    with pytest.raises(MoneyError):
        parse_major(text, currency)


def test_float_is_refused() -> None:
    with pytest.raises(MoneyError):
        parse_major(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money(1.5, "EUR")  # type: ignore[arg-type]


def test_arithmetic_stays_within_one_currency() -> None:
    a, b = Money.of("10.00", "EUR"), Money.of("2.50", "EUR")
    assert (a + b).major() == "12.50"
    assert (a - b).amount == 750
    assert str(-b) == "-2.50 EUR"
    with pytest.raises(MoneyError):
        _ = a + Money.of("1", "USD")


@given(
    amount=st.integers(min_value=-(10**12), max_value=10**12),
    currency=st.sampled_from(["EUR", "JPY", "KWD", "USD", "IDR", "BHD", "CLP"]),
)
def test_format_parse_round_trip_respects_minor_units(amount: int, currency: str) -> None:
    text = format_major(amount, currency)
    places = minor_units(currency)
    if places == 0:
        assert "." not in text
    else:
        assert len(text.split(".")[1]) == places
    assert parse_major(text, currency) == amount
    assert Money(amount, currency).to_decimal() == Decimal(text)
