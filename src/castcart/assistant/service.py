"""The assistant's database side: the store snapshot its knowledge base is built from, the
live values read at answer time, the FAQ and the hand-off queue, and the per-process cache
of knowledge bases (marked stale by catalog events, rebuilt on the next question)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.assistant.engine import (
    Answer,
    Engine,
    KnowledgeBase,
    LivePrice,
    Question,
    country_names_all,
)
from castcart.assistant.errors import AssistantErrorCode
from castcart.assistant.knowledge import (
    FaqFacts,
    LaneFacts,
    ProductFacts,
    StoreSnapshot,
    VariantFacts,
    build_docs,
)
from castcart.assistant.models import AssistantSettings, FaqEntry, HandOff
from castcart.assistant.retrieval import E5Embedder, Embedder, Index
from castcart.catalog.models import Product, StockLevel, Variant
from castcart.catalog.models import Warehouse as WarehouseRow
from castcart.commerce.pricing import PriceOptions, unit_price
from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.core.errors import ConflictError, UnprocessableError
from castcart.core.tenancy import get_owned
from castcart.fulfillment.models import ShippingLane
from castcart.fulfillment.promise import delivery_promise
from castcart.fulfillment.service import expand_destinations, to_lane, to_warehouse
from castcart.payment_methods import available_methods
from castcart.shows.models import FlashSale, Show
from castcart.shows.models import LivePrice as LivePriceRow

FAQ_TOPICS = ("returns", "warranty", "shipping", "payment", "sizing", "care", "general")


# --- snapshot ------------------------------------------------------------------------------------


def snapshot(session: Session, store_id: str) -> StoreSnapshot:
    store = session.get(Store, store_id)
    if store is None:
        raise UnprocessableError("store not found", code=AssistantErrorCode.STORE_NOT_FOUND)
    products = []
    rows = session.scalars(
        select(Product)
        .where(Product.store_id == store_id, Product.status == "active")
        .order_by(Product.handle)
    ).all()
    for row in rows:
        published = [t for t in row.translations if t.status == "published"]
        products.append(
            ProductFacts(
                id=row.id,
                handle=row.handle,
                titles={t.locale: t.title for t in published},
                descriptions={t.locale: t.description for t in published if t.description},
                attributes=dict(row.attributes or {}),
                variants=[
                    VariantFacts(v.id, v.sku, dict(v.options or {}), v.weight_grams)
                    for v in row.variants
                ],
            )
        )
    lanes = []
    for lane in session.scalars(
        select(ShippingLane)
        .where(ShippingLane.store_id == store_id, ShippingLane.active.is_(True))
        .order_by(ShippingLane.created_at, ShippingLane.id)
    ).all():
        warehouse = session.get(WarehouseRow, lane.warehouse_id)
        if warehouse is None:
            continue
        lanes.append(
            LaneFacts(
                id=lane.id,
                warehouse_code=warehouse.code,
                warehouse_name=warehouse.city or warehouse.name,
                warehouse_country=warehouse.country,
                carrier=lane.carrier,
                service=lane.service,
                destinations=list(lane.destinations),
                countries=frozenset(c for c, _ in expand_destinations(lane.destinations)),
                transit_days_min=lane.transit_days_min,
                transit_days_max=lane.transit_days_max,
                currency=lane.currency,
                flat_amount=lane.flat_amount,
                weight_bands=lane.weight_bands,
            )
        )
    faq = [
        FaqFacts(e.id, e.topic, e.product_id, dict(e.texts or {}))
        for e in session.scalars(
            select(FaqEntry).where(FaqEntry.store_id == store_id).order_by(FaqEntry.created_at)
        ).all()
    ]
    return StoreSnapshot(
        store_id=store.id,
        name=store.name,
        currency=store.currency,
        country=store.country,
        default_locale=store.default_locale.split("-")[0],
        products=products,
        lanes=lanes,
        faq=faq,
    )


def build_knowledge(snap: StoreSnapshot, embedder: Embedder) -> KnowledgeBase:
    countries = sorted({c for lane in snap.lanes for c in lane.countries})
    docs = build_docs(snap, country_names_all(countries))
    return KnowledgeBase(snap, docs, Index(docs, embedder))


# --- live values ---------------------------------------------------------------------------------


class DatabaseLiveData:
    """Price, stock, delivery dates and payment methods, read when the question is answered."""

    def __init__(
        self, session: Session, store_id: str, currency: str, show_id: str | None = None
    ) -> None:
        self.session = session
        self.store_id = store_id
        self.currency = currency
        self.show_id = show_id
        self.now = utcnow()

    def prices(self, variant_ids: Sequence[str]) -> Mapping[str, LivePrice]:
        if not variant_ids:
            return {}
        variants = self.session.scalars(
            select(Variant).where(Variant.id.in_(variant_ids), Variant.store_id == self.store_id)
        ).all()
        live: dict[str, int] = {}
        flash: dict[str, int] = {}
        show = self.session.get(Show, self.show_id) if self.show_id else None
        if show is not None and show.store_id == self.store_id:
            if show.status == "live":
                for row in self.session.scalars(
                    select(LivePriceRow).where(
                        LivePriceRow.show_id == show.id, LivePriceRow.variant_id.in_(variant_ids)
                    )
                ).all():
                    live[row.variant_id] = row.price_amount
            for sale in self.session.scalars(
                select(FlashSale).where(
                    FlashSale.show_id == show.id,
                    FlashSale.variant_id.in_(variant_ids),
                    FlashSale.starts_at <= self.now,
                    FlashSale.ends_at > self.now,
                    FlashSale.sold < FlashSale.quantity_cap,
                )
            ).all():
                flash[sale.variant_id] = sale.price_amount
        out = {}
        for v in variants:
            amount, kind = unit_price(PriceOptions(v.price_amount, live.get(v.id), flash.get(v.id)))
            out[v.id] = LivePrice(amount, v.price_amount, v.currency, kind)
        return out

    def stock(self, variant_ids: Sequence[str]) -> Mapping[str, int]:
        if not variant_ids:
            return {}
        rows = self.session.execute(
            select(StockLevel.variant_id, func.sum(StockLevel.quantity - StockLevel.reserved))
            .where(StockLevel.variant_id.in_(variant_ids), StockLevel.store_id == self.store_id)
            .group_by(StockLevel.variant_id)
        ).all()
        return {vid: int(total or 0) for vid, total in rows}

    def promise(self, lane_id: str, country: str) -> tuple[date, date] | None:
        lane = self.session.get(ShippingLane, lane_id)
        if lane is None or lane.store_id != self.store_id:
            return None
        warehouse = self.session.get(WarehouseRow, lane.warehouse_id)
        if warehouse is None:
            return None
        promised = delivery_promise(
            self.now.astimezone(UTC) if self.now.tzinfo else self.now.replace(tzinfo=UTC),
            to_warehouse(warehouse),
            to_lane(lane, warehouse, [country]),
            destination_country=country,
        )
        return promised.earliest_date, promised.latest_date

    def payment_methods(self, country: str, amount_minor: int, lang: str) -> list[str]:
        methods = available_methods(country, self.currency, max(amount_minor, 1))
        return [m.display_name(lang, country) for m in methods][:6]


# --- the per-process knowledge bases -------------------------------------------------------------


class Assistant:
    """Knowledge bases by store (built on first use, rebuilt after a change) and the engine.
    Thread-safe; one per application (a service on the app context)."""

    def __init__(
        self, db: Database, *, embedder: Embedder | None = None, engine: Engine | None = None
    ) -> None:
        self.db = db
        self.embedder = embedder or E5Embedder()
        self.engine = engine or Engine()
        self._kbs: dict[str, KnowledgeBase] = {}
        self._stale: set[str] = set()
        self._lock = threading.Lock()
        self.builds = 0

    def mark_stale(self, store_id: str) -> None:
        with self._lock:
            self._stale.add(store_id)

    def cached(self, store_id: str) -> KnowledgeBase | None:
        """The store's knowledge base if one is built (possibly a change behind)."""
        with self._lock:
            return self._kbs.get(store_id)

    def knowledge(self, store_id: str) -> KnowledgeBase:
        with self._lock:
            kb = self._kbs.get(store_id)
            if kb is not None and store_id not in self._stale:
                return kb
            self._stale.discard(store_id)
        with self.db.read() as session:
            snap = snapshot(session, store_id)
        kb = build_knowledge(snap, self.embedder)
        with self._lock:
            self._kbs[store_id] = kb
            self.builds += 1
        return kb

    def ask(self, store_id: str, question: Question) -> Answer:
        kb = self.knowledge(store_id)
        with self.db.read() as session:
            live = DatabaseLiveData(session, store_id, kb.snapshot.currency, question.show_id)
            return self.engine.answer(kb, question, live)


