"""The event catalogue. Each event has a dotted ``type`` name and a JSON-able payload so the
same objects can cross a Redis channel later without a second schema."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from castcart.core.clock import utcnow
from castcart.core.ids import new_id


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: ClassVar[str] = "event"
    # True: published through the transactional outbox (written with the change that caused
    # it, republished after a crash). False: published straight on the bus, lost if the
    # process dies first; the catalogue (castcart.events.catalogue) says why for each.
    durable: ClassVar[bool] = True
    id: str = Field(default_factory=new_id)
    store_id: str
    occurred_at: datetime = Field(default_factory=utcnow)

    def envelope(self) -> dict[str, object]:
        return {"type": self.type, **self.model_dump(mode="json")}


class _OrderEvent(DomainEvent):
    order_id: str
    show_id: str | None
    total_amount: int
    currency: str


class OrderCreated(_OrderEvent):
    type: ClassVar[str] = "order.created"
    item_count: int


class OrderPaid(_OrderEvent):
    type: ClassVar[str] = "order.paid"


class OrderCancelled(_OrderEvent):
    type: ClassVar[str] = "order.cancelled"
    reason: str


class OrderFulfilled(_OrderEvent):
    type: ClassVar[str] = "order.fulfilled"


class OrderRefunded(_OrderEvent):
    type: ClassVar[str] = "order.refunded"


class StockLow(DomainEvent):
    type: ClassVar[str] = "stock.low"
    variant_id: str
    sku: str
    available: int


class ShowBroadcast(DomainEvent):
    """A show event the real-time channel forwards as-is to everyone watching the show.

    Subclasses name their frame with ``frame_type``; the frame's payload is the event's own
    fields (``frame_payload``). New live features (polls, giveaways, captions, ...) define
    such an event here and publish it; the hub needs no change. Keep them in this module so
    that ``event_from_envelope`` knows them on every node."""

    frame_type: ClassVar[str] = ""
    # "all": a numbered broadcast (seq, backlog); "staff": sent to the show's staff
    # connections only (owner, host, moderator), carrying the current seq without taking one.
    audience: ClassVar[str] = "all"
    show_id: str

    def frame_payload(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude={"id", "store_id", "show_id"})


class _ShowStateChanged(ShowBroadcast):
    """A show moved to ``status``; viewers get a ``show.state`` frame saying so."""

    frame_type: ClassVar[str] = "show.state"
    status: ClassVar[str] = ""

    def frame_payload(self) -> dict[str, object]:
        return {"status": self.status, "at": self.occurred_at.isoformat()}


class ShowStarted(_ShowStateChanged):
    type: ClassVar[str] = "show.started"
    status: ClassVar[str] = "live"


class ShowEnded(_ShowStateChanged):
    type: ClassVar[str] = "show.ended"
    status: ClassVar[str] = "ended"


class ProductPinned(ShowBroadcast):
    type: ClassVar[str] = "product.pinned"
    frame_type: ClassVar[str] = "pin"
    product_id: str | None

    def frame_payload(self) -> dict[str, object]:
        return {"product_id": self.product_id}


class FlashSaleCreated(ShowBroadcast):
    type: ClassVar[str] = "flash_sale.created"
    frame_type: ClassVar[str] = "flash_sale"
    flash_sale_id: str
    variant_id: str
    price_amount: int
    quantity_cap: int
    starts_at: datetime
    ends_at: datetime

    def frame_payload(self) -> dict[str, object]:
        return {
            "flash_sale_id": self.flash_sale_id,
            "variant_id": self.variant_id,
            "price_amount": self.price_amount,
            "quantity_cap": self.quantity_cap,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }


class LivePriceLine(BaseModel):
    """One variant's live price in a `LivePricesChanged` event (the table row is
    `shows.models.LivePrice`)."""

    variant_id: str
    price_amount: int


class LivePricesChanged(ShowBroadcast):
    """The show's live prices were replaced (minor units of the store currency)."""

    type: ClassVar[str] = "show.live_prices"
    frame_type: ClassVar[str] = "live_prices"
    prices: list[LivePriceLine]
    currency: str
    actor_id: str | None = None


class ComplianceAlert(ShowBroadcast):
    """Findings on something the host said (a chat line or a caption segment), for staff."""

    type: ClassVar[str] = "compliance.alert"
    durable: ClassVar[bool] = False
    frame_type: ClassVar[str] = "compliance.alert"
    audience: ClassVar[str] = "staff"
    source: str  # "host_chat" | "caption"
    ref: str  # the chat message id or caption segment id
    text: str
    markets: list[str]
    findings: list[dict[str, object]]


class CaptionSegment(ShowBroadcast):
    """A caption of the host's speech (times from the stream start). ``final`` False: the
    recogniser may still revise it; a final segment with the same ``segment_id`` replaces
    it. ``translations`` holds the text in each store language that could be reached."""

    type: ClassVar[str] = "caption.segment"
    durable: ClassVar[bool] = False
    frame_type: ClassVar[str] = "caption"
    segment_id: str
    start_ms: int
    end_ms: int
    text: str
    lang: str | None
    final: bool
    translations: dict[str, str] = Field(default_factory=dict)


# -- live engagement (castcart.engagement): polls, giveaways, quizzes -----------------------


class PollOpened(ShowBroadcast):
    type: ClassVar[str] = "poll.opened"
    frame_type: ClassVar[str] = "poll.opened"
    poll_id: str
    question: str
    options: list[str]
    counts: list[int]
    total: int = 0


