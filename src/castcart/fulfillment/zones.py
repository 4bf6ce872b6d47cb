"""A warehouse's time zone when the merchant gave none: certain for one-zone countries,
derived from the warehouse's city, its subdivision or a city in its name for the others, and
refused (with the choices) rather than guessed. CLDR lists a country's zones in no useful order:
Indonesia's first is Asia/Jayapura (UTC+9), which put a Jakarta 14:00 cut-off at 12:00.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global

from castcart.fulfillment.errors import FulfillmentError

# Countries whose legal time is one zone although the tz database lists others.
_OFFICIAL = {"CN": "Asia/Shanghai", "MY": "Asia/Kuala_Lumpur"}

# ISO 3166-2 subdivisions (the part after the dash) of multi-zone countries.
_WIB, _WITA, _WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
_BY_SUBDIVISION: dict[str, dict[str, str]] = {
    "ID": {
        **dict.fromkeys(
            [
                "AC",
                "SU",
                "SB",
                "RI",
                "KR",
                "JA",
                "SS",
                "BB",
                "BE",
                "LA",
                "BT",
                "JK",
                "JB",
                "JT",
                "YO",
                "JI",
                "KB",
                "KT",
            ],
            _WIB,
        ),
        **dict.fromkeys(
            ["BA", "NB", "NT", "KS", "KI", "KU", "SN", "SR", "ST", "SG", "GO", "SA"], _WITA
        ),
        **dict.fromkeys(["MA", "MU", "PA", "PB", "PD", "PE", "PS", "PT"], _WIT),
    },
    "ES": {"CN": "Atlantic/Canary", "CE": "Africa/Ceuta", "ML": "Africa/Ceuta"},
    "PT": {"20": "Atlantic/Azores", "30": "Atlantic/Madeira"},
    "AU": {
        "NSW": "Australia/Sydney",
        "ACT": "Australia/Sydney",
        "VIC": "Australia/Melbourne",
        "QLD": "Australia/Brisbane",
        "SA": "Australia/Adelaide",
        "WA": "Australia/Perth",
        "TAS": "Australia/Hobart",
        "NT": "Australia/Darwin",
    },
}
# The rest of Spain and Portugal is on the mainland zone.
_SUBDIVISION_DEFAULT = {"ES": "Europe/Madrid", "PT": "Europe/Lisbon"}

# Big warehouse cities that are not a zone's own exemplar city.
_CITIES: dict[str, dict[str, str]] = {
    "ID": {
        **dict.fromkeys(
            [
                "Bandung",
                "Bekasi",
                "Bogor",
                "Cikarang",
                "Depok",
                "Medan",
                "Palembang",
                "Semarang",
                "Surabaya",
                "Tangerang",
                "Batam",
                "Yogyakarta",
                "Jogja",
                "Malang",
                "Pekanbaru",
            ],
            _WIB,
        ),
        **dict.fromkeys(
            ["Bali", "Denpasar", "Balikpapan", "Samarinda", "Manado", "Banjarmasin"], _WITA
        ),
        **dict.fromkeys(["Ambon", "Sorong", "Timika"], _WIT),
        # Warehouses are often named by their airport: Jakarta (CGK, HLP), Surabaya (SUB),
        # Medan (KNO), Batam (BTH); Bali (DPS), Makassar (UPG), Balikpapan (BPN); Jayapura (DJJ).
        **dict.fromkeys(["CGK", "HLP", "SUB", "KNO", "BTH"], _WIB),
        **dict.fromkeys(["DPS", "UPG", "BPN"], _WITA),
        "DJJ": _WIT,
    },
    "US": {
        "Seattle": "America/Los_Angeles",
        "San Francisco": "America/Los_Angeles",
        "Oakland": "America/Los_Angeles",
        "Reno": "America/Los_Angeles",
        "Dallas": "America/Chicago",
        "Houston": "America/Chicago",
        "Memphis": "America/Chicago",
        "Atlanta": "America/New_York",
        "Miami": "America/New_York",
        "Newark": "America/New_York",
        "Philadelphia": "America/New_York",
        "Boston": "America/New_York",
        "Columbus": "America/New_York",
        "Salt Lake City": "America/Denver",
    },
    "MX": {"Guadalajara": "America/Mexico_City", "Puebla": "America/Mexico_City"},
    "BR": {"Rio de Janeiro": "America/Sao_Paulo", "Curitiba": "America/Sao_Paulo"},
    "CA": {"Montreal": "America/Toronto", "Ottawa": "America/Toronto"},
    "AU": {"Canberra": "Australia/Sydney"},
    "ES": {"Las Palmas": "Atlantic/Canary", "Tenerife": "Atlantic/Canary"},
    "PT": {"Ponta Delgada": "Atlantic/Azores", "Funchal": "Atlantic/Madeira"},
}


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _offsets(zone: str) -> tuple[object, object]:
    """The zone's UTC offsets in January and July: zones that agree on both run one clock."""
    tz = ZoneInfo(zone)
    return tuple(  # type: ignore[return-value]
        datetime(2026, month, 15, 12, tzinfo=UTC).astimezone(tz).utcoffset() for month in (1, 7)
    )


