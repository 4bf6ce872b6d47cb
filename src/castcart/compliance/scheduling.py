"""Cultural scheduling: will a show aimed at a market clash with prayer, the Ramadan fast or a
public holiday there, and when would be better?

Pure logic, no I/O. Prayer times come from ``adhanpy`` (an offline port of batoulapps' Adhan,
the reference implementation most Muslim apps share), per city with the calculation method
the country's authorities use; the Hijri month from ``hijridate`` (Umm al-Qura tables);
holidays from ``holidays``. All times in and out are aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from adhanpy.calculation.CalculationMethod import (  # type: ignore[import-untyped]
    CalculationMethod,
)
from adhanpy.PrayerTimes import PrayerTimes  # type: ignore[import-untyped]
from babel.core import get_global
from hijridate import Gregorian

from castcart.core.errors import UnprocessableError

Kind = Literal["prayer", "ramadan", "holiday"]
Severity = Literal["low", "medium", "high"]

RAMADAN = 9
MAX_DURATION = timedelta(hours=12)
PRAYERS: tuple[str, ...] = ("fajr", "dhuhr", "asr", "maghrib", "isha")
# How long after the call to prayer viewers are away: the wait for the congregation plus the
# prayer itself. Friday noon (khutbah + prayer), iftar and Isha + Tarawih in Ramadan are longer.
PRAYER_WINDOW = timedelta(minutes=30)
JUMUAH_WINDOW = timedelta(minutes=60)
IFTAR_WINDOW = timedelta(minutes=60)
TARAWIH_WINDOW = timedelta(minutes=60)
# Umm al-Qura fixes Isha at Maghrib + 90 min, + 30 min more in Ramadan (the method's own note).
UMM_AL_QURA_RAMADAN_ISHA = timedelta(minutes=30)
PRAYER_SEVERITY: dict[str, Severity] = {
    "fajr": "low",
    "dhuhr": "medium",
    "asr": "medium",
    "maghrib": "high",
    "isha": "medium",
}
# Evening prime time (local start hour range); in Ramadan the evening starts after Tarawih.
PRIME_TIME = (time(19, 0), time(22, 0))
RAMADAN_PRIME_TIME = (time(21, 0), time(23, 30))
SLOT_STEP = timedelta(minutes=15)


class UnknownMarketError(UnprocessableError):
    code = "unknown_market"


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float
    timezone: str
    method: CalculationMethod


@dataclass(frozen=True)
class Market:
    country: str
    timezone: str
    cities: tuple[City, ...] = ()

    @property
    def observes_prayer_times(self) -> bool:
        """Muslim-majority markets in the table: prayer and Ramadan warnings apply."""
        return bool(self.cities)


def _city(name: str, lat: float, lon: float, tz: str, method: CalculationMethod) -> City:
    return City(name, lat, lon, tz, method)


_UQ = CalculationMethod.UMM_AL_QURA
_SG = CalculationMethod.SINGAPORE  # 20°/18°: JAKIM (MY) and Kemenag (ID) use the same angles
_MWL = CalculationMethod.MUSLIM_WORLD_LEAGUE

# Main cities of Muslim-majority markets and the method their authorities publish with.
# Turkey's Diyanet uses 18°/17°, i.e. the Muslim World League angles.
PRAYER_MARKETS: dict[str, tuple[City, ...]] = {
    "SA": (
        _city("Riyadh", 24.7136, 46.6753, "Asia/Riyadh", _UQ),
        _city("Jeddah", 21.4858, 39.1925, "Asia/Riyadh", _UQ),
    ),
    "AE": (
        _city("Dubai", 25.2048, 55.2708, "Asia/Dubai", CalculationMethod.DUBAI),
        _city("Abu Dhabi", 24.4539, 54.3773, "Asia/Dubai", CalculationMethod.DUBAI),
    ),
    "QA": (_city("Doha", 25.2854, 51.5310, "Asia/Qatar", CalculationMethod.QATAR),),
    "KW": (_city("Kuwait City", 29.3759, 47.9774, "Asia/Kuwait", CalculationMethod.KUWAIT),),
    "ID": (
        _city("Jakarta", -6.2088, 106.8456, "Asia/Jakarta", _SG),
        _city("Surabaya", -7.2575, 112.7521, "Asia/Jakarta", _SG),
    ),
    "MY": (_city("Kuala Lumpur", 3.1390, 101.6869, "Asia/Kuala_Lumpur", _SG),),
    "EG": (
        _city("Cairo", 30.0444, 31.2357, "Africa/Cairo", CalculationMethod.EGYPTIAN),
        _city("Alexandria", 31.2001, 29.9187, "Africa/Cairo", CalculationMethod.EGYPTIAN),
    ),
    "TR": (
        _city("Istanbul", 41.0082, 28.9784, "Europe/Istanbul", _MWL),
        _city("Ankara", 39.9334, 32.8597, "Europe/Istanbul", _MWL),
    ),
    "PK": (
        _city("Karachi", 24.8607, 67.0011, "Asia/Karachi", CalculationMethod.KARACHI),
        _city("Lahore", 31.5204, 74.3587, "Asia/Karachi", CalculationMethod.KARACHI),
    ),
}

# The audience's clock for markets that span several zones (babel lists them alphabetically).
MAIN_TIMEZONE: dict[str, str] = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "MX": "America/Mexico_City",
    "BR": "America/Sao_Paulo",
    "AU": "Australia/Sydney",
    "RU": "Europe/Moscow",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "DE": "Europe/Berlin",
    "CL": "America/Santiago",
    "AR": "America/Argentina/Buenos_Aires",
    "NZ": "Pacific/Auckland",
    "CN": "Asia/Shanghai",
    "KZ": "Asia/Almaty",
}


@dataclass(frozen=True)
class ScheduleWarning:
    kind: Kind
    name: str
    city: str | None
    starts_at: datetime
    ends_at: datetime
    severity: Severity
    message: str

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.starts_at < end and start < self.ends_at


@dataclass(frozen=True)
class SuggestedSlot:
    starts_at: datetime
    ends_at: datetime
    local_start: str
    timezone: str
    reason: str


def market(country: str) -> Market:
    code = country.upper()
    cities = PRAYER_MARKETS.get(code, ())
    if cities:
        return Market(code, cities[0].timezone, cities)
    if code not in holidays.list_supported_countries():
        raise UnknownMarketError(f"no scheduling data for market {country!r}", details=country)
    zone = MAIN_TIMEZONE.get(code)
    if zone is None:
        zones: list[str] = get_global("territory_zones").get(code, [])
        if not zones:
            raise UnknownMarketError(f"no time zone known for market {country!r}", details=code)
        zone = zones[0]
    return Market(code, zone)


def _validate(starts_at: datetime, duration: timedelta) -> None:
    if starts_at.tzinfo is None:
        raise UnprocessableError("starts_at needs a time zone", code="naive_datetime")
    if not timedelta(0) < duration <= MAX_DURATION:
        raise UnprocessableError(
            "duration must be between 1 minute and 12 hours", code="invalid_duration"
        )


def is_ramadan(day: date) -> bool:
    """Umm al-Qura calendar; local moon sighting may start the month a day apart."""
    return Gregorian(day.year, day.month, day.day).to_hijri().month == RAMADAN


def _local_days(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    """Every local date the interval touches, one day of margin each side."""
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def prayer_times(city: City, day: date) -> dict[str, datetime]:
    """The five prayers and sunrise on a local date, as UTC datetimes."""
    times = PrayerTimes(
        (city.latitude, city.longitude), datetime(day.year, day.month, day.day), city.method
    )
    result: dict[str, datetime] = {
        name: getattr(times, name).astimezone(UTC) for name in (*PRAYERS, "sunrise")
    }
    if city.method is _UQ and is_ramadan(day):
        result["isha"] += UMM_AL_QURA_RAMADAN_ISHA
    return result


def _city_windows(city: City, day: date) -> list[ScheduleWarning]:
    times = prayer_times(city, day)
    zone = ZoneInfo(city.timezone)
    ramadan = is_ramadan(day)
    friday = day.weekday() == 4
    warnings: list[ScheduleWarning] = []
    for prayer in PRAYERS:
        start = times[prayer]
        window, name, severity = PRAYER_WINDOW, prayer, PRAYER_SEVERITY[prayer]
        if prayer == "dhuhr" and friday:
            window, name, severity = JUMUAH_WINDOW, "jumuah", "high"
        elif prayer == "maghrib" and ramadan:
            window, name = IFTAR_WINDOW, "maghrib_iftar"
        elif prayer == "isha" and ramadan:
            window, name = TARAWIH_WINDOW, "isha_tarawih"
        local = start.astimezone(zone).strftime("%H:%M")
        warnings.append(
            ScheduleWarning(
                kind="prayer",
                name=name,
                city=city.name,
                starts_at=start,
                ends_at=start + window,
                severity=severity,
                message=(
                    f"{name.replace('_', ' ').title()} in {city.name} at {local} local time: "
                    f"many viewers will be away for about {int(window.total_seconds() // 60)} min"
                ),
            )
        )
    if ramadan:
        sunrise, maghrib = times["sunrise"], times["maghrib"]
        warnings.append(
            ScheduleWarning(
                kind="ramadan",
                name="ramadan_daylight",
                city=city.name,
                starts_at=sunrise,
                ends_at=maghrib,
                severity="medium",
                message=(
                    f"Ramadan fast in {city.name} until Maghrib at "
                    f"{maghrib.astimezone(zone).strftime('%H:%M')}: daytime audiences are small "
                    "and food or drink on camera is insensitive; prefer after Isha/Tarawih"
                ),
            )
        )
    return warnings


def _holiday_windows(mkt: Market, days: Iterable[date]) -> list[ScheduleWarning]:
    days = list(days)
    calendar = holidays.country_holidays(mkt.country, years=sorted({d.year for d in days}))
    zone = ZoneInfo(mkt.timezone)
    warnings = []
    for day in days:
        names = calendar.get_list(day)
        if not names:
            continue
        start = datetime.combine(day, time(0), zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
        for name in names:
            warnings.append(
                ScheduleWarning(
                    kind="holiday",
                    name=name,
                    city=None,
                    starts_at=start,
                    ends_at=end,
                    severity="medium",
                    message=(
                        f"{name} ({day.isoformat()}) is a public holiday in {mkt.country}: "
                        "audiences, delivery promises and ad rules may differ"
                    ),
                )
            )
    return warnings


def _windows(mkt: Market, days: list[date]) -> list[ScheduleWarning]:
    windows = _holiday_windows(mkt, days)
    for city in mkt.cities:
        for day in days:
            windows.extend(_city_windows(city, day))
    return windows


_ORDER: dict[Severity, int] = {"high": 0, "medium": 1, "low": 2}


def check_schedule(country: str, starts_at: datetime, duration: timedelta) -> list[ScheduleWarning]:
    """Warnings for every prayer, Ramadan fast or holiday window the show overlaps."""
    _validate(starts_at, duration)
    mkt = market(country)
    start = starts_at.astimezone(UTC)
    end = start + duration
    days = _local_days(start, end, ZoneInfo(mkt.timezone))
    found = [w for w in _windows(mkt, days) if w.overlaps(start, end)]
    return sorted(found, key=lambda w: (w.starts_at, _ORDER[w.severity], w.name, w.city or ""))


def _distance(value: time, window: tuple[time, time]) -> int:
    """Minutes from ``value`` to the window (0 inside it)."""
    minutes = value.hour * 60 + value.minute
    low = window[0].hour * 60 + window[0].minute
    high = window[1].hour * 60 + window[1].minute
    return max(low - minutes, 0, minutes - high)


def suggest_slots(
    country: str, day: date, duration: timedelta, count: int = 3
) -> list[SuggestedSlot]:
    """Up to ``count`` non-overlapping start times on the market's local ``day`` that clash
    with no prayer or Ramadan window, closest to evening prime time first. A holiday covers
    the whole day and cannot be dodged by the hour, so it does not rule out a slot."""
    mkt = market(country)
    _validate(datetime.combine(day, time(0), UTC), duration)
    zone = ZoneInfo(mkt.timezone)
    midnight = datetime.combine(day, time(0), zone).astimezone(UTC)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    days = [day + timedelta(days=n) for n in (-1, 0, 1)]
    blocking = [w for w in _windows(mkt, days) if w.kind != "holiday"]
    ramadan = bool(mkt.cities) and is_ramadan(day)
    prime = RAMADAN_PRIME_TIME if ramadan else PRIME_TIME

    candidates: set[datetime] = set()
    at = midnight
    while at < next_midnight:
        candidates.add(at)
        at += SLOT_STEP
    # Right after a prayer is often the best moment: offer those exact ends too.
    candidates.update(w.ends_at for w in blocking if midnight <= w.ends_at < next_midnight)

    def score(start: datetime) -> tuple[int, datetime]:
        return _distance(start.astimezone(zone).time(), prime), start

    chosen: list[SuggestedSlot] = []
    for start in sorted(candidates, key=score):
        end = start + duration
        if any(w.overlaps(start, end) for w in blocking):
            continue
        if any(s.starts_at < end and start < s.ends_at for s in chosen):
            continue
        local = start.astimezone(zone)
        reason = (
            "after Isha and Tarawih in Ramadan"
            if ramadan
            else "evening prime time"
            if _distance(local.time(), prime) == 0
            else "closest clear time to evening prime time"
        )
        if mkt.cities:
            reason += ", clear of prayer times in " + ", ".join(c.name for c in mkt.cities)
        chosen.append(
            SuggestedSlot(
                starts_at=start,
                ends_at=end,
                local_start=local.strftime("%H:%M"),
                timezone=mkt.timezone,
                reason=reason,
            )
        )
        if len(chosen) == count:
            break
    return sorted(chosen, key=lambda s: s.starts_at)


@dataclass(frozen=True)
class Iftar:
    """The next fast-breaking (Maghrib in Ramadan) in a market's main city."""

    country: str
    city: str
    timezone: str
    at: datetime
    local_time: str


