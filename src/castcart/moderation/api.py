"""Staff HTTP API for chat moderation. Every role on a store's staff (owner, host,
moderator) may moderate; shoppers' tokens are refused. Each call writes one
``moderation_actions`` row and publishes ``moderation.action`` after the commit; the rooms
apply it on every node (the same as the ``mod.*`` WebSocket messages)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from castcart.events import ModerationActionTaken
from castcart.moderation import service
from castcart.moderation.models import ModerationAction
from castcart.moderation.service import Actor
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["moderation"], responses=ERROR_RESPONSES)
ShowId = Annotated[str, Path(max_length=32)]
Reason = Annotated[str, Field(max_length=500)]


class FilterIn(BaseModel):
    term: str = Field(min_length=1, max_length=100)
    action: str = Field(default="block", pattern="^(block|mask)$")


class FilterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    term: str
    action: str
    created_by: str | None
    created_at: datetime


class ActionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    show_id: str | None
    actor_id: str | None
    actor_role: str
    action: str
    target_viewer_id: str | None
    message_id: str | None
    reason: str
    detail: dict[str, Any]
    created_at: datetime


class RestrictionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    show_id: str | None
    viewer_id: str
    kind: str
    until: datetime | None
    reason: str
    created_by: str | None
    created_at: datetime


class DeleteIn(BaseModel):
    message_id: str = Field(min_length=1, max_length=32)
    viewer_id: str | None = Field(default=None, max_length=32)  # the author, when known
    reason: Reason = ""


class MuteIn(BaseModel):
    viewer_id: str = Field(min_length=1, max_length=32)
    seconds: int = Field(ge=1, le=service.MAX_MUTE_S)
    reason: Reason = ""


class ViewerIn(BaseModel):
    viewer_id: str = Field(min_length=1, max_length=32)
    reason: Reason = ""


class SlowModeIn(BaseModel):
    seconds: int = Field(ge=0, le=service.MAX_SLOW_MODE_S)  # 0: off
    reason: Reason = ""


def _actor(staff: Staff) -> Actor:
    return Actor(staff.user_id, staff.role.value)


def _done(ctx: Ctx, event: ModerationActionTaken) -> ActionOut:
    with ctx.db.read() as session:
        return ActionOut.model_validate(session.get(ModerationAction, event.action_id))


@router.get("/moderation/filters", response_model=list[FilterOut])
def list_filters(ctx: Ctx, staff: Staff) -> list[FilterOut]:
    with ctx.db.read() as session:
        rows = service.list_filters(session, staff.store_id)
        return [FilterOut.model_validate(r) for r in rows]


@router.post("/moderation/filters", response_model=FilterOut, status_code=status.HTTP_201_CREATED)
def add_filter(ctx: Ctx, staff: Staff, data: FilterIn) -> FilterOut:
    """A word filter of the store's chat; ``mask`` stars the term out, ``block`` refuses
    the line."""
    with ctx.unit_of_work() as (session, outbox):
        row, event = service.add_filter(
            session, staff.store_id, data.term, data.action, _actor(staff)
        )
        outbox.append(event)
        out = FilterOut.model_validate(row)
    return out


@router.delete("/moderation/filters/{filter_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_filter(ctx: Ctx, staff: Staff, filter_id: Annotated[str, Path(max_length=32)]) -> None:
    with ctx.unit_of_work() as (session, outbox):
        outbox.append(service.remove_filter(session, staff.store_id, filter_id, _actor(staff)))


@router.get("/moderation/actions", response_model=list[ActionOut])
def list_actions(
    ctx: Ctx,
    staff: Staff,
    show_id: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: datetime | None = None,
) -> list[ActionOut]:
    """The append-only log, newest first (``before``: page back by ``created_at``)."""
    with ctx.db.read() as session:
        rows = service.list_actions(
            session, staff.store_id, show_id=show_id, limit=limit, before=before
        )
        return [ActionOut.model_validate(r) for r in rows]


@router.get("/moderation/restrictions", response_model=list[RestrictionOut])
def list_restrictions(ctx: Ctx, staff: Staff) -> list[RestrictionOut]:
    """Mutes and bans in force now."""
    with ctx.db.read() as session:
        rows = service.list_restrictions(session, staff.store_id)
        return [RestrictionOut.model_validate(r) for r in rows]


@router.post("/shows/{show_id}/moderation/delete", response_model=ActionOut)
def delete_message(ctx: Ctx, staff: Staff, show_id: ShowId, data: DeleteIn) -> ActionOut:
    with ctx.unit_of_work() as (session, outbox):
        event = service.delete_message(
            session,
            staff.store_id,
            show_id,
            data.message_id,
            _actor(staff),
            author_id=data.viewer_id,
            reason=data.reason,
        )
        outbox.append(event)
    return _done(ctx, event)


@router.post("/shows/{show_id}/moderation/mute", response_model=ActionOut)
def mute(ctx: Ctx, staff: Staff, show_id: ShowId, data: MuteIn) -> ActionOut:
    with ctx.unit_of_work() as (session, outbox):
        event = service.mute(
            session,
            staff.store_id,
            show_id,
            data.viewer_id,
            data.seconds,
            _actor(staff),
            data.reason,
        )
        outbox.append(event)
    return _done(ctx, event)


@router.post("/shows/{show_id}/moderation/unmute", response_model=ActionOut)
def unmute(ctx: Ctx, staff: Staff, show_id: ShowId, data: ViewerIn) -> ActionOut:
    with ctx.unit_of_work() as (session, outbox):
        event = service.unmute(
            session, staff.store_id, show_id, data.viewer_id, _actor(staff), data.reason
        )
        outbox.append(event)
    return _done(ctx, event)


@router.post("/shows/{show_id}/moderation/ban", response_model=ActionOut)
def ban(ctx: Ctx, staff: Staff, show_id: ShowId, data: ViewerIn) -> ActionOut:
    """Store-wide: the viewer's sockets close (4403) and new ones are refused."""
    with ctx.unit_of_work() as (session, outbox):
        event = service.ban(
            session, staff.store_id, data.viewer_id, _actor(staff), data.reason, show_id
        )
        outbox.append(event)
    return _done(ctx, event)


@router.post("/moderation/unban", response_model=ActionOut)
def unban(ctx: Ctx, staff: Staff, data: ViewerIn) -> ActionOut:
    with ctx.unit_of_work() as (session, outbox):
        event = service.unban(session, staff.store_id, data.viewer_id, _actor(staff), data.reason)
        outbox.append(event)
    return _done(ctx, event)


@router.put("/shows/{show_id}/moderation/slow-mode", response_model=ActionOut)
def slow_mode(ctx: Ctx, staff: Staff, show_id: ShowId, data: SlowModeIn) -> ActionOut:
    with ctx.unit_of_work() as (session, outbox):
        event = service.slow_mode(
            session, staff.store_id, show_id, data.seconds, _actor(staff), data.reason
        )
        outbox.append(event)
    return _done(ctx, event)
