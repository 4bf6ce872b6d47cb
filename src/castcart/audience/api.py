"""HTTP API of the audience loop: a shopper books a reminder (e-mail or Web Push) and reads
a replay's timeline; staff set the replay retention, keep live prices on a replay, delete a
replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from castcart.audience import push, replay, service
from castcart.audience.errors import AudienceErrorCode
from castcart.core.clock import utcnow
from castcart.core.errors import UnprocessableError
from castcart.pages.i18n import SUPPORTED
from castcart.privacy.regimes import POLICY_VERSION
from castcart.shows import service as shows
from castcart.web.deps import Ctx, CurrentShopper, PublicStore, Staff
from castcart.web.errors import ERROR_RESPONSES

shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["audience"], responses=ERROR_RESPONSES
)
staff_router = APIRouter(prefix="/api/v1", tags=["audience"], responses=ERROR_RESPONSES)
ShowId = Annotated[str, Path(max_length=32)]


class ReminderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Literal["email", "push"]
    email: EmailStr | None = None
    subscription: dict[str, Any] | None = None  # PushSubscription.toJSON()
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"
    lang: Annotated[str, StringConstraints(max_length=8)] | None = None
    consent: bool = False  # the shopper ticked "send me reminders" (a marketing consent)
    # the privacy policy the shopper agreed to (default: the current one, as the banner's)
    policy_version: Annotated[
        str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    ] = POLICY_VERSION


class ReminderOut(BaseModel):
    id: str
    show_id: str
    channel: str
    time_zone: str
    lang: str
    created_at: datetime


@shop_router.post(
    "/shows/{show_id}/reminders",
    status_code=status.HTTP_201_CREATED,
    response_model=ReminderOut,
    responses={200: {"model": ReminderOut, "description": "Already booked"}},
)
def book_reminder(
    ctx: Ctx, shopper: CurrentShopper, show_id: ShowId, data: ReminderIn, response: Response
) -> ReminderOut:
    """ "Remind me": 24 h and 10 min before the show and when it goes live. Needs the
    shopper's marketing consent: ``consent: true`` records it (privacy consent records),
    else an existing grant is required (422 ``consent_required``). 409 for a show that
    already started or ended."""
    if data.channel == "push" and push.public_key(ctx.settings) is None:
        raise UnprocessableError(
            "Web Push is not set up on this server", code=AudienceErrorCode.PUSH_NOT_CONFIGURED
        )
    lang = (data.lang or shopper.locale or "en").split("-")[0].lower()
    with ctx.unit_of_work() as (session, _):
        reminder, created = service.book_reminder(
            session,
            shopper.store.id,
            show_id,
            shopper.shopper_id,
            service.Booking(
                channel=data.channel,
                lang=lang if lang in SUPPORTED else "en",
                time_zone=data.time_zone,
                consent=data.consent,
                policy_version=data.policy_version,
                email=str(data.email) if data.email else None,
                subscription=data.subscription,
            ),
            now=utcnow(),
        )
        if not created:
            response.status_code = status.HTTP_200_OK
        return ReminderOut(
            id=reminder.id,
            show_id=reminder.show_id,
            channel=reminder.channel,
            time_zone=reminder.time_zone,
            lang=reminder.lang,
            created_at=reminder.created_at,
        )


class PushKeyOut(BaseModel):
    public_key: str | None  # VAPID applicationServerKey (base64url); null: no Web Push


@shop_router.get("/push-key", response_model=PushKeyOut)
def push_key(ctx: Ctx, store: PublicStore) -> PushKeyOut:
    return PushKeyOut(public_key=push.public_key(ctx.settings))


class ChapterOut(BaseModel):
    offset: float
    kind: str
    label: str
    product_id: str | None
    variant_id: str | None


class CaptionTrackOut(BaseModel):
    lang: str
    url: str


class ReplayOut(BaseModel):
    show_id: str
    title: str
    hls_url: str
    duration: float
    chapters: list[ChapterOut]
    product_track: list[tuple[float, str | None]]
    captions: list[CaptionTrackOut]
    keeps_live_prices: bool
    expires_at: datetime | None


def replay_out(info: replay.ReplayInfo) -> ReplayOut:
    return ReplayOut(
        show_id=info.show.id,
        title=info.show.title,
        hls_url=info.hls_url,
        duration=info.duration,
        chapters=[ChapterOut(**c.__dict__) for c in info.chapters],
        product_track=info.product_track,
        captions=[CaptionTrackOut(lang=c.lang, url=c.url) for c in info.captions],
        keeps_live_prices=info.show.replay_keeps_live_prices,
        expires_at=info.expires_at,
    )


@shop_router.get("/shows/{show_id}/replay", response_model=ReplayOut)
def get_replay(ctx: Ctx, store: PublicStore, show_id: ShowId, lang: str = "en") -> ReplayOut:
    """An ended show's recording with its product timeline (chapters: pins, flash sales,
    polls, giveaways at their position in the recording) and caption tracks."""
    with ctx.db.read() as session:
        show = shows.get_show(session, store.id, show_id)
        titles = replay.product_titles(session, show.id, lang[:8], store.default_locale)
        return replay_out(replay.replay_info(session, ctx.settings, show, titles, utcnow()))


class RetentionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(default=None, ge=1, le=3650)  # null: keep replays for good


class RetentionOut(BaseModel):
    days: int | None


@staff_router.get("/replays/retention", response_model=RetentionOut)
def get_retention(ctx: Ctx, staff: Staff) -> RetentionOut:
    staff.require("shows.read")
    with ctx.db.read() as session:
        return RetentionOut(days=replay.retention_days(session, staff.store_id))


@staff_router.put("/replays/retention", response_model=RetentionOut)
def put_retention(ctx: Ctx, staff: Staff, data: RetentionIn) -> RetentionOut:
    """How long replays are kept after their show ends; older ones are deleted (media
    included) by the retention sweep. Needs ``shows.write``."""
    staff.require("shows.write")
    with ctx.db.write() as session:
        replay.set_retention(session, staff.store_id, data.days, utcnow())
    return RetentionOut(days=data.days)


class ReplayPricesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep_live_prices: bool


@staff_router.put("/shows/{show_id}/replay/prices", response_model=ReplayPricesIn)
def put_replay_prices(
    ctx: Ctx, staff: Staff, show_id: ShowId, data: ReplayPricesIn
) -> ReplayPricesIn:
    """Keep the show's live prices on its replay (default: they end with the show)."""
    staff.require("shows.write")
    with ctx.db.write() as session:
        show = shows.get_show(session, staff.store_id, show_id)
        show.replay_keeps_live_prices = data.keep_live_prices
    return data


@staff_router.delete("/shows/{show_id}/replay", status_code=status.HTTP_204_NO_CONTENT)
def delete_replay(ctx: Ctx, staff: Staff, show_id: ShowId) -> Response:
    """Delete an ended show's replay and its media (HLS, captions); 409 before the end."""
    staff.require("shows.write")
    replay.delete_replay(
        ctx.db, ctx.settings, show_id, staff.store_id, reason="seller", now=utcnow()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
