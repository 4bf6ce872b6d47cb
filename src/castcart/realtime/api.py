"""The WebSocket transport of the real-time channel; the logic lives in ``realtime/hub.py``.

``GET /api/v1/shop/{store_slug}/shows/{show_id}/live?token=...&lang=..&country=..`` with a
shopper or staff token of that store. The socket is accepted first so that a refusal can
carry a close code the browser can read: 4401 (bad token), 4403 (banned), 4404 (unknown
store or show). Also here: the staff metrics endpoint and ``install``, which wires the
moderation routes, the metrics book and (with ``CASTCART_REDIS_URL``) the Redis cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request, WebSocket
from pydantic import BaseModel
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketState

from castcart.accounts.models import Shopper, StaffUser, Store
from castcart.accounts.service import (
    LIVE_TICKET_TTL,
    ShopperPrincipal,
    StaffPrincipal,
    issue_live_ticket,
    redeem_live_ticket,
    shopper_principal,
    staff_principal,
)
from castcart.core.errors import AuthenticationError, DomainError, NotFoundError
from castcart.moderation import service as moderation
from castcart.moderation.filters import WordFilterSet
from castcart.realtime.activity import RoomActivity
from castcart.realtime.caps import CLOSE_TOO_MANY, SocketCaps
from castcart.realtime.chat import ChatAssistance, ChatTranslation
from castcart.realtime.connection import Close, Connection, FrameSink, Viewer
from castcart.realtime.errors import RealtimeErrorCode
from castcart.realtime.hub import RealtimeHub, ShowHub
from castcart.realtime.metrics import (
    Counters,
    LiveFigures,
    LocalMetricsBook,
    MetricsBook,
    attach,
    figures,
)
from castcart.realtime.room_moderation import ModerationCommand, ModerationRefused
from castcart.shows.service import get_show
from castcart.web.context import AppContext
from castcart.web.deps import Credentials, Ctx, PublicStore, Staff, staff_token
from castcart.web.errors import ERROR_RESPONSES
from castcart.web.live_protocol import DIRECT_SEND

log = logging.getLogger(__name__)

router = APIRouter(tags=["realtime"])

CLOSE_UNAUTHORIZED = 4401
CLOSE_BANNED = 4403
CLOSE_NOT_FOUND = 4404
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
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
    status: str | None  # None: not read, the show's room was open on this node
    pinned_product_id: str | None
    viewer: Viewer
    market: str
    lang: str
    currency: str
    muted_until: float | None


class DatabaseModeration:
    """The hub's ``ModerationPort``: moderation persisted through ``castcart.moderation``,
    its event published after the commit."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def filters(self, store_id: str) -> WordFilterSet:
        with self.ctx.db.read() as session:
            return moderation.compiled_filters(session, store_id)

    def act(self, command: ModerationCommand) -> None:
        actor = (
            moderation.Actor(command.actor.id, command.actor.role)
            if command.actor is not None
            else moderation.Actor(None, moderation.SYSTEM)
        )
        store, show = command.store_id, command.show_id
        try:
            with self.ctx.unit_of_work() as (session, outbox):
                if command.action == "delete":
                    event = moderation.delete_message(
                        session,
                        store,
                        show,
                        command.message_id or "",
                        actor,
                        author_id=command.viewer_id,
                        reason=command.reason,
                    )
                elif command.action == "mute":
                    event = moderation.mute(
                        session,
                        store,
                        show,
                        command.viewer_id or "",
                        command.seconds or 0,
                        actor,
                        command.reason,
                    )
                elif command.action == "unmute":
                    event = moderation.unmute(
                        session, store, show, command.viewer_id or "", actor, command.reason
                    )
                elif command.action == "ban":
                    event = moderation.ban(
                        session, store, command.viewer_id or "", actor, command.reason, show
                    )
                elif command.action == "slow_mode":
                    event = moderation.slow_mode(
                        session, store, show, command.seconds or 0, actor, command.reason
                    )
                else:
                    raise ModerationRefused("unknown_type", f"unknown action {command.action}")
                outbox.append(event)
        except DomainError as exc:
            raise ModerationRefused(exc.code, exc.message) from exc


