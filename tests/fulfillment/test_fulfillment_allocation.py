"""Allocation: one parcel from the fastest warehouse when possible, else the fewest parcels."""

from __future__ import annotations

import pytest

from castcart.fulfillment import FlatRate, FulfillmentError, Lane, Shipment, allocate


def lane(origin: str, dests: set[str], tmin: int, tmax: int, customs: bool = False) -> Lane:
    return Lane(origin, dests, "carrier", tmin, tmax, FlatRate(500, "EUR"), customs=customs)


LANES = [
    lane("BER", {"DE", "AT"}, 1, 2),
    lane("AMS", {"DE", "NL", "BE"}, 2, 3),
    lane("AMS", {"DE"}, 4, 6),  # a slower economy service on the same route: never chosen
    lane("WAW", {"DE", "PL"}, 3, 5),
    lane("SIN", {"SG", "MY", "DE"}, 5, 9, customs=True),
]


def summary(shipments: list[Shipment]) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    return [(s.warehouse_code, s.lines) for s in shipments]


def test_single_warehouse_on_fastest_lane() -> None:
    stock = {"AMS": {"A": 5, "B": 5}, "BER": {"A": 5, "B": 5}}
    shipments = allocate([("A", 1), ("B", 2)], stock, "DE", LANES)
    assert summary(shipments) == [("BER", (("A", 1), ("B", 2)))]
    assert shipments[0].lane.transit_days_max == 2


def test_fastest_lane_of_a_warehouse_is_used() -> None:
    shipments = allocate([("A", 1)], {"AMS": {"A": 1}}, "DE", LANES)
    assert (shipments[0].lane.transit_days_min, shipments[0].lane.transit_days_max) == (2, 3)


def test_single_slower_warehouse_beats_a_split() -> None:
    # BER (fastest) lacks B; AMS has everything: one parcel from AMS.
    stock = {"BER": {"A": 5}, "AMS": {"A": 5, "B": 5}}
    assert summary(allocate([("A", 1), ("B", 1)], stock, "DE", LANES)) == [
        ("AMS", (("A", 1), ("B", 1)))
    ]


def test_tie_on_speed_falls_to_warehouse_code() -> None:
    lanes = [lane("ZRH", {"AT"}, 1, 2), lane("BER", {"AT"}, 1, 2)]
    stock = {"ZRH": {"A": 1}, "BER": {"A": 1}}
    assert summary(allocate([("A", 1)], stock, "AT", lanes)) == [("BER", (("A", 1),))]


def test_split_when_no_warehouse_has_everything() -> None:
    stock = {"BER": {"A": 3}, "AMS": {"B": 3}}
    shipments = allocate([("A", 2), ("B", 1)], stock, "DE", LANES)
    assert summary(shipments) == [("BER", (("A", 2),)), ("AMS", (("B", 1),))]


def test_split_one_line_across_warehouses() -> None:
    stock = {"BER": {"A": 2}, "AMS": {"A": 5}}
    # Neither holds 6 alone ... AMS has 5, BER 2: fastest first takes 2, AMS the rest.
    shipments = allocate([("A", 6)], stock, "DE", LANES)
    assert summary(shipments) == [("BER", (("A", 2),)), ("AMS", (("A", 4),))]
    assert sum(s.units for s in shipments) == 6


def test_fewest_shipments_not_fastest_first() -> None:
    # Greedy-by-speed would ship A from BER, B from AMS, C from WAW (3 parcels);
    # BER + WAW covers everything in 2.
    stock = {"BER": {"A": 1}, "AMS": {"B": 1}, "WAW": {"B": 1, "C": 1}}
    shipments = allocate([("A", 1), ("B", 1), ("C", 1)], stock, "DE", LANES)
    assert summary(shipments) == [("BER", (("A", 1),)), ("WAW", (("B", 1), ("C", 1)))]


def test_among_equal_counts_the_slowest_parcel_decides() -> None:
    # {BER, AMS} and {BER, SIN} both make 2 parcels; AMS arrives sooner than SIN.
    stock = {"BER": {"A": 1}, "SIN": {"B": 1}, "AMS": {"B": 1}}
    assert summary(allocate([("A", 1), ("B", 1)], stock, "DE", LANES)) == [
        ("BER", (("A", 1),)),
        ("AMS", (("B", 1),)),
    ]


def test_deterministic_whatever_the_dict_order() -> None:
    stock = {"BER": {"A": 1}, "AMS": {"B": 1}, "WAW": {"B": 1, "C": 1}, "SIN": {"C": 1}}
    lines = [("A", 1), ("B", 1), ("C", 1)]
    forward = allocate(lines, stock, "DE", LANES)
    backward = allocate(lines, dict(reversed(list(stock.items()))), "DE", list(reversed(LANES)))
    assert summary(forward) == summary(backward)


def test_warehouse_without_lane_to_destination_is_ignored() -> None:
    # Only SIN and BER have stock; BER doesn't deliver to MY.
    stock = {"BER": {"A": 10}, "SIN": {"A": 1}}
    assert summary(allocate([("A", 1)], stock, "MY", LANES)) == [("SIN", (("A", 1),))]
    with pytest.raises(FulfillmentError) as info:
        allocate([("A", 2)], stock, "MY", LANES)
    assert info.value.code == "insufficient_stock"
    assert info.value.details["shortfall"] == {"A": 1}


def test_no_lane_to_destination() -> None:
    with pytest.raises(FulfillmentError) as info:
        allocate([("A", 1)], {"BER": {"A": 1}}, "BR", LANES)
    assert info.value.code == "no_lane"


def test_duplicate_lines_are_merged() -> None:
    shipments = allocate([("A", 1), ("B", 1), ("A", 2)], {"BER": {"A": 3, "B": 1}}, "de", LANES)
    assert summary(shipments) == [("BER", (("A", 3), ("B", 1)))]


def test_negative_stock_counts_as_none() -> None:
    stock = {"BER": {"A": -2}, "AMS": {"A": 1}}
    assert summary(allocate([("A", 1)], stock, "DE", LANES)) == [("AMS", (("A", 1),))]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "empty_order"),
        ([("A", 0)], "invalid_line"),
        ([("A", -1)], "invalid_line"),
        ([("A", 1.5)], "invalid_line"),
        ([("", 1)], "invalid_line"),
        ([("A",)], "invalid_line"),
    ],
)
def test_bad_lines(lines: list[tuple[object, ...]], code: str) -> None:
    with pytest.raises(FulfillmentError) as info:
        allocate(lines, {"BER": {"A": 1}}, "DE", LANES)  # type: ignore[arg-type]
    assert info.value.code == code


def test_bad_destination() -> None:
    with pytest.raises(FulfillmentError) as info:
        allocate([("A", 1)], {"BER": {"A": 1}}, "XX", LANES)
    assert info.value.code == "unknown_country"


def test_bad_stock_value() -> None:
    with pytest.raises(FulfillmentError) as info:
        allocate([("A", 1)], {"BER": {"A": "1"}}, "DE", LANES)  # type: ignore[dict-item]
    assert info.value.code == "invalid_stock"