@lru_cache(maxsize=256)
def country_zones(country: str) -> tuple[str, ...]:
    """The country's IANA zones from CLDR (a zone the installed tz database lacks is left out)."""
    out = []
    for zone in get_global("territory_zones").get(country.upper(), ()):
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            continue
        out.append(str(zone))
    return tuple(out)


def _clocks(zones: tuple[str, ...]) -> dict[tuple[object, object], list[str]]:
    clocks: dict[tuple[object, object], list[str]] = {}
    for zone in zones:
        clocks.setdefault(_offsets(zone), []).append(zone)
    return clocks


def _city_match(country: str, name: str, zones: tuple[str, ...]) -> str | None:
    """The zone whose city (its exemplar city or a listed one) appears in the name, when all
    matches agree on one clock."""
    text = f" {_fold(name)} "
    found: list[str] = []
    candidates = {zone.rsplit("/", 1)[-1].replace("_", " "): zone for zone in zones}
    candidates.update(_CITIES.get(country, {}))
    for city, zone in candidates.items():
        if re.search(rf"(?<![a-z]){re.escape(_fold(city))}(?![a-z])", text):
            found.append(zone)
    if found and len({_offsets(z) for z in found}) == 1:
        return found[0]
    return None


def derive_timezone(
    country: str, subdivision: str | None = None, name: str = "", city: str = ""
) -> str:
    """The warehouse's zone from its country, city, subdivision or name (in that order of
    trust); raises FulfillmentError("timezone_required") listing the choices when that is
    ambiguous."""
    code = country.upper()
    if code in _OFFICIAL:
        return _OFFICIAL[code]
    zones = country_zones(code)
    if not zones:
        return "UTC"
    clocks = _clocks(zones)
    if len(clocks) == 1:
        return zones[0]
    # The address's city is what the merchant typed as such: it wins over a guess from the
    # subdivision's default or the warehouse's display name.
    by_city = _city_match(code, city, zones) if city else None
    if by_city is not None:
        return by_city
    if subdivision:
        sub = subdivision.upper().removeprefix(f"{code}-")
        by_sub = _BY_SUBDIVISION.get(code, {})
        if sub in by_sub:
            return by_sub[sub]
        if code in _SUBDIVISION_DEFAULT:
            return _SUBDIVISION_DEFAULT[code]
    matched = _city_match(code, name, zones) if name else None
    if matched is not None:
        return matched
    choices = sorted(zones)
    raise FulfillmentError(
        "timezone_required",
        f"{code} has several time zones: give the warehouse's timezone (or a city or "
        "subdivision that decides it), one of " + ", ".join(choices),
        {"country": code, "choices": choices},
    )


__all__ = ["country_zones", "derive_timezone"]