@dataclass(frozen=True)
class MetricsSubscription:
    """The app's metrics book and how to stop it counting (a service on the app context)."""

    book: MetricsBook
    detach: Callable[[], None]


def install(app: FastAPI) -> None:
    """Wire the real-time side into the app at creation: the metrics book counts commerce
    events from the start (before any socket opens) and the staff metrics routes."""
    ctx: AppContext = app.state.ctx
    book: MetricsBook
    if ctx.settings.redis_url:
        from castcart.realtime.cluster import RedisMetricsBook

        book = RedisMetricsBook(ctx.settings.redis_url)
    else:
        book = LocalMetricsBook()
    ctx.services.provide(MetricsSubscription, MetricsSubscription(book, attach(book, ctx.bus)))
    app.include_router(staff_router)


def shutdown(app: FastAPI) -> None:
    """On app shutdown (on the serving loop): close every room's sockets with 1001 and stop
    counting metrics."""
    ctx: AppContext = app.state.ctx
    hub = ctx.services.remove(RealtimeHub)
    if hub is not None:
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if hub.loop is None or hub.loop is current:
            hub.close()
        elif not hub.loop.is_closed():  # hub state belongs to the loop serving the sockets
            with contextlib.suppress(RuntimeError):
                hub.loop.call_soon_threadsafe(hub.close)
    subscription = ctx.services.remove(MetricsSubscription)
    if subscription is not None:
        subscription.detach()


def realtime_hub(app: FastAPI) -> RealtimeHub:
    """The app's hub registry, created on first use (on the loop serving the sockets).

    A chat translator comes from the app's ``ChatTranslation`` service (installed by
    ``lingua``) when there is one."""
    ctx: AppContext = app.state.ctx
    hub = ctx.services.get(RealtimeHub)
    if hub is None:
        translation = ctx.services.get(ChatTranslation)
        translator_for = translation.translator_for if translation is not None else None
        subscription = ctx.services.get(MetricsSubscription)
        book = subscription.book if subscription is not None else None
        assistance = ctx.services.get(ChatAssistance)
        cluster = None
        if ctx.settings.redis_url:
            from castcart.realtime.cluster import RedisCluster

            cluster = RedisCluster(ctx.settings.redis_url)
        hub = RealtimeHub(
            ctx.bus,
            translator_for=translator_for,
            moderation=DatabaseModeration(ctx),
            cluster=cluster,
            book=book or LocalMetricsBook(),
            assistant=assistance.assistant if assistance is not None else None,
            activity=ctx.services.get(RoomActivity),  # type: ignore[type-abstract]
        )
        ctx.services.provide(RealtimeHub, hub)
    return hub


def _lang(value: str | None) -> str | None:
    match = _LANG.match(value or "")
    return match.group(1).lower() if match else None


def _country(value: str | None) -> str | None:
    return value.upper() if value and _COUNTRY.match(value) else None


def _principal(
    session: Session, store_id: str, *, ticket: str, token: str, allow_token: bool
) -> StaffPrincipal | ShopperPrincipal:
    """Who is connecting: a single-use ticket (what the pages send), or, where the operator
    allows it (not in production), a bearer token in the URL for scripts and old clients."""
    if ticket:
        try:
            principal = redeem_live_ticket(session, ticket)
        except AuthenticationError:
            raise _Refused(CLOSE_UNAUTHORIZED, "invalid, expired or used ticket") from None
        if principal.store_id != store_id:
            raise _Refused(CLOSE_UNAUTHORIZED, "invalid, expired or used ticket")
        return principal
    if not token:
        raise _Refused(CLOSE_UNAUTHORIZED, "a ticket is required")
    if not allow_token:
        raise _Refused(CLOSE_UNAUTHORIZED, "tokens in the URL are refused; use a ticket")
    try:
        return shopper_principal(session, token, store_id)
    except AuthenticationError:
        pass
    try:
        staff = staff_principal(session, token)
    except AuthenticationError:
        staff = None
    if staff is None or staff.store_id != store_id:
        raise _Refused(CLOSE_UNAUTHORIZED, "invalid or expired token")
    return staff


