"""The beacon's body (what ``sendBeacon`` posts from the shopper page and the widget)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from castcart.analytics.service import BEACON_KINDS

MAX_BEACON_EVENTS = 500
_ID = r"^[A-Za-z0-9_.:-]{1,64}$"


class BeaconSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    utm_source: str | None = Field(default=None, max_length=100)
    utm_medium: str | None = Field(default=None, max_length=100)
    utm_campaign: str | None = Field(default=None, max_length=100)
    referrer: str | None = Field(default=None, max_length=2000)
    widget_host: str | None = Field(default=None, max_length=200)
    share_code: str | None = Field(default=None, max_length=64)
    campaign: str | None = Field(default=None, max_length=64)


class BeaconEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=32)
    t: int | None = Field(default=None, ge=0)  # client epoch ms
    show_id: str | None = Field(default=None, pattern=_ID)
    product_id: str | None = Field(default=None, pattern=_ID)
    quantity: int | None = Field(default=None, ge=0, le=10_000)
    ms: int | None = Field(default=None, ge=0, le=86_400_000)  # rebuffer stall
    detail: str | None = Field(default=None, max_length=64)
    lang: str | None = Field(default=None, max_length=16)

    @field_validator("kind")
    @classmethod
    def _known(cls, kind: str) -> str:
        if kind not in BEACON_KINDS:
            raise ValueError(f"unknown beacon event kind {kind!r}")
        return kind


class BeaconIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session: str = Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")  # the page's random id
    token: str | None = Field(default=None, max_length=200)  # the shopper's session token
    show_id: str | None = Field(default=None, pattern=_ID)
    source: BeaconSource | None = None
    events: list[BeaconEvent] = Field(max_length=MAX_BEACON_EVENTS)
