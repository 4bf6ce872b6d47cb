"""Warehouses and lanes: allocation at checkout, shipping rates and delivery promises.

Pure logic (no web framework, no database); times in UTC in, dates in the warehouse's own
time zone out; money in integer minor units.
"""

from castcart.fulfillment.allocation import MAX_EXACT_SUBSETS, allocate, best_lane
from castcart.fulfillment.calendar import (
    BusinessCalendar,
    HolidaySource,
    calendar_for,
    holidays_package_available,
)
from castcart.fulfillment.errors import FulfillmentError
from castcart.fulfillment.promise import LOCAL_STOCK_HOURS, delivery_promise
from castcart.fulfillment.rates import shipping_rate
from castcart.fulfillment.values import (
    WEEKDAYS_MON_FRI,
    FlatRate,
    Lane,
    Promise,
    Rate,
    Shipment,
    WarehouseCalendar,
    WeightBand,
    WeightBandRate,
)

__all__ = [
    "LOCAL_STOCK_HOURS",
    "MAX_EXACT_SUBSETS",
    "WEEKDAYS_MON_FRI",
    "BusinessCalendar",
    "FlatRate",
    "FulfillmentError",
    "HolidaySource",
    "Lane",
    "Promise",
    "Rate",
    "Shipment",
    "WarehouseCalendar",
    "WeightBand",
    "WeightBandRate",
    "allocate",
    "best_lane",
    "calendar_for",
    "delivery_promise",
    "holidays_package_available",
    "shipping_rate",
]