# built once: building a select costs about as much as running it (thousands of connects)
_SHOPPER_FACTS = select(Shopper.display_name, Shopper.locale, Shopper.country).where(
    Shopper.id == bindparam("id")
)
_STORE_FACTS = select(Store.id, Store.country, Store.default_locale, Store.currency).where(
    Store.slug == bindparam("slug")
)


def _viewer(
    session: Session,
    principal: StaffPrincipal | ShopperPrincipal,
    lang: str | None,
    country: str | None,
) -> Viewer:
    if isinstance(principal, ShopperPrincipal):
        shopper = principal
        row = session.execute(_SHOPPER_FACTS, {"id": shopper.shopper_id}).first()
        name = (row.display_name if row else "") or "Guest"
        return Viewer(
            id=shopper.shopper_id,
            display_name=name,
            role="shopper",
            lang=lang or (_lang(row.locale) if row else None),
            country=country or (_country(row.country) if row else None),
        )
    staff = principal
    user = session.get(StaffUser, staff.user_id)
    name = (user.display_name if user else "") or staff.role.value.title()
    return Viewer(
        id=staff.user_id, display_name=name, role=staff.role.value, lang=lang, country=country
    )


@dataclass(frozen=True)
class _StoreFacts:
    id: str
    country: str
    default_locale: str
    currency: str


class StoreFactsCache:
    """A store's slug -> id, market and currency for a few seconds (a service on the app
    context): when a show starts, thousands of sockets of the same store open at once, and
    each would read the same row. Only found stores are kept; called from worker threads
    (a dict read or write is atomic; two threads may both read the row, harmlessly)."""

    TTL_S = 10.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rows: dict[str, tuple[float, _StoreFacts]] = {}

    def get(self, session: Session, slug: str) -> _StoreFacts | None:
        now = self._clock()
        hit = self._rows.get(slug)
        if hit is not None and now - hit[0] < self.TTL_S:
            return hit[1]
        row = session.execute(_STORE_FACTS, {"slug": slug}).first()
        if row is None:
            self._rows.pop(slug, None)
            return None
        if len(self._rows) > 1024:
            self._rows.clear()  # bounded: a few live stores matter
        facts = _StoreFacts(row.id, row.country, row.default_locale, row.currency)
        self._rows[slug] = (now, facts)
        return facts


def _admit(
    ctx: AppContext,
    store_slug: str,
    show_id: str,
    *,
    ticket: str = "",
    token: str = "",
    lang: str | None = None,
    country: str | None = None,
    open_in: str | None = None,
) -> _Admission:
    """Who is connecting and whether they may. ``open_in``: the store of the show's room
    where this node has one open; the show's row is then not read (the room knows it)."""
    if not _SLUG.match(store_slug):
        raise _Refused(CLOSE_NOT_FOUND, "store not found")
    stores = ctx.services.get_or_create(StoreFactsCache, StoreFactsCache)
    # redeeming a ticket spends it: a write; a URL token is only read
    with ctx.db.write() if ticket else ctx.db.read() as session:
        store = stores.get(session, store_slug)
        if store is None:
            raise _Refused(CLOSE_NOT_FOUND, "store not found")
        principal = _principal(
            session,
            store.id,
            ticket=ticket,
            token=token,
            allow_token=ctx.settings.live_url_tokens_allowed,
        )
        viewer = _viewer(session, principal, _lang(lang), _country(country))
        status: str | None = None
        pinned: str | None = None
        if open_in != store.id:
            try:
                show = get_show(session, store.id, show_id)
            except NotFoundError:
                raise _Refused(CLOSE_NOT_FOUND, "show not found") from None
            show_id, status, pinned = show.id, show.status, show.pinned_product_id
        muted_until = None
        if not viewer.is_staff:
            limits = moderation.restrictions(session, store.id, show_id, viewer.id)
            if limits.banned:
                raise _Refused(CLOSE_BANNED, "banned")
            if limits.muted_until is not None:
                muted_until = limits.muted_until.timestamp()
        return _Admission(
            store.id,
            show_id,
            status,
            pinned,
            viewer,
            market=store.country,
            lang=store.default_locale.split("-")[0],
            currency=store.currency,
            muted_until=muted_until,
        )


