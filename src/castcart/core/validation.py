"""Reusable input types: bounded timestamps (no year-1 or year-9999 overflow surprises)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from castcart.core.clock import as_utc


def _reasonable(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2200:
        raise ValueError("timestamp must be between the years 2000 and 2200")
    return as_utc(value)


Timestamp = Annotated[AwareDatetime, AfterValidator(_reasonable)]


def known_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code that names a country (``ZZ``, ``XX``: refused)."""
    import pycountry

    if len(code) != 2 or pycountry.countries.get(alpha_2=code.upper()) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 country code")
    return code.upper()


def known_locale(tag: str) -> str:
    """A BCP 47 tag whose language is ISO 639 and whose region, if any, is a real country
    (``de-DE``, ``pt-BR``, ``zh-Hant``, ``es-419``; ``xx-YY`` and ``en-ZZ`` are refused)."""
    import pycountry

    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    field = "alpha_2" if len(language) == 2 else "alpha_3"
    if pycountry.languages.get(**{field: language}) is None:
        raise ValueError(f"{tag!r}: {language!r} is not an ISO 639 language")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            known_country(part)  # raises for ZZ, YY
    return tag