# --- settings, FAQ, hand-offs --------------------------------------------------------------------


def settings(session: Session, store_id: str) -> AssistantSettings:
    row = session.get(AssistantSettings, store_id)
    if row is None:
        row = AssistantSettings(store_id=store_id, enabled=True, answer_to_room=False)
    return row


def save_settings(
    session: Session, store_id: str, *, enabled: bool, answer_to_room: bool
) -> AssistantSettings:
    row = session.get(AssistantSettings, store_id)
    if row is None:
        row = AssistantSettings(store_id=store_id)
        session.add(row)
    row.enabled = enabled
    row.answer_to_room = answer_to_room
    session.flush()
    return row


def _clean_texts(texts: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for locale, text in texts.items():
        question = str(text.get("question", "")).strip()
        answer = str(text.get("answer", "")).strip()
        if not question or not answer:
            raise UnprocessableError(
                f"the {locale} entry needs a question and an answer",
                code=AssistantErrorCode.INVALID_FAQ,
            )
        out[locale.split("-")[0].lower()] = {"question": question, "answer": answer}
    if not out:
        raise UnprocessableError(
            "an FAQ entry needs at least one locale", code=AssistantErrorCode.INVALID_FAQ
        )
    return out


def list_faq(session: Session, store_id: str) -> Sequence[FaqEntry]:
    return session.scalars(
        select(FaqEntry).where(FaqEntry.store_id == store_id).order_by(FaqEntry.created_at)
    ).all()


def create_faq(
    session: Session,
    store_id: str,
    *,
    topic: str,
    texts: Mapping[str, Mapping[str, str]],
    product_id: str | None = None,
) -> FaqEntry:
    if topic not in FAQ_TOPICS:
        raise UnprocessableError(
            f"topic must be one of {', '.join(FAQ_TOPICS)}", code=AssistantErrorCode.INVALID_FAQ
        )
    if product_id is not None:
        get_owned(
            session,
            Product,
            product_id,
            store_id,
            message="product not found",
            code=AssistantErrorCode.PRODUCT_NOT_FOUND,
        )
    row = FaqEntry(store_id=store_id, topic=topic, texts=_clean_texts(texts), product_id=product_id)
    session.add(row)
    session.flush()
    return row


def get_faq(session: Session, store_id: str, faq_id: str) -> FaqEntry:
    return get_owned(
        session,
        FaqEntry,
        faq_id,
        store_id,
        message="FAQ entry not found",
        code=AssistantErrorCode.FAQ_NOT_FOUND,
    )


def update_faq(
    session: Session,
    store_id: str,
    faq_id: str,
    *,
    topic: str | None,
    texts: Mapping[str, Mapping[str, str]] | None,
) -> FaqEntry:
    row = get_faq(session, store_id, faq_id)
    if topic is not None:
        if topic not in FAQ_TOPICS:
            raise UnprocessableError(
                f"topic must be one of {', '.join(FAQ_TOPICS)}",
                code=AssistantErrorCode.INVALID_FAQ,
            )
        row.topic = topic
    if texts is not None:
        row.texts = _clean_texts(texts)
    session.flush()
    return row


def delete_faq(session: Session, store_id: str, faq_id: str) -> None:
    session.delete(get_faq(session, store_id, faq_id))
    session.flush()


def record_handoff(
    session: Session,
    store_id: str,
    *,
    show_id: str | None,
    viewer_id: str,
    viewer_name: str,
    lang: str,
    country: str | None,
    question: str,
    answer: Answer,
) -> HandOff:
    row = HandOff(
        store_id=store_id,
        show_id=show_id,
        product_id=answer.product_id,
        viewer_id=viewer_id,
        viewer_name=viewer_name[:120],
        lang=lang,
        country=country,
        question=question,
        reason=answer.reason or "low_confidence",
        draft=answer.draft,
        confidence=answer.confidence,
        status="open",
        answer="",
    )
    session.add(row)
    session.flush()
    return row


def list_handoffs(
    session: Session, store_id: str, *, show_id: str | None = None, status: str | None = "open"
) -> Sequence[HandOff]:
    query = select(HandOff).where(HandOff.store_id == store_id)
    if show_id is not None:
        query = query.where(HandOff.show_id == show_id)
    if status is not None:
        query = query.where(HandOff.status == status)
    return session.scalars(query.order_by(HandOff.created_at.desc()).limit(200)).all()


def close_handoff(
    session: Session, store_id: str, handoff_id: str, *, answer: str | None, actor_id: str
) -> HandOff:
    row = get_owned(
        session,
        HandOff,
        handoff_id,
        store_id,
        message="question not found",
        code=AssistantErrorCode.HANDOFF_NOT_FOUND,
    )
    if row.status != "open":
        raise ConflictError(
            "this question was already handled", code=AssistantErrorCode.HANDOFF_CLOSED
        )
    row.status = "answered" if answer else "dismissed"
    row.answer = (answer or "").strip()
    row.answered_by = actor_id
    row.answered_at = datetime.now(UTC)
    session.flush()
    return row


def as_question_dict(row: HandOff) -> dict[str, Any]:
    return {
        "id": row.id,
        "show_id": row.show_id,
        "product_id": row.product_id,
        "viewer_id": row.viewer_id,
        "viewer_name": row.viewer_name,
        "lang": row.lang,
        "country": row.country,
        "question": row.question,
        "reason": row.reason,
        "draft": row.draft,
        "confidence": row.confidence,
        "status": row.status,
        "answer": row.answer,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }
