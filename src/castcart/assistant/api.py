"""The assistant's HTTP side: a shopper's question (the product card's Ask box, also over the
socket as ``assistant.ask``), the merchant's FAQ, the host's question queue and the
settings; ``install`` gives the rooms their assistant and keeps the knowledge bases current
from ``catalog.changed``."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from castcart.assistant import service
from castcart.assistant.engine import Answer, Question
from castcart.assistant.errors import AssistantErrorCode
from castcart.assistant.intent import strip_mention, wants
from castcart.assistant.models import FaqEntry, HandOff
from castcart.core.errors import NotFoundError, UnprocessableError
from castcart.events import CatalogChanged, DomainEvent
from castcart.realtime.chat import AssistantReply, ChatAssistance
from castcart.realtime.connection import Viewer
from castcart.realtime.hub import RealtimeHub
from castcart.shows.models import Show, ShowProduct
from castcart.web.context import AppContext
from castcart.web.deps import Ctx, CurrentShopper, Staff
from castcart.web.errors import ERROR_RESPONSES

KNOWLEDGE_EVENTS = (CatalogChanged.type,)

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant"], responses=ERROR_RESPONSES)
shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}/assistant", tags=["assistant"], responses=ERROR_RESPONSES
)
ObjectId = Annotated[str, Path(max_length=32)]
_LANG = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$"


# --- schemas -------------------------------------------------------------------------------------


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    product_id: str | None = Field(default=None, max_length=32)
    show_id: str | None = Field(default=None, max_length=32)
    lang: str | None = Field(default=None, pattern=_LANG)
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")


class SourceOut(BaseModel):
    kind: str
    label: str
    ref: str


class AnswerOut(BaseModel):
    status: str
    text: str
    lang: str
    sources: list[SourceOut]
    confidence: float
    reason: str
    product_id: str | None
    retrieved: list[str]
    handoff_id: str | None = None
    findings: list[dict[str, Any]] = []


class FaqText(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=4000)


class FaqIn(BaseModel):
    topic: str = Field(default="general", max_length=20)
    product_id: str | None = Field(default=None, max_length=32)
    texts: dict[Annotated[str, Field(pattern=_LANG)], FaqText] = Field(min_length=1)


class FaqPatch(BaseModel):
    topic: str | None = Field(default=None, max_length=20)
    texts: dict[Annotated[str, Field(pattern=_LANG)], FaqText] | None = None


class FaqOut(BaseModel):
    id: str
    topic: str
    product_id: str | None
    texts: dict[str, dict[str, str]]


class HandoffOut(BaseModel):
    id: str
    show_id: str | None
    product_id: str | None
    viewer_id: str
    viewer_name: str
    lang: str
    country: str | None
    question: str
    reason: str
    draft: str
    confidence: float
    status: str
    answer: str
    created_at: str | None


class HandoffAnswerIn(BaseModel):
    answer: str = Field(default="", max_length=2000)  # empty: dismiss


class SettingsIn(BaseModel):
    enabled: bool = True
    answer_to_room: bool = False


class SettingsOut(SettingsIn):
    pass


def _faq_out(row: FaqEntry) -> FaqOut:
    return FaqOut(id=row.id, topic=row.topic, product_id=row.product_id, texts=dict(row.texts))


def _handoff_out(row: HandOff) -> HandoffOut:
    return HandoffOut(**service.as_question_dict(row))


def _answer_out(answer: Answer, handoff_id: str | None) -> AnswerOut:
    data = answer.as_dict()
    data.pop("draft", None)
    return AnswerOut(**data, handoff_id=handoff_id)


# --- the app's assistant -------------------------------------------------------------------------


def assistant_of(ctx: AppContext) -> service.Assistant:
    return ctx.services.get_or_create(service.Assistant, lambda: service.Assistant(ctx.db))


def _show_context(
    ctx: AppContext, store_id: str, show_id: str | None
) -> tuple[str | None, tuple[str, ...]]:
    if show_id is None:
        return None, ()
    with ctx.db.read() as session:
        show = session.get(Show, show_id)
        if show is None or show.store_id != store_id:
            raise NotFoundError("show not found", code=AssistantErrorCode.SHOW_NOT_FOUND)
        showcase = tuple(
            session.scalars(
                select(ShowProduct.product_id)
                .where(ShowProduct.show_id == show_id)
                .order_by(ShowProduct.position)
            ).all()
        )
        return show.pinned_product_id, showcase


def answer_question(
    ctx: AppContext,
    store_id: str,
    *,
    text: str,
    lang: str,
    country: str | None,
    viewer_id: str,
    viewer_name: str,
    show_id: str | None,
    product_id: str | None,
    pinned_product_id: str | None = None,
) -> tuple[Answer, HandOff | None]:
    """Answer one question; a hand-off is written to the queue (with the draft)."""
    _mentioned, question_text = strip_mention(text)
    if not question_text:
        raise UnprocessableError("the question is empty", code=AssistantErrorCode.INVALID_QUESTION)
    pinned, showcase = _show_context(ctx, store_id, show_id)
    question = Question(
        text=question_text,
        lang=lang,
        country=country.upper() if country else None,
        product_id=product_id,
        pinned_product_id=pinned_product_id or pinned,
        showcase=showcase,
        show_id=show_id,
    )
    answer = assistant_of(ctx).ask(store_id, question)
    handoff = None
    if answer.handed_off:
        with ctx.unit_of_work() as (session, _):
            handoff = service.record_handoff(
                session,
                store_id,
                show_id=show_id,
                viewer_id=viewer_id,
                viewer_name=viewer_name,
                lang=answer.lang,
                country=question.country,
                question=question_text,
                answer=answer,
            )
            session.expunge(handoff)
    return answer, handoff


class RoomAssistant:
    """The rooms' ``ChatAssistant``: answers in the room's thread pool."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def wants(self, store_id: str, text: str) -> bool:
        kb = assistant_of(self.ctx).cached(store_id)
        return wants(text, (lambda toks: bool(kb.names.named(toks))) if kb else None)

    def reply(
        self,
        store_id: str,
        show_id: str,
        viewer: Viewer,
        text: str,
        *,
        product_id: str | None,
        pinned_product_id: str | None,
    ) -> AssistantReply | None:
        with self.ctx.db.read() as session:
            settings = service.settings(session, store_id)
            enabled, to_room = settings.enabled, settings.answer_to_room
        if not enabled:
            return None
        answer, handoff = answer_question(
            self.ctx,
            store_id,
            text=text,
            lang=viewer.lang or "en",
            country=viewer.country,
            viewer_id=viewer.id,
            viewer_name=viewer.display_name,
            show_id=show_id,
            product_id=product_id,
            pinned_product_id=pinned_product_id,
        )
        payload = _answer_out(answer, handoff.id if handoff else None).model_dump()
        payload["question"] = strip_mention(text)[1]
        return AssistantReply(
            answer=payload,
            to_room=to_room,
            handoff=service.as_question_dict(handoff) if handoff is not None else None,
        )


