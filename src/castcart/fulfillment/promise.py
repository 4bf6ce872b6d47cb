"""Delivery promise: dispatch day from the warehouse's cut-off in its own time zone, then
transit in carrier business days, skipping weekends and public holidays."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from castcart.fulfillment.calendar import BusinessCalendar, calendar_for
from castcart.fulfillment.errors import FulfillmentError
from castcart.fulfillment.values import Lane, Promise, WarehouseCalendar, normalise_country

LOCAL_STOCK_HOURS = 72


def _transit_calendar(
    warehouse: WarehouseCalendar,
    lane: Lane,
    destination: str | None,
    destination_holidays: Collection[date] | None,
) -> BusinessCalendar:
    weekdays = frozenset(lane.delivery_weekdays)
    if destination_holidays is not None:
        return calendar_for(weekdays, destination, None, frozenset(destination_holidays))
    if destination is None or destination == warehouse.country:
        # Domestic: the carrier observes the same public holidays as the warehouse.
        wh = warehouse.calendar()
        return calendar_for(weekdays, wh.country, wh.subdivision, wh.explicit_holidays)
    return calendar_for(weekdays, destination)


def delivery_promise(
    order_time_utc: datetime,
    warehouse: WarehouseCalendar,
    lane: Lane,
    *,
    destination_country: str | None = None,
    destination_holidays: Collection[date] | None = None,
) -> Promise:
    """When an order placed at `order_time_utc` (timezone-aware) arrives.

    - Dispatch: the order day if it is a warehouse business day and the local time is strictly
      before the cut-off, else the next warehouse business day.
    - Delivery: `transit_days_min/max` carrier business days after dispatch, on the lane's
      delivery weekdays minus the destination's public holidays (the warehouse's own holidays
      for a domestic lane; `destination_holidays` overrides).
    - `local_stock` ("arrives in <= 72 h"): the warehouse is in the destination country, or the
      lane needs no customs, and the end of the latest delivery day (warehouse time) is within
      72 hours of the order.
    `destination_country` defaults to the lane's only destination when it has just one.
    """
    if not isinstance(order_time_utc, datetime) or order_time_utc.utcoffset() is None:
        raise FulfillmentError("naive_datetime", "order_time_utc must be a timezone-aware datetime")
    if lane.origin != warehouse.code:
        raise FulfillmentError(
            "lane_mismatch", f"lane {lane.lane_id} does not start at warehouse {warehouse.code}"
        )
    destination: str | None
    if destination_country is not None:
        destination = normalise_country(destination_country)
        if not lane.serves(destination):
            raise FulfillmentError(
                "lane_mismatch", f"lane {lane.lane_id} does not deliver to {destination}"
            )
    else:
        only = sorted(lane.destinations)
        destination = only[0] if len(only) == 1 else None

    tz = warehouse.tz
    local = order_time_utc.astimezone(tz)
    order_day = local.date()
    shipping = warehouse.calendar()
    if shipping.is_business_day(order_day) and local.time() < warehouse.cutoff_local_time:
        dispatch = order_day
    else:
        dispatch = shipping.after(order_day)

    transit = _transit_calendar(warehouse, lane, destination, destination_holidays)
    earliest = transit.add(dispatch, lane.transit_days_min)
    latest = transit.add(dispatch, lane.transit_days_max)

    domestic_like = (
        destination == warehouse.country
        if destination is not None
        else frozenset(lane.destinations) == {warehouse.country}
    )
    local_like = domestic_like or not lane.customs
    end_of_latest = datetime.combine(latest + timedelta(days=1), time(0), tzinfo=tz)
    within = end_of_latest - order_time_utc <= timedelta(hours=LOCAL_STOCK_HOURS)

    return Promise(
        earliest_date=earliest,
        latest_date=latest,
        business_days_min=transit.count_between(order_day, earliest),
        business_days_max=transit.count_between(order_day, latest),
        local_stock=local_like and within,
        dispatch_date=dispatch,
    )
