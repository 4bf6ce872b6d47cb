"""FX snapshots: the ECB XML parser on the bundled file, cross rates and conversion rounding."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castcart.money import (
    FX_ROUNDING,
    BundledRateProvider,
    EcbFileProvider,
    FxError,
    FxSnapshot,
    Money,
    StaticRateProvider,
    bundled_snapshot,
    convert,
    minor_units,
    parse_ecb_history,
    parse_ecb_xml,
)

BUNDLED = resources.files("castcart.money").joinpath("data/ecb-snapshot.xml").read_bytes()
ECB_CODES = (
    "USD JPY BGN CZK DKK GBP HUF PLN RON SEK CHF ISK NOK TRY AUD BRL CAD CNY HKD IDR ILS INR KRW "
    "MXN MYR NZD PHP SGD THB ZAR"
)
ECB_CURRENCIES = ECB_CODES.split()


def test_parse_bundled_ecb_file() -> None:
    snap = parse_ecb_xml(BUNDLED)
    assert snap.base == "EUR"
    assert snap.as_of == datetime(2025, 10, 21, 14, 0, tzinfo=UTC)  # 16:00 CEST
    assert set(ECB_CURRENCIES) <= snap.currencies()
    assert len(snap.rates) == len(ECB_CURRENCIES) + 1  # + EUR itself
    assert snap.rates["USD"] == Decimal("1.1607")
    assert snap.rates["JPY"] == Decimal("176.45")
    assert snap.rates["GBP"] == Decimal("0.86780")
    assert "2025-10-21" in snap.source


def test_bundled_snapshot_adds_usd_pegs() -> None:
    snap = bundled_snapshot()
    assert snap.rate("USD", "SAR") == Decimal("3.75")
    assert snap.rate("USD", "AED") == Decimal("3.6725")
    assert "KWD" in snap.currencies()
    assert BundledRateProvider().snapshot() is snap


def test_history_file_newest_first_and_file_provider(tmp_path: pytest.TempPathFactory) -> None:
    xml = (
        "<gesmes:Envelope xmlns:gesmes='http://www.gesmes.org/xml/2002-08-01' "
        "xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'><Cube>"
        "<Cube time='2026-01-02'><Cube currency='USD' rate='1.10'/></Cube>"
        "<Cube time='2026-01-05'><Cube currency='USD' rate='1.20'/></Cube>"
        "</Cube></gesmes:Envelope>"
    )
    days = parse_ecb_history(xml)
    assert [d.rates["USD"] for d in days] == [Decimal("1.20"), Decimal("1.10")]
    path = tmp_path / "eurofxref-daily.xml"  # type: ignore[operator]
    path.write_text(xml)
    snap = EcbFileProvider(path).snapshot()
    assert snap.rates["USD"] == Decimal("1.20")
    assert snap.rate("USD", "SAR") == Decimal("3.75")


@pytest.mark.parametrize(
    "bad",
    [
        "<not-xml",
        "<Envelope/>",
        "<Cube xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'>"
        "<Cube time='2026-01-02'><Cube currency='USD' rate='-1'/></Cube></Cube>",
        "<Cube xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'>"
        "<Cube time='2026-01-02'><Cube currency='USD' rate='x'/></Cube></Cube>",
    ],
)
def test_malformed_ecb_xml_raises(bad: str) -> None:
    with pytest.raises(FxError):
        parse_ecb_xml(bad)


def test_cross_rate_goes_through_eur() -> None:
    snap = bundled_snapshot()
    with localcontext() as ctx:
        ctx.prec = 50
        expected = Decimal("176.45") / Decimal("1.1607")
    assert snap.rate("USD", "JPY") == expected
    assert snap.rate("EUR", "EUR") == 1


def test_convert_rounds_half_even_and_records_rate() -> None:
    snap = FxSnapshot(
        "test", datetime(2026, 1, 1, tzinfo=UTC), {"USD": Decimal("1.25"), "JPY": Decimal("125")}
    )
    # EUR 0.10 -> 12.5 JPY -> 12 (half to even); EUR 0.30 -> 37.5 -> 38
    assert convert(10, "EUR", "JPY", snap) == 12
    assert convert(30, "EUR", "JPY", snap) == 38
    record = snap.convert(Money(10000, "EUR"), "USD")
    assert record.result == Money(12500, "USD")
    assert record.rate == Decimal("1.25")
    assert record.rounding == FX_ROUNDING == ROUND_HALF_EVEN
    assert StaticRateProvider(snap).snapshot() is snap


def test_missing_rate_raises() -> None:
    snap = FxSnapshot("t", datetime(2026, 1, 1, tzinfo=UTC), {"USD": Decimal("1.1")})
    with pytest.raises(FxError):
        convert(100, "EUR", "GBP", snap)


def test_snapshot_refuses_naive_time_and_bad_rates() -> None:
    with pytest.raises(FxError):
        FxSnapshot("t", datetime(2026, 1, 1), {"USD": Decimal("1.1")})  # noqa: DTZ001
    with pytest.raises(FxError):
        FxSnapshot("t", datetime(2026, 1, 1, tzinfo=UTC), {"USD": Decimal("0")})


CURRENCIES = ["EUR", "USD", "JPY", "GBP", "KWD", "IDR", "BRL", "SAR", "CHF", "VND", "BHD"]


@given(
    amount=st.integers(min_value=0, max_value=10**13),
    src=st.sampled_from(CURRENCIES),
    dst=st.sampled_from(CURRENCIES),
)
def test_conversion_is_within_half_a_minor_unit(amount: int, src: str, dst: str) -> None:
    snap = bundled_snapshot()
    result = convert(amount, src, dst, snap)
    with localcontext() as ctx:
        ctx.prec = 60
        exact = (
            Decimal(amount)
            * snap.rates[dst]
            / snap.rates[src]
            * Decimal(10) ** (minor_units(dst) - minor_units(src))
        )
    assert abs(Decimal(result) - exact) <= Decimal("0.5")


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    src=st.sampled_from(CURRENCIES),
    dst=st.sampled_from(CURRENCIES),
)
def test_round_trip_loses_at_most_the_rounding_units(amount: int, src: str, dst: str) -> None:
    """A->B->A is off by at most half a unit of A plus half a unit of B carried back to A."""
    snap = bundled_snapshot()
    back = convert(convert(amount, src, dst, snap), dst, src, snap)
    with localcontext() as ctx:
        ctx.prec = 60
        b_unit_in_a = (
            snap.rates[src] / snap.rates[dst] * Decimal(10) ** (minor_units(src) - minor_units(dst))
        )
        bound = Decimal("0.5") + Decimal("0.5") * b_unit_in_a
    assert abs(Decimal(back - amount)) <= bound
