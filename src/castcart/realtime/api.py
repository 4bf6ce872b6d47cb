"""The WebSocket transport of the real-time channel; the logic lives in ``realtime/hub.py``.

``GET /api/v1/shop/{store_slug}/shows/{show_id}/live?token=...`` with a shopper or staff
token of that store. The socket is accepted first so that a refusal can carry a close code
the browser can read: 4401 (bad token), 4404 (unknown store or show).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, WebSocket
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketState

from castcart.accounts.models import Shopper, StaffUser
from castcart.accounts.service import get_store_by_slug, shopper_principal, staff_principal
from castcart.compliance import ComplianceInputError, check_text
from castcart.compliance.rules import resolve_language, resolve_market
from castcart.core.errors import AuthenticationError, NotFoundError
from castcart.realtime.hub import Close, Connection, HostChecker, RealtimeHub, ShowHub, Viewer
from castcart.shows.service import get_show
from castcart.web.context import AppContext

log = logging.getLogger(__name__)

router = APIRouter(tags=["realtime"])

CLOSE_UNAUTHORIZED = 4401
CLOSE_NOT_FOUND = 4404
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_CLOSE_TIMEOUT_S = 5.0


class _Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class _Admission:
    store_id: str
    show_id: str
    status: str
    pinned_product_id: str | None
    viewer: Viewer
    market: str
    lang: str


def host_speech_checker(market: str, lang: str) -> HostChecker | None:
    """Host chat checked against the store's home-market rules in the store's language
    (per-viewer markets and detected languages come with the multilingual work)."""
    try:
        resolve_market(market)
        language = resolve_language(lang)
    except ComplianceInputError:
        return None

    def check(text: str) -> list[dict[str, Any]]:
        return [f.as_dict() for f in check_text(text, market, language)]

    return check


def realtime_hub(app: FastAPI) -> RealtimeHub:
    """The app's hub registry, created on first use (on the loop serving the sockets)."""
    hub: RealtimeHub | None = getattr(app.state, "realtime", None)
    if hub is None:
        ctx: AppContext = app.state.ctx
        hub = RealtimeHub(ctx.bus)
        app.state.realtime = hub
    return hub


def _viewer(session: Session, store_id: str, token: str) -> Viewer:
    try:
        shopper = shopper_principal(session, token, store_id)
    except AuthenticationError:
        pass
    else:
        row = session.get(Shopper, shopper.shopper_id)
        name = (row.display_name if row else "") or "Guest"
        return Viewer(id=shopper.shopper_id, display_name=name, role="shopper")
    try:
        staff = staff_principal(session, token)
    except AuthenticationError:
        staff = None
    if staff is None or staff.store_id != store_id:
        raise _Refused(CLOSE_UNAUTHORIZED, "invalid or expired token")
    user = session.get(StaffUser, staff.user_id)
    name = (user.display_name if user else "") or staff.role.value.title()
    return Viewer(id=staff.user_id, display_name=name, role=staff.role.value)


def _admit(ctx: AppContext, store_slug: str, show_id: str, token: str) -> _Admission:
    if not _SLUG.match(store_slug):
        raise _Refused(CLOSE_NOT_FOUND, "store not found")
    with ctx.db.read() as session:
        try:
            store = get_store_by_slug(session, store_slug)
        except NotFoundError:
            raise _Refused(CLOSE_NOT_FOUND, "store not found") from None
        if not token:
            raise _Refused(CLOSE_UNAUTHORIZED, "a token is required")
        viewer = _viewer(session, store.id, token)
        try:
            show = get_show(session, store.id, show_id)
        except NotFoundError:
            raise _Refused(CLOSE_NOT_FOUND, "show not found") from None
        return _Admission(
            store.id,
            show.id,
            show.status,
            show.pinned_product_id,
            viewer,
            market=store.country,
            lang=store.default_locale.split("-")[0],
        )


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    if WebSocketState.DISCONNECTED in (websocket.application_state, websocket.client_state):
        return
    with contextlib.suppress(Exception):  # the peer may already be gone
        await asyncio.wait_for(websocket.close(code=code, reason=reason), _CLOSE_TIMEOUT_S)


async def _pump(websocket: WebSocket, conn: Connection) -> None:
    """Drain the connection's queue into the socket; close it when the hub says so."""
    while True:
        frame = await conn.next_frame()
        if isinstance(frame, Close):
            await _close(websocket, frame.code, frame.reason)
            return
        await websocket.send_text(frame)


async def _listen(websocket: WebSocket, hub: ShowHub, conn: Connection) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            hub.error(conn, "bad_message", "only text frames are accepted")
            continue
        hub.receive(conn, text)


def _int_or_none(value: str | None) -> int | None:
    if value is None or not value.isdigit():
        return None
    return int(value)


@router.websocket("/api/v1/shop/{store_slug}/shows/{show_id}/live")
async def live_channel(websocket: WebSocket, store_slug: str, show_id: str) -> None:
    """The live channel of a show (protocol: ``docs/realtime.md``)."""
    await websocket.accept()
    ctx: AppContext = websocket.app.state.ctx
    params = websocket.query_params
    try:
        admission = await run_in_threadpool(
            _admit, ctx, store_slug, show_id, params.get("token", "")
        )
    except _Refused as refused:
        await _close(websocket, refused.code, refused.reason)
        return
    hub = realtime_hub(websocket.app).show(
        admission.store_id,
        admission.show_id,
        status=admission.status,
        pinned_product_id=admission.pinned_product_id,
        host_checker=host_speech_checker(admission.market, admission.lang),
    )
    conn = hub.join(
        admission.viewer, last_seq=_int_or_none(params.get("last_seq")), epoch=params.get("epoch")
    )
    sender = asyncio.create_task(_pump(websocket, conn))
    listener = asyncio.create_task(_listen(websocket, hub, conn))
    try:
        await asyncio.wait({sender, listener}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hub.leave(conn)
        for task in (sender, listener):
            task.cancel()
        for task in (sender, listener):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if not conn.closed:
            await _close(websocket, 1000, "bye")
