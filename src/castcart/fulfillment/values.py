"""Warehouses, lanes, rates, shipments and promises: frozen dataclasses validated on creation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry

from castcart.fulfillment.calendar import BusinessCalendar, HolidaySource, calendar_for
from castcart.fulfillment.errors import FulfillmentError
from castcart.money import UnknownCurrencyError, validate_currency

WEEKDAYS_MON_FRI: frozenset[int] = frozenset({0, 1, 2, 3, 4})


# Shipping service codes with a label in every page language (catalog key
# ``shipping.service.<code>``); a lane may name another service, shown as written.
SERVICE_CODES: tuple[str, ...] = (
    "standard",
    "express",
    "economy",
    "priority",
    "overnight",
    "same_day",
)


def normalise_country(country: str) -> str:
    code = country.strip().upper() if isinstance(country, str) else ""
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise FulfillmentError(
            "unknown_country", f"unknown ISO 3166-1 alpha-2 country code: {country!r}"
        )
    return code


def _weekdays(days: Collection[int], what: str) -> frozenset[int]:
    out = frozenset(days)
    if not out or any(isinstance(d, bool) or not isinstance(d, int) for d in out):
        raise FulfillmentError("invalid_weekdays", f"{what} must be a non-empty set of 0..6")
    if not out <= frozenset(range(7)):
        raise FulfillmentError("invalid_weekdays", f"{what} must be weekdays 0 (Mon) to 6 (Sun)")
    return out


def _non_negative_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FulfillmentError("invalid_value", f"{what} must be a non-negative int, got {value!r}")
    return value


def _currency(code: str) -> str:
    try:
        return validate_currency(code)
    except UnknownCurrencyError as exc:
        raise FulfillmentError("unknown_currency", str(exc)) from exc


@dataclass(frozen=True)
class WarehouseCalendar:
    """A stock location with its own clock: orders before `cutoff_local_time` ship that day.

    `holidays`: None takes the public holidays of `country` (and `subdivision`, e.g. "BE" for
    Berlin) from the `holidays` package when it is installed, and none otherwise; a collection
    of dates is used as given, which makes a warehouse's calendar explicit and testable.
    """

    code: str
    country: str
    cutoff_local_time: time
    timezone: str
    business_days: Collection[int] = WEEKDAYS_MON_FRI
    holidays: Collection[date] | None = None
    subdivision: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip():
            raise FulfillmentError("invalid_warehouse", "a warehouse needs a code")
        object.__setattr__(self, "country", normalise_country(self.country))
        if not isinstance(self.cutoff_local_time, time) or self.cutoff_local_time.tzinfo:
            raise FulfillmentError(
                "invalid_cutoff", "cutoff_local_time must be a naive time in the warehouse's zone"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise FulfillmentError(
                "unknown_timezone", f"unknown IANA time zone: {self.timezone!r}"
            ) from exc
        object.__setattr__(self, "business_days", _weekdays(self.business_days, "business_days"))
        if self.holidays is not None:
            object.__setattr__(self, "holidays", frozenset(self.holidays))
        # Fail at configuration time, not at checkout, on an unknown subdivision.
        self.calendar()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def calendar(self) -> BusinessCalendar:
        return calendar_for(
            frozenset(self.business_days),
            self.country,
            self.subdivision,
            None if self.holidays is None else frozenset(self.holidays),
        )

    @property
    def holiday_source(self) -> HolidaySource:
        return self.calendar().source


@dataclass(frozen=True)
class FlatRate:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        _non_negative_int(self.amount_minor, "flat rate amount")
        object.__setattr__(self, "currency", _currency(self.currency))


@dataclass(frozen=True)
class WeightBand:
    """Parcels up to and including `max_grams` cost `amount_minor`."""

    max_grams: int
    amount_minor: int

    def __post_init__(self) -> None:
        _non_negative_int(self.max_grams, "band max_grams")
        _non_negative_int(self.amount_minor, "band amount")


@dataclass(frozen=True)
class WeightBandRate:
    """Price by weight band; above the top band, `extra_per_kg_minor` per started kilogram
    (or the parcel is refused when it is None)."""

    currency: str
    bands: tuple[WeightBand, ...]
    extra_per_kg_minor: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", _currency(self.currency))
        object.__setattr__(self, "bands", tuple(self.bands))
        if not self.bands:
            raise FulfillmentError("invalid_rate", "a weight-band rate needs at least one band")
        limits = [b.max_grams for b in self.bands]
        if any(a >= b for a, b in zip(limits, limits[1:], strict=False)):
            raise FulfillmentError("invalid_rate", "weight bands must rise strictly by max_grams")
        if self.extra_per_kg_minor is not None:
            _non_negative_int(self.extra_per_kg_minor, "extra_per_kg_minor")


Rate = FlatRate | WeightBandRate


@dataclass(frozen=True)
class Lane:
    """A carrier service from one warehouse to a set of destination countries.

    Transit is counted in business days on the carrier's `delivery_weekdays`. `customs` marks a
    lane whose parcels clear customs (so they are never "local stock").
    """

    origin: str
    destinations: Collection[str]
    carrier: str
    transit_days_min: int
    transit_days_max: int
    rate: Rate
    customs: bool
    service: str = "standard"
    delivery_weekdays: Collection[int] = WEEKDAYS_MON_FRI

    def __post_init__(self) -> None:
        if not self.origin or not self.carrier:
            raise FulfillmentError("invalid_lane", "a lane needs an origin warehouse and a carrier")
        if isinstance(self.destinations, str):
            raise FulfillmentError("invalid_lane", "destinations must be a collection of codes")
        dests = frozenset(normalise_country(c) for c in self.destinations)
        if not dests:
            raise FulfillmentError("invalid_lane", "a lane needs at least one destination")
        object.__setattr__(self, "destinations", dests)
        low = _non_negative_int(self.transit_days_min, "transit_days_min")
        high = _non_negative_int(self.transit_days_max, "transit_days_max")
        if low > high:
            raise FulfillmentError("invalid_lane", "transit_days_min is above transit_days_max")
        if not isinstance(self.rate, FlatRate | WeightBandRate):
            raise FulfillmentError("invalid_lane", "rate must be a FlatRate or a WeightBandRate")
        object.__setattr__(
            self, "delivery_weekdays", _weekdays(self.delivery_weekdays, "delivery_weekdays")
        )

    @property
    def lane_id(self) -> str:
        return f"{self.origin}:{self.carrier}:{self.service}"

    def serves(self, country: str) -> bool:
        return country in self.destinations


@dataclass(frozen=True)
class Shipment:
    """One parcel: lines from one warehouse travelling on one lane."""

    warehouse_code: str
    lane: Lane
    lines: tuple[tuple[str, int], ...]

    @property
    def units(self) -> int:
        return sum(qty for _, qty in self.lines)


@dataclass(frozen=True)
class Promise:
    """When the parcel arrives, in the shopper's terms.

    `business_days_min/max` count carrier business days after the order date up to the
    earliest/latest delivery date ("arrives in 1-2 business days").
    """

    earliest_date: date
    latest_date: date
    business_days_min: int
    business_days_max: int
    local_stock: bool
    dispatch_date: date
