"""A warehouse without a time zone: its country's only clock, or one derived from its
subdivision or city, never the first zone CLDR happens to list (Asia/Jayapura for Indonesia,
which moved a Jakarta 14:00 cut-off to 12:00 Jakarta time)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from castcart.fulfillment import FlatRate, Lane, WarehouseCalendar, delivery_promise
from castcart.fulfillment.errors import FulfillmentError
from castcart.fulfillment.zones import derive_timezone
from tests.helpers import Api


@pytest.mark.parametrize(
    ("country", "subdivision", "name", "zone"),
    [
        ("ID", None, "Jakarta", "Asia/Jakarta"),
        ("ID", None, "Gudang Surabaya", "Asia/Jakarta"),
        ("ID", None, "CGK", "Asia/Jakarta"),
        ("ID", None, "Makassar hub", "Asia/Makassar"),
        ("ID", "BA", "Main", "Asia/Makassar"),
        ("DE", None, "Main", "Europe/Berlin"),  # Büsingen runs the same clock
        ("JP", None, "", "Asia/Tokyo"),
        ("CN", None, "Shenzhen", "Asia/Shanghai"),
        ("ES", "CN", "Main", "Atlantic/Canary"),
        ("ES", "MD", "Main", "Europe/Madrid"),
        ("AU", "WA", "Main", "Australia/Perth"),
        ("US", None, "Los Angeles DC", "America/Los_Angeles"),
    ],
)
def test_derived_zones(country: str, subdivision: str | None, name: str, zone: str) -> None:
    assert derive_timezone(country, subdivision, name) == zone


def test_several_zones_and_no_clue_is_refused_with_the_choices() -> None:
    with pytest.raises(FulfillmentError) as caught:
        derive_timezone("ID", None, "Main")
    assert caught.value.code == "timezone_required"
    assert caught.value.details["choices"] == [
        "Asia/Jakarta",
        "Asia/Jayapura",
        "Asia/Makassar",
        "Asia/Pontianak",
    ]


def test_jakarta_cutoff_runs_on_jakarta_time() -> None:
    lane = Lane("CGK", ["ID"], "jne", 1, 2, FlatRate(900, "EUR"), customs=False)
    # Monday 2026-12-07 06:30 UTC is 13:30 in Jakarta (UTC+7): before the 14:00 cut-off.
    # On Asia/Jayapura (UTC+9) it would be 15:30 and the parcel would leave on Tuesday.
    order = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
    derived = WarehouseCalendar(
        "CGK", "ID", time(14, 0), derive_timezone("ID", None, "Jakarta"), holidays=()
    )
    assert delivery_promise(order, derived, lane).dispatch_date.day == 7
    jayapura = WarehouseCalendar("CGK", "ID", time(14, 0), "Asia/Jayapura", holidays=())
    assert delivery_promise(order, jayapura, lane).dispatch_date.day == 8


def _create(api: Api, store: dict[str, Any], expected: int, **body: Any) -> Any:
    return api.ok("POST", "/api/v1/warehouses", expected, headers=store["headers"], json=body)


def test_warehouse_api_requires_or_derives_the_zone(api: Api) -> None:
    store = api.store()
    refused = _create(api, store, 422, code="ID1", name="Main", country="ID")
    assert refused["code"] == "timezone_required"
    assert "Asia/Jakarta" in refused["details"]["choices"]
    assert "Asia/Jayapura" in refused["message"]
    jakarta = _create(api, store, 201, code="ID2", name="Jakarta", country="ID")
    assert jakarta["timezone"] == "Asia/Jakarta"  # stored, so the merchant sees it
    explicit = _create(
        api, store, 201, code="ID3", name="Main", country="ID", timezone="Asia/Makassar"
    )
    assert explicit["timezone"] == "Asia/Makassar"
    assert _create(api, store, 201, code="DE1", name="Main", country="DE")["timezone"] == (
        "Europe/Berlin"
    )


@pytest.mark.parametrize(
    ("country", "subdivision", "city", "zone"),
    [
        ("ID", None, "Surabaya", "Asia/Jakarta"),
        ("ID", None, "Denpasar", "Asia/Makassar"),
        ("ID", None, "Jakarta Selatan", "Asia/Jakarta"),
        ("US", None, "Denver", "America/Denver"),
        # Spain and Portugal have island zones: the city decides without a subdivision.
        ("ES", None, "Las Palmas de Gran Canaria", "Atlantic/Canary"),
        ("PT", None, "Funchal", "Atlantic/Madeira"),
        ("AU", None, "Perth", "Australia/Perth"),
    ],
)
def test_zone_from_the_city(country: str, subdivision: str | None, city: str, zone: str) -> None:
    assert derive_timezone(country, subdivision, "Main hub", city) == zone


def test_a_city_that_decides_nothing_still_needs_a_zone() -> None:
    with pytest.raises(FulfillmentError) as caught:
        derive_timezone("ID", None, "Main", "Springfield")
    assert caught.value.code == "timezone_required"


def test_warehouse_api_derives_the_zone_from_the_city(api: Api) -> None:
    store = api.store()
    bali = _create(api, store, 201, code="DPS", name="Gudang 2", country="ID", city="Denpasar")
    assert (bali["timezone"], bali["city"]) == ("Asia/Makassar", "Denpasar")
    refused = _create(api, store, 422, code="X1", name="Main", country="ID", city="Springfield")
    assert refused["code"] == "timezone_required"
    assert "city" in refused["message"]
    # A one-clock country needs neither.
    assert _create(api, store, 201, code="JP1", name="Main", country="JP")["timezone"] == (
        "Asia/Tokyo"
    )
