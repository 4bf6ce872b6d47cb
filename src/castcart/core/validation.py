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
