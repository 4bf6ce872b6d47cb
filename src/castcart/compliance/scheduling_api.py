"""``POST /api/v1/shows/schedule-check``: cultural scheduling warnings before a show is set."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from castcart.compliance import scheduling
from castcart.web.deps import Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/shows", tags=["shows", "compliance"], responses=ERROR_RESPONSES)


class ScheduleCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    market: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
    starts_at: AwareDatetime
    duration_minutes: Annotated[int, Field(ge=1, le=720)] = 60
    suggestions: Annotated[int, Field(ge=0, le=10)] = 3


class WarningOut(BaseModel):
    kind: str
    name: str
    city: str | None
    starts_at: datetime
    ends_at: datetime
    severity: str
    message: str


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    local_start: str
    timezone: str
    reason: str


class ScheduleCheckOut(BaseModel):
    market: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    ok: bool
    # the market observes prayer times and the show's local day is in Ramadan: the show
    # may count down to iftar on the shopper page (``iftar_countdown``)
    observes_prayer_times: bool = False
    ramadan: bool = False
    warnings: list[WarningOut]
    suggested_slots: list[SlotOut]


@router.post("/schedule-check", response_model=ScheduleCheckOut)
def schedule_check(staff: Staff, data: ScheduleCheckIn) -> ScheduleCheckOut:
    """Prayer, Ramadan and holiday clashes in the market, and better slots that day."""
    staff.require("shows.read")
    duration = timedelta(minutes=data.duration_minutes)
    market = scheduling.market(data.market)
    warnings = scheduling.check_schedule(market.country, data.starts_at, duration)
    local_day = data.starts_at.astimezone(ZoneInfo(market.timezone)).date()
    slots = (
        scheduling.suggest_slots(market.country, local_day, duration, data.suggestions)
        if data.suggestions
        else []
    )
    return ScheduleCheckOut(
        market=market.country,
        timezone=market.timezone,
        starts_at=data.starts_at,
        ends_at=data.starts_at + duration,
        ok=not warnings,
        observes_prayer_times=market.observes_prayer_times,
        ramadan=scheduling.in_ramadan(market.country, data.starts_at),
        warnings=[WarningOut(**w.__dict__) for w in warnings],
        suggested_slots=[SlotOut(**s.__dict__) for s in slots],
    )
