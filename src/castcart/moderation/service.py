"""Moderation decisions, persisted: filters, mutes, bans, deletions, slow mode. Each one
writes a ``moderation_actions`` row and returns the ``moderation.action`` event to publish
after the commit (every node applies it to its rooms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from castcart.accounts.models import Shopper
from castcart.core.clock import utcnow
from castcart.core.errors import ConflictError, NotFoundError, UnprocessableError
from castcart.core.tenancy import get_owned
from castcart.events import ModerationActionTaken
from castcart.moderation.errors import ModerationErrorCode
from castcart.moderation.filters import ACTIONS, WordFilterSet, fold_term
from castcart.moderation.models import ChatRestriction, ChatWordFilter, ModerationAction
from castcart.shows.service import get_show

MAX_MUTE_S = 7 * 24 * 3600
MAX_SLOW_MODE_S = 3600
MAX_FILTERS = 1000
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member (id, role) or the system (flood protection)."""

    id: str | None
    role: str


@dataclass(frozen=True)
class Restrictions:
    banned: bool
    muted_until: datetime | None


def _record(
    session: Session,
    store_id: str,
    actor: Actor,
    action: str,
    *,
    show_id: str | None = None,
    target: str | None = None,
    message_id: str | None = None,
    reason: str = "",
    seconds: int | None = None,
    until: datetime | None = None,
    detail: dict[str, Any] | None = None,
) -> ModerationActionTaken:
    row = ModerationAction(
        store_id=store_id,
        show_id=show_id,
        actor_id=actor.id,
        actor_role=actor.role,
        action=action,
        target_viewer_id=target,
        message_id=message_id,
        reason=reason,
        detail={**(detail or {}), **({"seconds": seconds} if seconds is not None else {})},
    )
    session.add(row)
    session.flush()
    return ModerationActionTaken(
        store_id=store_id,
        action_id=row.id,
        show_id=show_id,
        action=action,
        actor_id=actor.id,
        actor_role=actor.role,
        target_viewer_id=target,
        message_id=message_id,
        seconds=seconds,
        until=until,
        reason=reason,
        detail=detail or {},
        occurred_at=row.created_at,
    )


def _shopper(session: Session, store_id: str, viewer_id: str) -> Shopper:
    return get_owned(
        session,
        Shopper,
        viewer_id,
        store_id,
        message="no such viewer in this store (staff cannot be muted or banned)",
        code=ModerationErrorCode.VIEWER_NOT_FOUND,
    )


# -- word filters ----------------------------------------------------------------------------


def list_filters(session: Session, store_id: str) -> list[ChatWordFilter]:
    return list(
        session.scalars(
            select(ChatWordFilter)
            .where(ChatWordFilter.store_id == store_id)
            .order_by(ChatWordFilter.created_at, ChatWordFilter.id)
        )
    )


def compiled_filters(session: Session, store_id: str) -> WordFilterSet:
    return WordFilterSet((f.term, f.action) for f in list_filters(session, store_id))


def add_filter(
    session: Session, store_id: str, term: str, action: str, actor: Actor
) -> tuple[ChatWordFilter, ModerationActionTaken]:
    term = " ".join(term.split())
    folded = fold_term(term)
    if not folded or len(term) > 100:
        raise UnprocessableError(
            "a filter term needs 1-100 characters with at least one letter or digit",
            code=ModerationErrorCode.INVALID_TERM,
        )
    if action not in ACTIONS:
        raise UnprocessableError(
            "action must be 'block' or 'mask'", code=ModerationErrorCode.INVALID_ACTION
        )
    exists = session.scalar(
        select(ChatWordFilter.id).where(
            ChatWordFilter.store_id == store_id, ChatWordFilter.folded == folded
        )
    )
    if exists is not None:
        raise ConflictError(
            "this store already filters that term",
            code=ModerationErrorCode.FILTER_EXISTS,
            details={"id": exists},
        )
    count = len(list_filters(session, store_id))
    if count >= MAX_FILTERS:
        raise UnprocessableError(
            f"at most {MAX_FILTERS} filters", code=ModerationErrorCode.TOO_MANY_FILTERS
        )
    row = ChatWordFilter(
        store_id=store_id, term=term, folded=folded, action=action, created_by=actor.id
    )
    session.add(row)
    session.flush()
    event = _record(
        session,
        store_id,
        actor,
        "filter.add",
        detail={"filter_id": row.id, "term": term, "filter_action": action},
    )
    return row, event


def remove_filter(
    session: Session, store_id: str, filter_id: str, actor: Actor
) -> ModerationActionTaken:
    row = get_owned(
        session,
        ChatWordFilter,
        filter_id,
        store_id,
        message="no such filter",
        code=ModerationErrorCode.FILTER_NOT_FOUND,
    )
    detail = {"filter_id": row.id, "term": row.term, "filter_action": row.action}
    session.delete(row)
    session.flush()
    return _record(session, store_id, actor, "filter.remove", detail=detail)


# -- actions on viewers and messages ---------------------------------------------------------


def mute(
    session: Session,
    store_id: str,
    show_id: str,
    viewer_id: str,
    seconds: int,
    actor: Actor,
    reason: str = "",
) -> ModerationActionTaken:
    get_show(session, store_id, show_id)
    _shopper(session, store_id, viewer_id)
    if not 1 <= seconds <= MAX_MUTE_S:
        raise UnprocessableError(
            f"a mute lasts 1 to {MAX_MUTE_S} seconds", code=ModerationErrorCode.INVALID_DURATION
        )
    until = utcnow() + timedelta(seconds=seconds)
    session.add(
        ChatRestriction(
            store_id=store_id,
            show_id=show_id,
            viewer_id=viewer_id,
            kind="mute",
            until=until,
            reason=reason,
            created_by=actor.id,
        )
    )
    return _record(
        session,
        store_id,
        actor,
        "mute",
        show_id=show_id,
        target=viewer_id,
        reason=reason,
        seconds=seconds,
        until=until,
    )