def _show_facts(ctx: AppContext, store_id: str, show_id: str) -> tuple[str, str | None]:
    with ctx.db.read() as session:
        show = get_show(session, store_id, show_id)
        return show.status, show.pinned_product_id


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


class LiveTicketOut(BaseModel):
    ticket: str
    expires_in: int


def _ticket_holder(
    session: Session, store_id: str, request: Request, credentials: Credentials
) -> StaffPrincipal | ShopperPrincipal:
    if credentials is not None and credentials.credentials:
        try:
            return shopper_principal(session, credentials.credentials, store_id)
        except AuthenticationError:
            pass
    # a staff bearer token, or the console's session cookie (with its CSRF header)
    staff = staff_principal(session, staff_token(request, credentials))
    if staff.store_id != store_id:
        raise AuthenticationError(
            "a session of this store is required", code=RealtimeErrorCode.INVALID_TOKEN
        )
    return staff


@router.post(
    "/api/v1/shop/{store_slug}/live-tickets",
    response_model=LiveTicketOut,
    status_code=201,
    responses=ERROR_RESPONSES,
)
def live_ticket(
    ctx: Ctx, request: Request, store: PublicStore, credentials: Credentials
) -> LiveTicketOut:
    """A single-use ticket for opening a show's live channel (``?ticket=``), valid for a
    minute: the socket URL then carries nothing a log line could leak. Shoppers send their
    bearer token; staff a bearer token or the console's session cookie and CSRF header."""
    with ctx.unit_of_work() as (session, _):
        holder = _ticket_holder(session, store.id, request, credentials)
        ticket = issue_live_ticket(session, holder)
    return LiveTicketOut(ticket=ticket, expires_in=int(LIVE_TICKET_TTL.total_seconds()))


@router.websocket("/api/v1/shop/{store_slug}/shows/{show_id}/live")
async def live_channel(websocket: WebSocket, store_slug: str, show_id: str) -> None:
    """The live channel of a show (protocol: ``docs/realtime.md``)."""
    await websocket.accept()
    ctx: AppContext = websocket.app.state.ctx
    params = websocket.query_params
    room = realtime_hub(websocket.app).get(show_id)
    try:
        admission = await run_in_threadpool(
            _admit,
            ctx,
            store_slug,
            show_id,
            ticket=params.get("ticket", ""),
            token=params.get("token", ""),
            lang=params.get("lang"),
            country=params.get("country"),
            open_in=room.store_id if room is not None else None,
        )
    except _Refused as refused:
        await _close(websocket, refused.code, refused.reason)
        return
    caps = _socket_caps(websocket.app)
    address = websocket.client.host if websocket.client else "unknown"
    refusal = caps.admit(admission.viewer.id, address)
    if refusal is not None:
        await _close(websocket, CLOSE_TOO_MANY, refusal)
        return
    try:
        await _serve(websocket, admission, params)
    finally:
        caps.release(admission.viewer.id, address)


def _socket_caps(app: FastAPI) -> SocketCaps:
    settings = app.state.ctx.settings
    return app.state.ctx.services.get_or_create(  # type: ignore[no-any-return]
        SocketCaps,
        lambda: SocketCaps(settings.live_sockets_per_viewer, settings.live_sockets_per_address),
    )


async def _serve(websocket: WebSocket, admission: _Admission, params: Any) -> None:
    # Host lines are checked by the live compliance guard from ``chat.posted`` (bus), so
    # the hub's own inline checker stays off here.
    registry = realtime_hub(websocket.app)
    status, pinned = admission.status, admission.pinned_product_id
    if status is None and registry.get(admission.show_id) is None:
        # the room closed while the admission ran: the new one needs the show's state
        ctx: AppContext = websocket.app.state.ctx
        try:
            status, pinned = await run_in_threadpool(
                _show_facts, ctx, admission.store_id, admission.show_id
            )
        except NotFoundError:
            await _close(websocket, CLOSE_NOT_FOUND, "show not found")
            return
    try:
        hub = await registry.open(
            admission.store_id,
            admission.show_id,
            status=status or "scheduled",
            pinned_product_id=pinned,
            currency=admission.currency,
        )
    except Exception:  # the shared state (Redis) is out of reach: the client retries
        log.exception("could not open show %s", admission.show_id)
        await _close(websocket, 1011, "try again")
        return
    conn = hub.join(
        admission.viewer,
        last_seq=_int_or_none(params.get("last_seq")),
        epoch=params.get("epoch"),
        muted_until=admission.muted_until,
    )
    if conn.closed:  # banned while the admission ran
        await _close(websocket, CLOSE_BANNED, "banned")
        return
    sink = _direct_sink(websocket)
    if sink is not None:
        await _serve_direct(websocket, hub, conn, sink)
        return
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


def _direct_sink(websocket: WebSocket) -> FrameSink | None:
    """The socket's direct send path, where the server offers one (``web/live_protocol.py``;
    not under a test client, nor with permessage-deflate)."""
    extension = websocket.scope.get("extensions", {}).get(DIRECT_SEND)
    sink = extension.get("sink") if isinstance(extension, dict) else None
    return sink if sink is not None and hasattr(sink, "send_frame") else None


async def _serve_direct(
    websocket: WebSocket, hub: ShowHub, conn: Connection, sink: FrameSink
) -> None:
    """The room writes this socket's frames, and a close it decides (drop, ban, shutdown),
    itself (``Connection.attach``); this task only reads, until the close or the peer's."""
    conn.attach(sink)
    try:
        await _listen(websocket, hub, conn)
    finally:
        hub.leave(conn)
    if not conn.closed:
        await _close(websocket, 1000, "bye")


staff_router = APIRouter(prefix="/api/v1/shows", tags=["realtime"], responses=ERROR_RESPONSES)
ShowId = Annotated[str, Path(max_length=32)]


def _show_currency(ctx: AppContext, store_id: str, show_id: str) -> str:
    with ctx.db.read() as session:
        get_show(session, store_id, show_id)
        store = session.get(Store, store_id)
        return store.currency if store else ""


@staff_router.get("/{show_id}/metrics")
async def show_metrics(ctx: Ctx, staff: Staff, request: Request, show_id: ShowId) -> dict[str, Any]:
    """The host console's live figures (the same as the ``metrics`` frame)."""
    staff.require("shows.read")
    currency = await run_in_threadpool(_show_currency, ctx, staff.store_id, show_id)
    registry = ctx.services.get(RealtimeHub)
    hub = registry.get(show_id) if registry is not None else None
    if hub is not None and hub.store_id == staff.store_id and hub.channel is None:
        if hub.loop is asyncio.get_running_loop():
            return await hub.metrics()
        # another loop serves the sockets (e.g. a test client): ask that loop
        future = asyncio.run_coroutine_threadsafe(hub.metrics(), hub.loop)
        return await asyncio.wrap_future(future)
    subscription = ctx.services.get(MetricsSubscription)
    if subscription is None:
        return figures(LiveFigures(), Counters(), currency)
    book = subscription.book
    counters = await run_in_threadpool(book.counters, staff.store_id, show_id)
    live = await run_in_threadpool(book.live, staff.store_id, show_id)
    if live is None and hub is not None:
        live = hub.live_figures()
    return figures(live or LiveFigures(), counters, currency)
