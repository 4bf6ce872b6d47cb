"""Delivery promises: cut-off in the warehouse's own zone, weekends, public holidays, 72 h badge.

Every time is fixed; nothing reads the clock.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from castcart.fulfillment import (
    FlatRate,
    FulfillmentError,
    Lane,
    WarehouseCalendar,
    delivery_promise,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Whit Monday 2026 and Christmas 2026, stated explicitly so the test needs no optional package.
DE_HOLIDAYS_2026 = {date(2026, 5, 25), date(2026, 12, 25), date(2026, 12, 26)}

BER = WarehouseCalendar(
    code="BER-1",
    country="DE",
    cutoff_local_time=time(14, 0),
    timezone="Europe/Berlin",
    holidays=DE_HOLIDAYS_2026,
)
DOMESTIC = Lane(
    origin="BER-1",
    destinations={"DE"},
    carrier="dhl",
    transit_days_min=1,
    transit_days_max=2,
    rate=FlatRate(490, "EUR"),
    customs=False,
)
TO_AUSTRIA = Lane(
    origin="BER-1",
    destinations={"AT"},
    carrier="dhl",
    transit_days_min=1,
    transit_days_max=2,
    rate=FlatRate(890, "EUR"),
    customs=False,
)
TO_SWITZERLAND = Lane(
    origin="BER-1",
    destinations={"CH"},
    carrier="dhl",
    transit_days_min=1,
    transit_days_max=2,
    rate=FlatRate(1490, "EUR"),
    customs=True,
)


def berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Berlin wall-clock time, returned in UTC as the API expects."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def test_before_cutoff_ships_same_day() -> None:
    promise = delivery_promise(berlin(2026, 11, 24, 13, 59), BER, DOMESTIC)  # Tuesday
    assert promise.dispatch_date == date(2026, 11, 24)
    assert promise.earliest_date == date(2026, 11, 25)
    assert promise.latest_date == date(2026, 11, 26)
    assert (promise.business_days_min, promise.business_days_max) == (1, 2)


def test_at_or_after_cutoff_ships_next_business_day() -> None:
    at_cutoff = delivery_promise(berlin(2026, 11, 24, 14, 0), BER, DOMESTIC)
    assert at_cutoff.dispatch_date == date(2026, 11, 25)
    assert at_cutoff.earliest_date == date(2026, 11, 26)
    assert at_cutoff.latest_date == date(2026, 11, 27)
    assert (at_cutoff.business_days_min, at_cutoff.business_days_max) == (2, 3)


def test_cutoff_is_in_the_warehouse_zone_not_utc() -> None:
    # 13:30 UTC is 14:30 in Berlin in winter (after the cut-off) ...
    winter = delivery_promise(datetime(2026, 11, 24, 13, 30, tzinfo=UTC), BER, DOMESTIC)
    assert winter.dispatch_date == date(2026, 11, 25)
    # ... and 11:59 UTC is 13:59 in Berlin in summer (CEST, before the cut-off).
    summer = delivery_promise(datetime(2026, 6, 16, 11, 59, tzinfo=UTC), BER, DOMESTIC)
    assert summer.dispatch_date == date(2026, 6, 16)
    summer_late = delivery_promise(datetime(2026, 6, 16, 12, 0, tzinfo=UTC), BER, DOMESTIC)
    assert summer_late.dispatch_date == date(2026, 6, 17)


def test_order_time_in_another_zone_is_converted() -> None:
    # 08:30 in New York is 14:30 in Berlin: after the cut-off.
    ny = datetime(2026, 11, 24, 8, 30, tzinfo=ZoneInfo("America/New_York"))
    assert delivery_promise(ny, BER, DOMESTIC).dispatch_date == date(2026, 11, 25)


def test_friday_evening_order_waits_for_monday() -> None:
    promise = delivery_promise(berlin(2026, 11, 27, 19, 0), BER, DOMESTIC)  # Friday
    assert promise.dispatch_date == date(2026, 11, 30)  # Monday
    assert promise.earliest_date == date(2026, 12, 1)
    assert promise.latest_date == date(2026, 12, 2)
    assert (promise.business_days_min, promise.business_days_max) == (2, 3)
    assert promise.local_stock is False  # Wednesday night is ~5 days away


def test_weekend_order_ships_monday() -> None:
    promise = delivery_promise(berlin(2026, 11, 28, 10, 0), BER, DOMESTIC)  # Saturday morning
    assert promise.dispatch_date == date(2026, 11, 30)


def test_german_public_holiday_is_skipped_for_dispatch_and_transit() -> None:
    # Friday before Whit Monday (25 May 2026), after the cut-off: no dispatch until Tuesday.
    promise = delivery_promise(berlin(2026, 5, 22, 15, 0), BER, DOMESTIC)
    assert promise.dispatch_date == date(2026, 5, 26)
    assert promise.earliest_date == date(2026, 5, 27)
    assert promise.latest_date == date(2026, 5, 28)
    assert (promise.business_days_min, promise.business_days_max) == (2, 3)


def test_holiday_in_transit() -> None:
    # Thursday 24 Dec before the cut-off: ships that day; 25/26 Dec and the weekend don't count.
    promise = delivery_promise(berlin(2026, 12, 24, 9, 0), BER, DOMESTIC)
    assert promise.dispatch_date == date(2026, 12, 24)
    assert promise.earliest_date == date(2026, 12, 28)
    assert promise.latest_date == date(2026, 12, 29)


def test_badge_true_for_local_stock_within_72h() -> None:
    promise = delivery_promise(berlin(2026, 11, 24, 10, 0), BER, DOMESTIC)
    assert promise.latest_date == date(2026, 11, 26)
    assert promise.local_stock is True


def test_badge_edge_exactly_72h_counts() -> None:
    # Midnight Tuesday; latest Thursday; the end of Thursday is exactly 72 h later.
    assert delivery_promise(berlin(2026, 11, 24, 0, 0), BER, DOMESTIC).local_stock is True
    # One hour earlier (Monday 23:00, after the cut-off) makes it 73 h.
    late_monday = delivery_promise(berlin(2026, 11, 23, 23, 0), BER, DOMESTIC)
    assert late_monday.latest_date == date(2026, 11, 26)
    assert late_monday.local_stock is False


def test_badge_for_no_customs_cross_border_lane() -> None:
    promise = delivery_promise(berlin(2026, 11, 24, 10, 0), BER, TO_AUSTRIA)
    assert promise.local_stock is True


def test_no_badge_through_customs_even_when_fast() -> None:
    promise = delivery_promise(berlin(2026, 11, 24, 10, 0), BER, TO_SWITZERLAND)
    assert promise.latest_date == date(2026, 11, 26)
    assert promise.local_stock is False


def test_no_badge_when_warehouse_abroad_and_lane_needs_customs() -> None:
    sg = WarehouseCalendar("SIN-1", "SG", time(12, 0), "Asia/Singapore", holidays=set())
    lane = Lane(
        origin="SIN-1",
        destinations={"MY", "ID"},
        carrier="ninjavan",
        transit_days_min=1,
        transit_days_max=1,
        rate=FlatRate(800, "SGD"),
        customs=True,
    )
    order = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Singapore"))
    promise = delivery_promise(
        order, sg, lane, destination_country="MY", destination_holidays=set()
    )
    assert promise.latest_date == date(2026, 11, 25)
    assert promise.local_stock is False


def test_gulf_weekend_friday_saturday() -> None:
    riyadh = WarehouseCalendar(
        code="RUH-1",
        country="SA",
        cutoff_local_time=time(12, 0),
        timezone="Asia/Riyadh",
        business_days={6, 0, 1, 2, 3},  # Sunday to Thursday
        holidays=set(),
    )
    lane = Lane(
        origin="RUH-1",
        destinations={"SA"},
        carrier="smsa",
        transit_days_min=1,
        transit_days_max=3,
        rate=FlatRate(2500, "SAR"),
        customs=False,
        delivery_weekdays={6, 0, 1, 2, 3},
    )
    order = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Riyadh"))  # Thursday
    promise = delivery_promise(order, riyadh, lane)
    assert promise.dispatch_date == date(2026, 11, 26)
    assert promise.earliest_date == date(2026, 11, 29)  # Sunday
    assert promise.latest_date == date(2026, 12, 1)  # Tuesday
    assert promise.local_stock is False  # Tuesday night is more than 72 h after Thursday 10:00


def test_destination_holidays_override_for_cross_border() -> None:
    lane = Lane("BER-1", {"FR"}, "colissimo", 2, 3, FlatRate(990, "EUR"), customs=False)
    armistice = {date(2026, 11, 11)}
    promise = delivery_promise(
        berlin(2026, 11, 9, 10, 0), BER, lane, destination_holidays=armistice
    )
    assert promise.dispatch_date == date(2026, 11, 9)
    assert promise.earliest_date == date(2026, 11, 12)  # Tue 10, (Wed 11 off), Thu 12
    assert promise.latest_date == date(2026, 11, 13)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(FulfillmentError) as info:
        delivery_promise(datetime(2026, 11, 24, 10, 0), BER, DOMESTIC)
    assert info.value.code == "naive_datetime"


def test_lane_from_another_warehouse_is_refused() -> None:
    other = Lane("AMS-1", {"DE"}, "postnl", 1, 2, FlatRate(500, "EUR"), customs=False)
    with pytest.raises(FulfillmentError) as info:
        delivery_promise(berlin(2026, 11, 24, 10, 0), BER, other)
    assert info.value.code == "lane_mismatch"


def test_destination_not_served_is_refused() -> None:
    with pytest.raises(FulfillmentError) as info:
        delivery_promise(berlin(2026, 11, 24, 10, 0), BER, DOMESTIC, destination_country="FR")
    assert info.value.code == "lane_mismatch"


def test_same_day_lane() -> None:
    lane = Lane("BER-1", {"DE"}, "courier", 0, 0, FlatRate(1500, "EUR"), customs=False)
    promise = delivery_promise(berlin(2026, 11, 24, 9, 0), BER, lane)
    assert promise.earliest_date == promise.latest_date == date(2026, 11, 24)
    assert (promise.business_days_min, promise.business_days_max) == (0, 0)
    assert promise.local_stock is True


def test_holidays_package_knows_berlin_womens_day() -> None:
    pytest.importorskip("holidays")
    berlin_wh = WarehouseCalendar("BER-2", "DE", time(14, 0), "Europe/Berlin", subdivision="BE")
    munich_wh = WarehouseCalendar("MUC-1", "DE", time(14, 0), "Europe/Berlin", subdivision="BY")
    assert berlin_wh.holiday_source == "holidays-package"
    friday_evening = berlin(2027, 3, 5, 18, 0)
    # 8 March (International Women's Day) is a public holiday in Berlin, not in Bavaria.
    lane_b = Lane("BER-2", {"DE"}, "dhl", 1, 2, FlatRate(490, "EUR"), customs=False)
    lane_m = Lane("MUC-1", {"DE"}, "dhl", 1, 2, FlatRate(490, "EUR"), customs=False)
    assert delivery_promise(friday_evening, berlin_wh, lane_b).dispatch_date == date(2027, 3, 9)
    assert delivery_promise(friday_evening, munich_wh, lane_m).dispatch_date == date(2027, 3, 8)


def test_unknown_subdivision_is_refused_when_package_present() -> None:
    pytest.importorskip("holidays")
    with pytest.raises(FulfillmentError) as info:
        WarehouseCalendar("X", "DE", time(14, 0), "Europe/Berlin", subdivision="ZZ")
    assert info.value.code == "unknown_subdivision"


def test_without_holidays_package_only_weekends_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from castcart.fulfillment import calendar

    monkeypatch.setitem(sys.modules, "holidays", None)  # makes `import holidays` fail
    calendar._package_holidays.cache_clear()
    try:
        plain = WarehouseCalendar("BER-3", "DE", time(14, 0), "Europe/Berlin", subdivision="BE")
        assert plain.holiday_source == "none"
        lane = Lane("BER-3", {"DE"}, "dhl", 1, 2, FlatRate(490, "EUR"), customs=False)
        # Whit Monday is not known without the package or an explicit set.
        assert delivery_promise(berlin(2026, 5, 22, 15, 0), plain, lane).dispatch_date == date(
            2026, 5, 25
        )
    finally:
        calendar._package_holidays.cache_clear()