def install(app: FastAPI) -> None:
    ctx: AppContext = app.state.ctx
    ctx.services.provide(ChatAssistance, ChatAssistance(RoomAssistant(ctx)))

    def on_change(event: DomainEvent) -> None:
        existing = ctx.services.get(service.Assistant)
        if existing is not None:
            existing.mark_stale(event.store_id)

    for event_type in KNOWLEDGE_EVENTS:
        ctx.bus.subscribe(event_type, on_change)


def _tell_shopper(ctx: AppContext, row: HandOff, payload: dict[str, Any]) -> None:
    """A host's answer reaches the shopper's open sockets in that show."""
    registry = ctx.services.get(RealtimeHub)
    if registry is None or row.show_id is None:
        return
    hub = registry.get(row.show_id)
    if hub is None or hub.store_id != row.store_id:
        return

    def send() -> None:
        hub.tell(row.viewer_id, "assistant.answer", payload)

    if hub.loop is None or hub.loop.is_closed():
        return
    with contextlib.suppress(RuntimeError):
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is hub.loop:
            send()
        else:
            hub.loop.call_soon_threadsafe(send)


# --- shopper -------------------------------------------------------------------------------------


@shop_router.post("/ask", response_model=AnswerOut)
def ask(ctx: Ctx, shopper: CurrentShopper, data: AskIn) -> AnswerOut:
    """A shopper's question (the Ask box on a product card): the answer, grounded in the
    store's data, in the shopper's language with its sources; when unsure, it says so and
    the question waits for the host (``handoff_id``)."""
    answer, handoff = answer_question(
        ctx,
        shopper.store.id,
        text=data.question,
        lang=data.lang or shopper.locale or "en",
        country=data.country or shopper.country,
        viewer_id=shopper.shopper_id,
        viewer_name="",
        show_id=data.show_id,
        product_id=data.product_id,
    )
    out = _answer_out(answer, handoff.id if handoff else None)
    if handoff is not None and data.show_id:
        registry = ctx.services.get(RealtimeHub)
        hub = registry.get(data.show_id) if registry else None
        if hub is not None and hub.loop is not None and not hub.loop.is_closed():
            staff_payload = service.as_question_dict(handoff)
            with contextlib.suppress(RuntimeError):
                hub.loop.call_soon_threadsafe(hub.send_staff, "assistant.handoff", staff_payload)
    return out


# --- staff: FAQ ----------------------------------------------------------------------------------


