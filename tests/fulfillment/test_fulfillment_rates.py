"""Shipping rates per lane (flat and by weight band) and model validation."""

from __future__ import annotations

from datetime import time

import pytest

from castcart.fulfillment import (
    FlatRate,
    FulfillmentError,
    Lane,
    Shipment,
    WarehouseCalendar,
    WeightBand,
    WeightBandRate,
    shipping_rate,
)
from castcart.money import Money

BANDS = WeightBandRate(
    "EUR",
    (WeightBand(500, 450), WeightBand(2000, 690), WeightBand(5000, 990)),
    extra_per_kg_minor=150,
)
BY_WEIGHT = Lane("BER", {"DE"}, "dhl", 1, 2, BANDS, customs=False)
FLAT = Lane("BER", {"DE"}, "hermes", 2, 3, FlatRate(399, "EUR"), customs=False)
PARCEL = Shipment("BER", BY_WEIGHT, (("A", 1),))


def test_flat_rate_ignores_weight() -> None:
    assert shipping_rate(PARCEL, FLAT, 0) == Money(399, "EUR")
    assert shipping_rate(PARCEL, FLAT, 31_000) == Money(399, "EUR")


@pytest.mark.parametrize(
    ("grams", "minor"),
    [
        (0, 450),
        (500, 450),  # band limits are inclusive
        (501, 690),
        (2000, 690),
        (5000, 990),
        (5001, 1140),  # one started kilogram above the top band
        (6000, 1140),
        (6001, 1290),
    ],
)
def test_weight_bands(grams: int, minor: int) -> None:
    rate = shipping_rate(PARCEL, BY_WEIGHT, grams)
    assert rate == Money(minor, "EUR")
    assert isinstance(rate.amount, int)


def test_overweight_without_extra_is_refused() -> None:
    capped = Lane(
        "BER", {"DE"}, "dhl", 1, 2, WeightBandRate("EUR", (WeightBand(1000, 500),)), False
    )
    with pytest.raises(FulfillmentError) as info:
        shipping_rate(PARCEL, capped, 1001)
    assert info.value.code == "overweight"


def test_zero_decimal_currency() -> None:
    jp = Lane("BER", {"JP"}, "dhl-express", 3, 5, FlatRate(3200, "JPY"), customs=True)
    assert shipping_rate(PARCEL, jp, 800) == Money(3200, "JPY")


@pytest.mark.parametrize("grams", [-1, 1.5, True, "100"])
def test_bad_weight(grams: object) -> None:
    with pytest.raises(FulfillmentError) as info:
        shipping_rate(PARCEL, BY_WEIGHT, grams)  # type: ignore[arg-type]
    assert info.value.code == "invalid_weight"


def test_lane_must_start_at_the_shipment_warehouse() -> None:
    other = Lane("AMS", {"DE"}, "postnl", 1, 2, FlatRate(500, "EUR"), customs=False)
    with pytest.raises(FulfillmentError) as info:
        shipping_rate(PARCEL, other, 100)
    assert info.value.code == "lane_mismatch"


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: FlatRate(100, "EURO"), "unknown_currency"),
        (lambda: FlatRate(-1, "EUR"), "invalid_value"),
        (lambda: WeightBandRate("EUR", ()), "invalid_rate"),
        (
            lambda: WeightBandRate("EUR", (WeightBand(1000, 1), WeightBand(1000, 2))),
            "invalid_rate",
        ),
        (lambda: Lane("BER", {"DE"}, "dhl", 3, 2, FlatRate(1, "EUR"), False), "invalid_lane"),
        (lambda: Lane("BER", set(), "dhl", 1, 2, FlatRate(1, "EUR"), False), "invalid_lane"),
        (lambda: Lane("BER", "DE", "dhl", 1, 2, FlatRate(1, "EUR"), False), "invalid_lane"),
        (lambda: Lane("BER", {"QQ"}, "dhl", 1, 2, FlatRate(1, "EUR"), False), "unknown_country"),
        (
            lambda: Lane(
                "BER", {"DE"}, "dhl", 1, 2, FlatRate(1, "EUR"), False, delivery_weekdays=set()
            ),
            "invalid_weekdays",
        ),
        (lambda: WarehouseCalendar("W", "DE", time(14), "Mars/Olympus"), "unknown_timezone"),
        (lambda: WarehouseCalendar("W", "XX", time(14), "Europe/Berlin"), "unknown_country"),
        (lambda: WarehouseCalendar("W", "DE", time(14), "Europe/Berlin", {7}), "invalid_weekdays"),
        (lambda: WarehouseCalendar("", "DE", time(14), "Europe/Berlin"), "invalid_warehouse"),
    ],
)
def test_invalid_configuration(build: object, code: str) -> None:
    with pytest.raises(FulfillmentError) as info:
        build()  # type: ignore[operator]
    assert info.value.code == code