def _lift(session: Session, store_id: str, viewer_id: str, kind: str, show_id: str | None) -> int:
    now = utcnow()
    query = select(ChatRestriction).where(
        ChatRestriction.store_id == store_id,
        ChatRestriction.viewer_id == viewer_id,
        ChatRestriction.kind == kind,
        ChatRestriction.lifted_at.is_(None),
    )
    if show_id is not None:
        query = query.where(ChatRestriction.show_id == show_id)
    lifted = 0
    for row in session.scalars(query):
        row.lifted_at = now
        lifted += 1
    session.flush()
    return lifted


def unmute(
    session: Session, store_id: str, show_id: str, viewer_id: str, actor: Actor, reason: str = ""
) -> ModerationActionTaken:
    get_show(session, store_id, show_id)
    _shopper(session, store_id, viewer_id)
    _lift(session, store_id, viewer_id, "mute", show_id)
    return _record(
        session, store_id, actor, "unmute", show_id=show_id, target=viewer_id, reason=reason
    )


def ban(
    session: Session,
    store_id: str,
    viewer_id: str,
    actor: Actor,
    reason: str = "",
    show_id: str | None = None,
) -> ModerationActionTaken:
    """A ban is store-wide (every show, now and later) until lifted; ``show_id`` only says
    where it was decided."""
    if show_id is not None:
        get_show(session, store_id, show_id)
    _shopper(session, store_id, viewer_id)
    if not restrictions(session, store_id, None, viewer_id).banned:
        session.add(
            ChatRestriction(
                store_id=store_id,
                viewer_id=viewer_id,
                kind="ban",
                reason=reason,
                created_by=actor.id,
            )
        )
    return _record(
        session,
        store_id,
        actor,
        "ban",
        target=viewer_id,
        reason=reason,
        detail={"decided_in_show": show_id} if show_id else None,
    )


def unban(
    session: Session, store_id: str, viewer_id: str, actor: Actor, reason: str = ""
) -> ModerationActionTaken:
    _shopper(session, store_id, viewer_id)
    if not _lift(session, store_id, viewer_id, "ban", None):
        raise NotFoundError("this viewer is not banned", code=ModerationErrorCode.NOT_BANNED)
    return _record(session, store_id, actor, "unban", target=viewer_id, reason=reason)


def delete_message(
    session: Session,
    store_id: str,
    show_id: str,
    message_id: str,
    actor: Actor,
    *,
    author_id: str | None = None,
    reason: str = "",
) -> ModerationActionTaken:
    get_show(session, store_id, show_id)
    if not message_id or len(message_id) > 32:
        raise UnprocessableError(
            "message_id must be a chat message id", code=ModerationErrorCode.INVALID_MESSAGE
        )
    return _record(
        session,
        store_id,
        actor,
        "delete",
        show_id=show_id,
        target=author_id,
        message_id=message_id,
        reason=reason,
    )


def slow_mode(
    session: Session, store_id: str, show_id: str, seconds: int, actor: Actor, reason: str = ""
) -> ModerationActionTaken:
    """``seconds`` 0 switches slow mode off."""
    get_show(session, store_id, show_id)
    if not 0 <= seconds <= MAX_SLOW_MODE_S:
        raise UnprocessableError(
            f"slow mode takes 0 (off) to {MAX_SLOW_MODE_S} seconds",
            code=ModerationErrorCode.INVALID_DURATION,
        )
    return _record(
        session, store_id, actor, "slow_mode", show_id=show_id, reason=reason, seconds=seconds
    )


# -- reads -----------------------------------------------------------------------------------


# built once: every live socket asks on connect, and building a select costs about as much
# as running it
_RESTRICTIONS = select(ChatRestriction.kind, ChatRestriction.until, ChatRestriction.show_id).where(
    ChatRestriction.store_id == bindparam("store_id"),
    ChatRestriction.viewer_id == bindparam("viewer_id"),
    ChatRestriction.lifted_at.is_(None),
    or_(ChatRestriction.until.is_(None), ChatRestriction.until > bindparam("now")),
)


def restrictions(
    session: Session, store_id: str, show_id: str | None, viewer_id: str
) -> Restrictions:
    """Is the viewer banned from the store, and muted in this show until when?"""
    rows = session.execute(
        _RESTRICTIONS, {"store_id": store_id, "viewer_id": viewer_id, "now": utcnow()}
    ).all()
    banned = any(r.kind == "ban" for r in rows)
    mutes = [
        r.until
        for r in rows
        if r.kind == "mute" and r.until is not None and show_id and r.show_id == show_id
    ]
    return Restrictions(banned=banned, muted_until=max(mutes) if mutes else None)


def list_actions(
    session: Session,
    store_id: str,
    *,
    show_id: str | None = None,
    limit: int = 100,
    before: datetime | None = None,
) -> list[ModerationAction]:
    query = select(ModerationAction).where(ModerationAction.store_id == store_id)
    if show_id is not None:
        query = query.where(ModerationAction.show_id == show_id)
    if before is not None:
        query = query.where(ModerationAction.created_at < before)
    query = query.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
    return list(session.scalars(query.limit(limit)))


def list_restrictions(session: Session, store_id: str) -> list[ChatRestriction]:
    now = utcnow()
    return list(
        session.scalars(
            select(ChatRestriction)
            .where(
                ChatRestriction.store_id == store_id,
                ChatRestriction.lifted_at.is_(None),
                or_(ChatRestriction.until.is_(None), ChatRestriction.until > now),
            )
            .order_by(ChatRestriction.created_at.desc())
        )
    )