def _changed(ctx: AppContext, store_id: str) -> CatalogChanged:
    return CatalogChanged(store_id=store_id, what="faq")


@router.get("/faq", response_model=list[FaqOut])
def list_faq(ctx: Ctx, staff: Staff) -> list[FaqOut]:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        return [_faq_out(r) for r in service.list_faq(session, staff.store_id)]


@router.post("/faq", response_model=FaqOut, status_code=status.HTTP_201_CREATED)
def create_faq(ctx: Ctx, staff: Staff, data: FaqIn) -> FaqOut:
    """A merchant-written answer (the return policy is the entry with topic ``returns``)."""
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, outbox):
        row = service.create_faq(
            session,
            staff.store_id,
            topic=data.topic,
            product_id=data.product_id,
            texts={k: v.model_dump() for k, v in data.texts.items()},
        )
        outbox.append(_changed(ctx, staff.store_id))
        return _faq_out(row)


@router.patch("/faq/{faq_id}", response_model=FaqOut)
def update_faq(ctx: Ctx, staff: Staff, faq_id: ObjectId, data: FaqPatch) -> FaqOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, outbox):
        row = service.update_faq(
            session,
            staff.store_id,
            faq_id,
            topic=data.topic,
            texts={k: v.model_dump() for k, v in data.texts.items()} if data.texts else None,
        )
        outbox.append(_changed(ctx, staff.store_id))
        return _faq_out(row)


@router.delete("/faq/{faq_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_faq(ctx: Ctx, staff: Staff, faq_id: ObjectId) -> None:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, outbox):
        service.delete_faq(session, staff.store_id, faq_id)
        outbox.append(_changed(ctx, staff.store_id))


# --- staff: the question queue -------------------------------------------------------------------


@router.get("/handoffs", response_model=list[HandoffOut])
def list_handoffs(
    ctx: Ctx,
    staff: Staff,
    show_id: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[str, Query(pattern=r"^(open|answered|dismissed|all)$")] = "open",
) -> list[HandoffOut]:
    """Questions the assistant handed to the host, newest first, with its draft answer."""
    staff.require("shows.read")
    with ctx.db.read() as session:
        rows = service.list_handoffs(
            session, staff.store_id, show_id=show_id, status=None if state == "all" else state
        )
        return [_handoff_out(r) for r in rows]


@router.post("/handoffs/{handoff_id}/answer", response_model=HandoffOut)
def answer_handoff(
    ctx: Ctx, staff: Staff, handoff_id: ObjectId, data: HandoffAnswerIn
) -> HandoffOut:
    """The host's answer (sent to the shopper over the socket), or an empty one to dismiss."""
    staff.require("shows.read")
    with ctx.unit_of_work() as (session, _):
        row = service.close_handoff(
            session, staff.store_id, handoff_id, answer=data.answer, actor_id=staff.user_id
        )
        out = _handoff_out(row)
        session.expunge(row)
    if row.status == "answered":
        _tell_shopper(
            ctx,
            row,
            {
                "status": "answered",
                "text": row.answer,
                "lang": row.lang,
                "sources": [{"kind": "host", "label": "host", "ref": row.id}],
                "confidence": 1.0,
                "reason": "",
                "product_id": row.product_id,
                "retrieved": [],
                "handoff_id": row.id,
                "by_host": True,
                "question": row.question,
                "asker_id": row.viewer_id,
            },
        )
    return out


@router.get("/settings", response_model=SettingsOut)
def get_settings(ctx: Ctx, staff: Staff) -> SettingsOut:
    staff.require("shows.read")
    with ctx.db.read() as session:
        row = service.settings(session, staff.store_id)
        return SettingsOut(enabled=row.enabled, answer_to_room=row.answer_to_room)


@router.put("/settings", response_model=SettingsOut)
def put_settings(ctx: Ctx, staff: Staff, data: SettingsIn) -> SettingsOut:
    """Whether the assistant answers, and whether its answers go to the whole room."""
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, _):
        row = service.save_settings(
            session, staff.store_id, enabled=data.enabled, answer_to_room=data.answer_to_room
        )
        return SettingsOut(enabled=row.enabled, answer_to_room=row.answer_to_room)


def warm(ctx: AppContext) -> int:
    """Build the knowledge base of every store with a show live or due within a day."""
    import logging

    from castcart.core.clock import utcnow
    from castcart.shows.service import stores_with_shows_on_air_or_due

    with ctx.db.read() as session:
        store_ids = stores_with_shows_on_air_or_due(session, utcnow())
    assistant = assistant_of(ctx)
    built = 0
    for store_id in store_ids:
        try:
            assistant.knowledge(store_id)
            built += 1
        except Exception:  # a cold knowledge base costs the first asker a wait, not a start
            logging.getLogger(__name__).exception("warming the assistant of %s failed", store_id)
    return built
