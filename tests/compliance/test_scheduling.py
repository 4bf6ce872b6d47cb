"""Cultural scheduling: prayer, Ramadan and holiday clashes, and the slots suggested instead.
Fixed dates only; prayer times come from the same library the code uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from adhanpy.calculation.CalculationMethod import CalculationMethod
from adhanpy.PrayerTimes import PrayerTimes

from castcart.compliance.scheduling import (
    UnknownMarketError,
    check_schedule,
    is_ramadan,
    suggest_slots,
)
from tests.helpers import Api

RIYADH = (24.7136, 46.6753)
HOUR = timedelta(hours=1)


def riyadh_maghrib(day: date) -> datetime:
    times = PrayerTimes(
        RIYADH, datetime(day.year, day.month, day.day), CalculationMethod.UMM_AL_QURA
    )
    maghrib: datetime = times.maghrib
    return maghrib.astimezone(UTC)


def test_riyadh_show_overlapping_maghrib_gets_a_prayer_warning() -> None:
    maghrib = riyadh_maghrib(date(2026, 5, 12))
    warnings = check_schedule("SA", maghrib - timedelta(minutes=20), HOUR)
    hits = [w for w in warnings if w.kind == "prayer" and w.city == "Riyadh"]
    assert [w.name for w in hits] == ["maghrib"]
    assert hits[0].starts_at == maghrib
    assert hits[0].severity == "high"
    assert "Maghrib" in hits[0].message


def test_a_show_at_a_clear_time_gets_no_warning() -> None:
    # 10:00 Riyadh time on an ordinary Tuesday: after Fajr/sunrise, before Dhuhr.
    assert check_schedule("SA", datetime(2026, 5, 12, 7, 0, tzinfo=UTC), HOUR) == []


def test_friday_noon_is_jumuah() -> None:
    warnings = check_schedule("SA", datetime(2026, 5, 15, 8, 50, tzinfo=UTC), HOUR)
    assert any(w.name == "jumuah" and w.severity == "high" for w in warnings)


def test_ramadan_daylight_in_2027_is_flagged() -> None:
    assert is_ramadan(date(2027, 2, 20))
    assert not is_ramadan(date(2027, 3, 15))
    warnings = check_schedule("SA", datetime(2027, 2, 20, 7, 0, tzinfo=UTC), HOUR)  # 10:00 local
    ramadan = [w for w in warnings if w.kind == "ramadan"]
    assert {w.city for w in ramadan} == {"Riyadh", "Jeddah"}
    assert all(w.starts_at < datetime(2027, 2, 20, 7, 0, tzinfo=UTC) for w in ramadan)
    # The same hour a week after Eid is clear.
    assert check_schedule("SA", datetime(2027, 3, 20, 7, 0, tzinfo=UTC), HOUR) == []


def test_saudi_national_day_is_a_holiday() -> None:
    warnings = check_schedule("SA", datetime(2026, 9, 23, 7, 0, tzinfo=UTC), HOUR)
    holidays = [w for w in warnings if w.kind == "holiday"]
    assert holidays
    assert "National Day" in holidays[0].name


def test_non_muslim_market_only_checks_holidays() -> None:
    assert check_schedule("DE", datetime(2026, 5, 12, 17, 0, tzinfo=UTC), HOUR) == []
    christmas = check_schedule("DE", datetime(2026, 12, 25, 18, 0, tzinfo=UTC), HOUR)
    assert [w.kind for w in christmas] == ["holiday"]


@pytest.mark.parametrize(
    ("market", "day", "minutes"),
    [
        ("SA", date(2026, 5, 12), 60),
        ("SA", date(2027, 2, 20), 60),  # Ramadan
        ("SA", date(2026, 5, 15), 90),  # Friday
        ("AE", date(2026, 11, 3), 45),
        ("ID", date(2026, 7, 7), 90),
        ("MY", date(2027, 2, 25), 60),
        ("EG", date(2026, 8, 4), 60),
        ("TR", date(2026, 6, 21), 120),
        ("PK", date(2026, 1, 13), 60),
        ("DE", date(2026, 5, 12), 60),
    ],
)
def test_suggested_slots_avoid_all_warnings(market: str, day: date, minutes: int) -> None:
    duration = timedelta(minutes=minutes)
    slots = suggest_slots(market, day, duration)
    assert len(slots) == 3
    for slot in slots:
        assert slot.ends_at - slot.starts_at == duration
        assert check_schedule(market, slot.starts_at, duration) == []
    for first, second in zip(slots, slots[1:], strict=False):
        assert first.ends_at <= second.starts_at


def test_ramadan_slots_start_after_isha_and_tarawih() -> None:
    day = date(2027, 2, 20)
    slots = suggest_slots("SA", day, HOUR)
    maghrib = riyadh_maghrib(day)
    assert all(s.starts_at > maghrib + timedelta(minutes=120) for s in slots)
    assert all("Ramadan" in s.reason for s in slots)


def test_ordinary_day_slots_prefer_evening_prime_time() -> None:
    slots = suggest_slots("DE", date(2026, 5, 12), HOUR)
    assert [s.local_start for s in slots] == ["19:00", "20:00", "21:00"]


def test_bad_input_is_rejected() -> None:
    with pytest.raises(UnknownMarketError):
        check_schedule("XX", datetime(2026, 5, 12, 7, 0, tzinfo=UTC), HOUR)
    with pytest.raises(Exception, match="time zone"):
        check_schedule("SA", datetime(2026, 5, 12, 7, 0), HOUR)  # noqa: DTZ001


def _check(api: Api, store: dict[str, Any], expected: int = 200, **body: Any) -> Any:
    return api.ok(
        "POST", "/api/v1/shows/schedule-check", expected, headers=store["headers"], json=body
    )


def test_schedule_check_api(api: Api) -> None:
    store = api.store()
    maghrib = riyadh_maghrib(date(2026, 5, 12))
    result = _check(
        api,
        store,
        market="sa",
        starts_at=(maghrib - timedelta(minutes=10)).isoformat(),
        duration_minutes=60,
    )
    assert result["ok"] is False
    assert result["timezone"] == "Asia/Riyadh"
    assert any(
        w["kind"] == "prayer" and w["name"] == "maghrib" and w["city"] == "Riyadh"
        for w in result["warnings"]
    )
    assert len(result["suggested_slots"]) == 3
    for slot in result["suggested_slots"]:
        again = _check(api, store, market="SA", starts_at=slot["starts_at"], duration_minutes=60)
        assert again["ok"] is True


def test_schedule_check_api_errors(api: Api) -> None:
    store = api.store()
    bad = _check(api, store, 422, market="XX", starts_at="2026-05-12T07:00:00Z")
    assert bad["code"] == "unknown_market"
    _check(api, store, 422, market="SA", starts_at="2026-05-12T07:00:00")  # naive
    _check(api, store, 422, market="SA", starts_at="2026-05-12T07:00:00Z", duration_minutes=0)
    api.ok("POST", "/api/v1/shows/schedule-check", 401, json={})
