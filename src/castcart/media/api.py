"""Video over HTTP: the host's stream endpoints, nginx-rtmp's publish callbacks, and the
HLS files themselves (``/media/shows/{show_id}/...``)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from castcart.accounts.service import StaffPrincipal
from castcart.core.errors import DomainError, NotFoundError, PermissionDeniedError
from castcart.media import playlists, service
from castcart.media.errors import MediaErrorCode
from castcart.media.state import StreamState
from castcart.media.supervisor import IngestSupervisor
from castcart.shows import service as shows
from castcart.shows.models import Show
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/shows", tags=["video"], responses=ERROR_RESPONSES)
callback_router = APIRouter(prefix="/api/v1/media/rtmp", tags=["video"], responses=ERROR_RESPONSES)
files_router = APIRouter(tags=["video"])

ShowId = Annotated[str, Path(max_length=32)]


class StreamOut(BaseModel):
    """What a host pastes into OBS (``ingest_url`` as Server, ``stream_key`` as Stream Key),
    the state of the ingest, and where viewers watch (null until a stream has started)."""

    ingest_url: str | None
    stream_key: str | None  # null for staff who may not run the show (moderators)
    state: StreamState
    hls_url: str | None


def _out(info: service.StreamInfo, staff: StaffPrincipal) -> StreamOut:
    """Ingest URL and key let anyone broadcast as the store: only who runs shows sees them."""
    runs = staff.can("shows.run")
    return StreamOut(
        ingest_url=info.ingest_url if runs else None,
        stream_key=info.stream_key if runs else None,
        state=info.state,
        hls_url=info.hls_url,
    )


def _supervisor(request: Request) -> IngestSupervisor | None:
    """The embedded ingest of this process (None: no background tasks here)."""
    return request.app.state.ctx.services.get(IngestSupervisor)  # type: ignore[no-any-return]


def _poke(request: Request) -> None:
    supervisor = _supervisor(request)
    if supervisor is not None:
        supervisor.poke()


def _rtmp_port(request: Request) -> int | None:
    """The embedded listener's port as bound (``CASTCART_MEDIA_RTMP_PORT=0``: any free one)."""
    supervisor = _supervisor(request)
    port = supervisor.rtmp_port if supervisor is not None else None
    return port if isinstance(port, int) else None


@router.get("/{show_id}/stream", response_model=StreamOut)
def get_stream(ctx: Ctx, staff: Staff, request: Request, show_id: ShowId) -> StreamOut:
    staff.require("shows.read")
    with ctx.db.read() as session:
        show = shows.get_show(session, staff.store_id, show_id)
        info = service.stream_info(session, ctx.settings, show, rtmp_port=_rtmp_port(request))
        return _out(info, staff)


def _change_stream(
    ctx: Ctx,
    staff: Staff,
    request: Request,
    show_id: str,
    permission: str,
    change: Callable[[Session, Show], object],
) -> StreamOut:
    """Apply one ingest change in a write transaction, then wake the supervisor."""
    staff.require(permission)
    with ctx.db.write() as session:
        show = shows.get_show(session, staff.store_id, show_id)
        change(session, show)
        info = service.stream_info(session, ctx.settings, show, rtmp_port=_rtmp_port(request))
    _poke(request)
    return _out(info, staff)


@router.post("/{show_id}/stream/open", response_model=StreamOut)
def open_stream(ctx: Ctx, staff: Staff, request: Request, show_id: ShowId) -> StreamOut:
    """Get the ingest ready for the encoder (embedded ingest: the shared RTMP listener
    accepts this show's key; an encoder may also just publish with it). Idempotent."""
    return _change_stream(
        ctx,
        staff,
        request,
        show_id,
        "shows.run",
        lambda session, show: service.open_ingest(session, ctx.settings, show),
    )


@router.post("/{show_id}/stream/close", response_model=StreamOut)
def close_stream(ctx: Ctx, staff: Staff, request: Request, show_id: ShowId) -> StreamOut:
    """Refuse this show's encoder from now on (refused while it publishes)."""
    return _change_stream(ctx, staff, request, show_id, "shows.run", service.close_ingest)


@router.post("/{show_id}/stream/rotate-key", response_model=StreamOut)
def rotate_stream_key(ctx: Ctx, staff: Staff, request: Request, show_id: ShowId) -> StreamOut:
    """A new stream key (a leaked one stops working); refused while an encoder publishes."""
    return _change_stream(ctx, staff, request, show_id, "shows.write", service.rotate_key)


# -- nginx-rtmp callbacks ------------------------------------------------------------------

Secret = Annotated[str, Query(max_length=200, description="media_callback_secret")]
FormText = Annotated[str, Form(max_length=256)]


def _check_secret(ctx: Ctx, secret: str) -> None:
    expected = ctx.settings.media_callback_secret.encode()
    if not expected or not secrets.compare_digest(secret.encode(), expected):
        raise PermissionDeniedError(
            "wrong callback secret", code=MediaErrorCode.BAD_CALLBACK_SECRET
        )


@callback_router.post(
    "/on_publish",
    status_code=status.HTTP_302_FOUND,
    responses={302: {"description": "accepted; Location renames the stream to the show id"}},
)
def on_publish(
    ctx: Ctx,
    secret: Secret,
    name: FormText,
    app: FormText = "",
    addr: FormText = "",
) -> Response:
    """nginx-rtmp ``on_publish``: ``name`` is the stream key. 302 accepts and renames the
    stream to the show id (``Location``), so paths and the play URL never carry the key;
    403 refuses an unknown key, an ended show, or a second encoder."""
    _check_secret(ctx, secret)
    with ctx.unit_of_work() as (session, outbox):
        show = shows.show_by_stream_key(session, name)
        if show is None:
            raise PermissionDeniedError(
                "unknown stream key", code=MediaErrorCode.UNKNOWN_STREAM_KEY
            )
        try:
            service.publish_started(
                session, ctx.settings, show, source="nginx", remote_addr=addr, outbox=outbox
            )
        except DomainError as exc:  # ended show, second encoder: nginx wants a 4xx
            raise PermissionDeniedError(exc.message, code=exc.code) from exc
        show_id = show.id
    return Response(status_code=status.HTTP_302_FOUND, headers={"Location": show_id})


@callback_router.post("/on_publish_done", status_code=status.HTTP_204_NO_CONTENT)
def on_publish_done(
    ctx: Ctx,
    secret: Secret,
    name: FormText,
    app: FormText = "",
    addr: FormText = "",
) -> Response:
    """nginx-rtmp ``on_publish_done``: the encoder left (``name``: the key it published
    with, or the show id after the rename). A live show becomes interrupted."""
    _check_secret(ctx, secret)
    with ctx.unit_of_work() as (session, outbox):
        show = shows.show_by_stream_key(session, name)
        show_id = show.id if show is not None else name
        if (
            not service.publish_stopped(
                session, ctx.settings, show_id, reason="disconnected", outbox=outbox
            )
            and show is None
        ):
            raise NotFoundError("no such stream", code=MediaErrorCode.UNKNOWN_STREAM)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@callback_router.post("/on_update", status_code=status.HTTP_204_NO_CONTENT)
def on_update(
    ctx: Ctx,
    secret: Secret,
    name: FormText,
    app: FormText = "",
    addr: FormText = "",
) -> Response:
    """nginx-rtmp ``on_update`` (every ``notify_update_timeout`` while publishing): 204 keeps
    the encoder; 403 makes nginx drop it (the show ended: the host's "end" cuts it off)."""
    _check_secret(ctx, secret)
    with ctx.db.write() as session:
        show = shows.show_by_stream_key(session, name)
        alive = service.heartbeat(session, show.id if show is not None else name)
    if not alive:
        raise PermissionDeniedError(
            "no live stream for this name", code=MediaErrorCode.STREAM_NOT_LIVE
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- HLS files -----------------------------------------------------------------------------


@files_router.head("/media/shows/{show_id}/{path:path}", include_in_schema=False)
@files_router.get(
    "/media/shows/{show_id}/{path:path}",
    response_class=FileResponse,
    responses={404: {"description": "no such file"}},
)
def media_file(ctx: Ctx, show_id: ShowId, path: str) -> Response:
    """A show's HLS: ``master.m3u8``, ``720p/index.m3u8``, ``480p/index.m3u8``, segments,
    captions. Public (the show is); the replay stays after the end."""
    found = playlists.resolve_media_file(ctx.settings.effective_media_dir, show_id, path)
    if found is None:
        raise NotFoundError("no such media file", code=MediaErrorCode.MEDIA_NOT_FOUND)
    headers = {"Access-Control-Allow-Origin": "*"}
    if playlists.is_growing(found):
        # ffmpeg rewrites playlists (and captions) while they are served: a streamed file
        # whose size changes after the stat breaks Content-Length (h11 "Too much data").
        # They are small, so read them whole once and serve that snapshot.
        try:
            body = found.read_bytes()
        except OSError as exc:
            raise NotFoundError("no such media file", code=MediaErrorCode.MEDIA_NOT_FOUND) from exc
        headers["Cache-Control"] = playlists.cache_control_for(found, body)
        return Response(body, media_type=playlists.content_type(found), headers=headers)
    headers["Cache-Control"] = playlists.cache_control(found)
    return FileResponse(found, media_type=playlists.content_type(found), headers=headers)
