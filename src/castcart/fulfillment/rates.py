"""Shipping price of one parcel on one lane, in integer minor units (never float)."""

from __future__ import annotations

from castcart.fulfillment.errors import FulfillmentError
from castcart.fulfillment.values import FlatRate, Lane, Shipment, WeightBandRate
from castcart.money import Money


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def shipping_rate(shipment: Shipment, lane: Lane, weight_grams: int) -> Money:
    """Flat: the lane's price. By weight: the first band whose `max_grams` holds the parcel;
    above the top band, the top band's price plus `extra_per_kg_minor` per started kilogram,
    or FulfillmentError("overweight") when the lane states no extra."""
    if lane.origin != shipment.warehouse_code:
        raise FulfillmentError(
            "lane_mismatch",
            f"lane {lane.lane_id} does not start at warehouse {shipment.warehouse_code}",
        )
    if isinstance(weight_grams, bool) or not isinstance(weight_grams, int) or weight_grams < 0:
        raise FulfillmentError(
            "invalid_weight", f"weight must be a non-negative int of grams, got {weight_grams!r}"
        )
    rate = lane.rate
    if isinstance(rate, FlatRate):
        return Money(rate.amount_minor, rate.currency)
    assert isinstance(rate, WeightBandRate)  # noqa: S101  (Rate is a closed union)
    for band in rate.bands:
        if weight_grams <= band.max_grams:
            return Money(band.amount_minor, rate.currency)
    top = rate.bands[-1]
    if rate.extra_per_kg_minor is None:
        raise FulfillmentError(
            "overweight",
            f"{weight_grams} g is above the {top.max_grams} g limit of lane {lane.lane_id}",
            {"max_grams": top.max_grams},
        )
    extra_kg = _ceil_div(weight_grams - top.max_grams, 1000)
    return Money(top.amount_minor + extra_kg * rate.extra_per_kg_minor, rate.currency)
