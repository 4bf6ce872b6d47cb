"""Business-day calendars: working weekdays minus public holidays.

Public holidays come from the `holidays` package when it is installed (it knows regional
holidays such as Berlin's 8 March); an explicit set of dates always wins, so a warehouse can
state its own closures and tests never depend on an optional package.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from castcart.fulfillment.errors import FulfillmentError

HolidaySource = Literal["explicit", "holidays-package", "none"]

# A calendar with no working day for this long is a configuration error, not a slow search.
_MAX_SEARCH_DAYS = 366


def holidays_package_available() -> bool:
    return importlib.util.find_spec("holidays") is not None


@lru_cache(maxsize=512)
def _package_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date] | None:
    """Public holidays of one year from the `holidays` package; None if it can't say."""
    try:
        import holidays  # type: ignore[import-not-found, unused-ignore]  # optional package
    except ImportError:
        return None
    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        return None
    return frozenset(table.keys())


def _check_subdivision(country: str, subdivision: str) -> None:
    try:
        import holidays  # type: ignore[import-not-found, unused-ignore]  # optional package
    except ImportError:
        return
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=2000)
    except NotImplementedError as exc:
        raise FulfillmentError(
            "unknown_subdivision", f"no public-holiday data for {country}-{subdivision}: {exc}"
        ) from exc


@dataclass(frozen=True)
class BusinessCalendar:
    weekdays: frozenset[int]
    country: str | None = None
    subdivision: str | None = None
    explicit_holidays: frozenset[date] | None = None

    @property
    def source(self) -> HolidaySource:
        if self.explicit_holidays is not None:
            return "explicit"
        if (
            self.country is not None
            and holidays_package_available()
            and _package_holidays(self.country, self.subdivision, 2000) is not None
        ):
            return "holidays-package"
        return "none"

    def is_holiday(self, day: date) -> bool:
        if self.explicit_holidays is not None:
            return day in self.explicit_holidays
        if self.country is None:
            return False
        found = _package_holidays(self.country, self.subdivision, day.year)
        return found is not None and day in found

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not self.is_holiday(day)

    def on_or_after(self, day: date) -> date:
        """`day` itself when it is a business day, else the next one."""
        for offset in range(_MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                return candidate
        raise FulfillmentError("no_business_day", f"no business day within a year of {day}")

    def after(self, day: date) -> date:
        """The first business day strictly after `day`."""
        return self.on_or_after(day + timedelta(days=1))

    def add(self, start: date, days: int) -> date:
        """The date `days` business days after `start` (0: `start` or the next business day)."""
        current = self.on_or_after(start) if days == 0 else start
        for _ in range(days):
            current = self.after(current)
        return current

    def count_between(self, start: date, end: date) -> int:
        """Business days in the half-open range (start, end]."""
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_business_day(day):
                count += 1
            day += timedelta(days=1)
        return count


def calendar_for(
    weekdays: frozenset[int],
    country: str | None,
    subdivision: str | None = None,
    explicit_holidays: frozenset[date] | None = None,
) -> BusinessCalendar:
    if explicit_holidays is None and country is not None and subdivision is not None:
        _check_subdivision(country, subdivision)
    return BusinessCalendar(weekdays, country, subdivision, explicit_holidays)