class PollResults(ShowBroadcast):
    """Current counts of an open poll, coalesced (at most one per poll per ~500 ms a node)."""

    type: ClassVar[str] = "poll.results"
    durable: ClassVar[bool] = False
    frame_type: ClassVar[str] = "poll.results"
    poll_id: str
    counts: list[int]
    total: int


class PollClosed(ShowBroadcast):
    type: ClassVar[str] = "poll.closed"
    frame_type: ClassVar[str] = "poll.closed"
    poll_id: str
    counts: list[int]
    total: int


class GiveawayOpened(ShowBroadcast):
    """``commitment`` = sha256(seed): the seed is fixed now, revealed at the draw."""

    type: ClassVar[str] = "giveaway.opened"
    frame_type: ClassVar[str] = "giveaway.opened"
    giveaway_id: str
    title: str
    prize: str
    winners_count: int
    commitment: str
    algorithm: str


class GiveawayWinner(BaseModel):
    ticket: str
    display_name: str


class GiveawayDrawn(ShowBroadcast):
    type: ClassVar[str] = "giveaway.drawn"
    frame_type: ClassVar[str] = "giveaway.drawn"
    giveaway_id: str
    winners: list[GiveawayWinner]
    seed: str
    commitment: str
    algorithm: str
    entrant_count: int


class QuizQuestion(ShowBroadcast):
    """A quiz question for viewers: never carries the correct answer."""

    type: ClassVar[str] = "quiz.question"
    frame_type: ClassVar[str] = "quiz.question"
    quiz_id: str
    question: str
    options: list[str]
    reward_percent_off: int


class QuizRevealed(ShowBroadcast):
    type: ClassVar[str] = "quiz.revealed"
    frame_type: ClassVar[str] = "quiz.revealed"
    quiz_id: str
    correct_index: int
    correct_count: int
    answer_count: int


# -- real-time chat, moderation, carts (castcart.realtime / castcart.moderation) ------------


class ChatPosted(DomainEvent):
    """A chat line was broadcast in a show (published for staff lines: owner, host,
    moderator; the audit log and the live compliance guard read it)."""

    type: ClassVar[str] = "chat.posted"
    durable: ClassVar[bool] = False
    show_id: str
    message_id: str
    author_id: str
    role: str
    text: str
    lang: str | None = None


class ModerationActionTaken(DomainEvent):
    """One row of ``moderation_actions``: every node applies it to its rooms (``show_id``
    None: store-wide, e.g. a ban or a word-filter change)."""

    type: ClassVar[str] = "moderation.action"
    action_id: str
    show_id: str | None
    action: str
    actor_id: str | None
    actor_role: str
    target_viewer_id: str | None = None
    message_id: str | None = None
    seconds: int | None = None
    until: datetime | None = None
    reason: str = ""
    detail: dict[str, object] = Field(default_factory=dict)


class CartItemAdded(DomainEvent):
    """A shopper put a variant in the cart (``show_id``: the show the cart is attached to)."""

    type: ClassVar[str] = "cart.item_added"
    shopper_id: str
    variant_id: str
    quantity: int
    show_id: str | None = None


# -- privacy (castcart.privacy) --------------------------------------------------------------


class ShopperErased(DomainEvent):
    """A shopper was erased (the person removed, the paperwork kept): domains that hold
    their data elsewhere (pending mails, ...) drop it on this."""

    type: ClassVar[str] = "shopper.erased"
    shopper_id: str


# -- video (castcart.media) -------------------------------------------------------------------


class ShowInterrupted(ShowBroadcast):
    """The video stream of a live show stopped unexpectedly; the show ends unless the encoder
    reconnects within ``grace_seconds``. Viewers get a ``show.state`` frame."""

    type: ClassVar[str] = "show.interrupted"
    frame_type: ClassVar[str] = "show.state"
    status: str = "interrupted"
    at: datetime
    grace_seconds: float


class ShowResumed(ShowBroadcast):
    """The encoder reconnected within the grace period: the show is live again."""

    type: ClassVar[str] = "show.resumed"
    frame_type: ClassVar[str] = "show.state"
    status: str = "live"
    at: datetime


class StreamStarted(ShowBroadcast):
    """A publisher's video reached HLS: players (re)load ``hls_url``."""

    type: ClassVar[str] = "stream.started"
    frame_type: ClassVar[str] = "stream"
    state: str = "publishing"
    hls_url: str
    session_id: str


def _all_event_classes(root: type[DomainEvent]) -> list[type[DomainEvent]]:
    found = []
    for cls in root.__subclasses__():
        found.append(cls)
        found.extend(_all_event_classes(cls))
    return found


def event_classes() -> list[type[DomainEvent]]:
    """Every concrete event class (one with its own ``type``), in definition order."""
    return [cls for cls in _all_event_classes(DomainEvent) if cls.type != DomainEvent.type]


def event_from_envelope(envelope: dict[str, object]) -> DomainEvent | None:
    """Rebuild a typed event from ``DomainEvent.envelope()`` (e.g. after crossing Redis).
    Unknown types give None: a newer node may publish events this one does not know yet."""
    by_type = {cls.type: cls for cls in _all_event_classes(DomainEvent)}
    cls = by_type.get(str(envelope.get("type", "")))
    if cls is None:
        return None
    payload = {k: v for k, v in envelope.items() if k not in {"type", "node"}}
    return cls.model_validate(payload)
