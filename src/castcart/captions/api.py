"""The internal endpoint a caption worker posts to when there is no Redis to publish on.

Not for browsers: authenticated by an HMAC of the app's secret key (see
``castcart.captions.publish``), so only a process holding ``CASTCART_SECRET_KEY`` can put
words in a show's captions. The app publishes the segments on its bus; the real-time hub
forwards them to viewers and the live compliance guard checks the final ones.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool

from castcart.captions.errors import CaptionsErrorCode
from castcart.captions.publish import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from castcart.core.errors import AuthenticationError, NotFoundError, UnprocessableError
from castcart.events.types import CaptionSegment
from castcart.shows.models import Show
from castcart.web.context import AppContext
from castcart.web.deps import Ctx
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/internal/captions", tags=["internal"], responses=ERROR_RESPONSES)

Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    segment_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    start_ms: int = Field(ge=0)
    end_ms: int = Field(ge=0)
    text: Annotated[str, StringConstraints(max_length=2000)]
    lang: Lang | None
    final: bool
    translations: dict[Lang, Annotated[str, StringConstraints(max_length=4000)]] = Field(
        default_factory=dict, max_length=20
    )


class SegmentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    segments: list[SegmentIn] = Field(min_length=1, max_length=50)


class AcceptedOut(BaseModel):
    accepted: int


@router.post("/{show_id}", response_model=AcceptedOut, include_in_schema=True)
async def post_captions(
    ctx: Ctx,
    request: Request,
    show_id: Annotated[str, Path(max_length=32)],
    signature: Annotated[str, Header(alias=SIGNATURE_HEADER)] = "",
    timestamp: Annotated[str, Header(alias=TIMESTAMP_HEADER)] = "",
) -> AcceptedOut:
    body = await request.body()
    if not verify(ctx.settings.secret_key, timestamp, body, signature, time.time()):
        raise AuthenticationError(
            "bad or stale caption signature", code=CaptionsErrorCode.BAD_SIGNATURE
        )
    try:
        data = SegmentsIn.model_validate_json(body)
    except ValidationError as exc:
        raise UnprocessableError(
            "invalid caption segments",
            code=CaptionsErrorCode.INVALID_SEGMENTS,
            details=exc.errors(),
        ) from None
    if any(s.end_ms < s.start_ms for s in data.segments):
        raise UnprocessableError(
            "a segment ends before it starts", code=CaptionsErrorCode.INVALID_SEGMENTS
        )
    # the database read and the bus (whose subscribers may block) stay off the event loop
    await run_in_threadpool(_publish, ctx, show_id, data)
    return AcceptedOut(accepted=len(data.segments))


def _publish(ctx: AppContext, show_id: str, data: SegmentsIn) -> None:
    # through the outbox: a segment accepted here (202) reaches the audit log even if this
    # process dies right after answering
    with ctx.unit_of_work() as (session, outbox):
        show = session.get(Show, show_id)
        if show is None:
            raise NotFoundError("show not found", code=CaptionsErrorCode.SHOW_NOT_FOUND)
        outbox.extend(
            CaptionSegment(store_id=show.store_id, show_id=show_id, **segment.model_dump())
            for segment in data.segments
        )