def in_ramadan(country: str, at: datetime) -> bool:
    """Whether ``at`` falls on a Ramadan day in a market that observes prayer times."""
    mkt = market(country)
    if not mkt.cities:
        return False
    return is_ramadan(at.astimezone(ZoneInfo(mkt.timezone)).date())


def next_iftar(country: str, now: datetime) -> Iftar | None:
    """Today's Maghrib in the market's first city if it is still ahead, else tomorrow's,
    when that day is in Ramadan; None outside Ramadan or in markets without prayer times.
    The same prayer-time calculation the schedule check uses (adhanpy, per-country method)."""
    if now.tzinfo is None:
        raise UnprocessableError("now needs a time zone", code="naive_datetime")
    mkt = market(country)
    if not mkt.cities:
        return None
    city = mkt.cities[0]
    zone = ZoneInfo(city.timezone)
    today = now.astimezone(zone).date()
    for day in (today, today + timedelta(days=1)):
        if not is_ramadan(day):
            continue
        maghrib = prayer_times(city, day)["maghrib"]
        if maghrib > now:
            return Iftar(
                country=mkt.country,
                city=city.name,
                timezone=city.timezone,
                at=maghrib,
                local_time=maghrib.astimezone(zone).strftime("%H:%M"),
            )
    return None
