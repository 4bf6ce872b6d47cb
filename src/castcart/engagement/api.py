"""Polls, giveaways and quizzes over HTTP: staff run them, shoppers take part.

Staff routes live under ``/api/v1/shows/{show_id}``; shopper routes under
``/api/v1/shop/{store_slug}/shows/{show_id}``. Who may run what: polls and giveaways any
staff role (owner, host, moderator: moderators often run the room's interaction); quizzes
``shows.run`` (owner, host), because revealing one mints discount coupons.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request, status
from sqlalchemy.orm import Session

from castcart.accounts.service import Role, StaffPrincipal, shopper_principal, staff_principal
from castcart.core.errors import AuthenticationError, PermissionDeniedError
from castcart.engagement import service
from castcart.engagement.live import PollResultsPublisher
from castcart.engagement.models import Giveaway, Poll, Quiz
from castcart.engagement.schemas import (
    AnswerIn,
    AnswerOut,
    EngagementOut,
    EntryOut,
    GiveawayIn,
    GiveawayOut,
    PollIn,
    PollOut,
    QuizIn,
    QuizOut,
    RewardOut,
    VerifyOut,
    VoteIn,
    VoteOut,
    WinnerOut,
)
from castcart.events import DomainEvent
from castcart.events.outbox import stage
from castcart.shows.service import get_show
from castcart.web.context import AppContext
from castcart.web.deps import Credentials, Ctx, CurrentShopper, PublicStore, Staff
from castcart.web.errors import ERROR_RESPONSES

ShowId = Annotated[str, Path(max_length=32)]
ItemId = Annotated[str, Path(max_length=32)]

ENGAGEMENT_ROLES = frozenset({Role.OWNER, Role.HOST, Role.MODERATOR})

router = APIRouter(prefix="/api/v1/shows", tags=["engagement"], responses=ERROR_RESPONSES)
shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}/shows", tags=["engagement"], responses=ERROR_RESPONSES
)


def results_publisher(request: Request) -> PollResultsPublisher:
    """The app's poll-results coalescer, made on first use."""
    return publisher_for(request.app)


def publisher_for(app: FastAPI) -> PollResultsPublisher:
    ctx: AppContext = app.state.ctx
    return ctx.services.get_or_create(
        PollResultsPublisher, lambda: PollResultsPublisher(ctx.db, ctx.bus)
    )


Publisher = Annotated[PollResultsPublisher, Depends(results_publisher)]


def shutdown(app: FastAPI) -> None:
    """Stop the app's results coalescer (pending results frames are dropped)."""
    ctx: AppContext = app.state.ctx
    publisher = ctx.services.remove(PollResultsPublisher)
    if publisher is not None:
        publisher.close()


def _require_engagement(staff: StaffPrincipal) -> None:
    if staff.role not in ENGAGEMENT_ROLES:
        raise PermissionDeniedError(
            f"role {staff.role.value!r} may not run polls or giveaways",
            details={"permission": "engagement.run"},
        )


def optional_shopper(ctx: Ctx, store: PublicStore, credentials: Credentials) -> str | None:
    """The shopper's id when a shopper token is sent; None without a token or with a staff
    token of this store (the host console sees the public view). Any other token is 401."""
    if credentials is None or not credentials.credentials:
        return None
    token = credentials.credentials
    with ctx.db.read() as session:
        try:
            return shopper_principal(session, token, store.id).shopper_id
        except AuthenticationError:
            try:
                staff = staff_principal(session, token)
            except AuthenticationError:
                staff = None
            if staff is None or staff.store_id != store.id:
                raise
            return None


OptionalShopper = Annotated[str | None, Depends(optional_shopper)]


# -- views ----------------------------------------------------------------------------------


def poll_out(session: Session, poll: Poll, shopper_id: str | None = None) -> PollOut:
    counts = service.poll_counts(session, poll)
    return PollOut(
        id=poll.id,
        show_id=poll.show_id,
        question=poll.question,
        options=poll.options,
        status=poll.status,
        counts=counts,
        total=sum(counts),
        opened_at=poll.opened_at,
        closed_at=poll.closed_at,
        my_vote=service.my_vote(session, poll.id, shopper_id) if shopper_id else None,
    )


def giveaway_out(
    session: Session, giveaway: Giveaway, shopper_id: str | None = None
) -> GiveawayOut:
    drawn = giveaway.status == "drawn"
    winners = service.giveaway_winners(session, giveaway)
    ticket = service.my_ticket(session, giveaway.id, shopper_id) if shopper_id else None
    return GiveawayOut(
        id=giveaway.id,
        show_id=giveaway.show_id,
        title=giveaway.title,
        prize=giveaway.prize,
        winners_count=giveaway.winners_count,
        algorithm=giveaway.algorithm,
        commitment=giveaway.commitment,
        status=giveaway.status,
        opened_at=giveaway.opened_at,
        drawn_at=giveaway.drawn_at,
        entrant_count=(
            giveaway.entrant_count
            if drawn and giveaway.entrant_count is not None
            else service.entry_count(session, giveaway.id)
        ),
        seed=giveaway.seed if drawn else None,
        winners=[WinnerOut(**w.model_dump()) for w in winners] if winners is not None else None,
        entered=(ticket is not None) if shopper_id else None,
        my_ticket=ticket,
    )


def quiz_out(
    session: Session, quiz: Quiz, *, staff: bool, shopper_id: str | None = None
) -> QuizOut:
    revealed = quiz.status == "revealed"
    if revealed:
        answers: int | None = quiz.answer_count
    else:
        answers = service.answer_count(session, quiz.id) if staff else None
    return QuizOut(
        id=quiz.id,
        show_id=quiz.show_id,
        question=quiz.question,
        options=quiz.options,
        reward_percent_off=quiz.reward_percent_off,
        reward_valid_hours=quiz.reward_valid_hours,
        status=quiz.status,
        opened_at=quiz.opened_at,
        revealed_at=quiz.revealed_at,
        correct_index=quiz.correct_index if staff or revealed else None,
        correct_count=quiz.correct_count if revealed else None,
        answer_count=answers,
        my_answer=service.my_answer(session, quiz.id, shopper_id) if shopper_id else None,
    )


# -- staff: polls ---------------------------------------------------------------------------


@router.post("/{show_id}/polls", status_code=status.HTTP_201_CREATED, response_model=PollOut)
def open_poll(ctx: Ctx, staff: Staff, show_id: ShowId, data: PollIn) -> PollOut:
    """Open a poll (2–6 options); one open poll per show at a time."""
    _require_engagement(staff)
    with ctx.unit_of_work() as (session, outbox):
        poll = service.open_poll(session, staff.store_id, show_id, data, staff.user_id, outbox)
        return poll_out(session, poll)


@router.get("/{show_id}/polls", response_model=list[PollOut])
def list_polls(ctx: Ctx, staff: Staff, show_id: ShowId) -> list[PollOut]:
    staff.require("shows.read")
    with ctx.db.read() as session:
        return [poll_out(session, p) for p in service.list_polls(session, staff.store_id, show_id)]


@router.post("/{show_id}/polls/{poll_id}/close", response_model=PollOut)
def close_poll(
    ctx: Ctx, staff: Staff, publisher: Publisher, show_id: ShowId, poll_id: ItemId
) -> PollOut:
    """Close the poll and publish ``poll.closed`` with the final counts. Idempotent."""
    _require_engagement(staff)
    events: list[DomainEvent] = []
    with ctx.db.write() as session:
        poll = service.close_poll(session, staff.store_id, show_id, poll_id, events)
        out = poll_out(session, poll)
        staged = stage(session, events)  # written with the close: a crash loses no close
    # published under the results lock (never a results frame after the close), then marked
    publisher.publish_close(poll_id, events)
    ctx.outbox.published(staged)
    return out


# -- staff: giveaways -----------------------------------------------------------------------


@router.post(
    "/{show_id}/giveaways", status_code=status.HTTP_201_CREATED, response_model=GiveawayOut
)
def open_giveaway(ctx: Ctx, staff: Staff, show_id: ShowId, data: GiveawayIn) -> GiveawayOut:
    """Open a giveaway: publishes the commitment sha256(seed); the seed stays secret."""
    _require_engagement(staff)
    with ctx.unit_of_work() as (session, outbox):
        giveaway = service.open_giveaway(
            session, staff.store_id, show_id, data, staff.user_id, outbox
        )
        return giveaway_out(session, giveaway)


@router.get("/{show_id}/giveaways", response_model=list[GiveawayOut])
def list_giveaways(ctx: Ctx, staff: Staff, show_id: ShowId) -> list[GiveawayOut]:
    staff.require("shows.read")
    with ctx.db.read() as session:
        rows = service.list_giveaways(session, staff.store_id, show_id)
        return [giveaway_out(session, g) for g in rows]


@router.post("/{show_id}/giveaways/{giveaway_id}/draw", response_model=GiveawayOut)
def draw_giveaway(ctx: Ctx, staff: Staff, show_id: ShowId, giveaway_id: ItemId) -> GiveawayOut:
    """Draw the winners and reveal the seed. A second draw returns the first result."""
    _require_engagement(staff)
    with ctx.unit_of_work() as (session, outbox):
        result = service.draw_giveaway(session, staff.store_id, show_id, giveaway_id, outbox)
        return giveaway_out(session, result.giveaway)


# -- staff: quizzes -------------------------------------------------------------------------


@router.post("/{show_id}/quizzes", status_code=status.HTTP_201_CREATED, response_model=QuizOut)
def open_quiz(ctx: Ctx, staff: Staff, show_id: ShowId, data: QuizIn) -> QuizOut:
    """Ask a question; the correct index stays hidden from shoppers until the reveal."""
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, outbox):
        quiz = service.open_quiz(session, staff.store_id, show_id, data, staff.user_id, outbox)
        return quiz_out(session, quiz, staff=True)


@router.get("/{show_id}/quizzes", response_model=list[QuizOut])
def list_quizzes(ctx: Ctx, staff: Staff, show_id: ShowId) -> list[QuizOut]:
    staff.require("shows.run")
    with ctx.db.read() as session:
        rows = service.list_quizzes(session, staff.store_id, show_id)
        return [quiz_out(session, q, staff=True) for q in rows]


@router.post("/{show_id}/quizzes/{quiz_id}/reveal", response_model=QuizOut)
def reveal_quiz(ctx: Ctx, staff: Staff, show_id: ShowId, quiz_id: ItemId) -> QuizOut:
    """Reveal the answer; every correct answerer gets a single-use coupon. Idempotent."""
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, outbox):
        quiz = service.reveal_quiz(session, staff.store_id, show_id, quiz_id, outbox)
        return quiz_out(session, quiz, staff=True)


# -- shoppers -------------------------------------------------------------------------------


@shop_router.get("/{show_id}/engagement", response_model=EngagementOut)
def engagement_now(
    ctx: Ctx, store: PublicStore, shopper_id: OptionalShopper, show_id: ShowId
) -> EngagementOut:
    """What is open now, for a page that loads mid-show: the poll with its current counts,
    the giveaway with its commitment (and whether you entered), the quiz question without
    its answer. Send the shopper token to get ``my_vote`` / ``entered`` / ``my_answer``."""
    with ctx.db.read() as session:
        show = get_show(session, store.id, show_id)
        poll = service.open_poll_of(session, show.id)
        giveaway = service.open_giveaway_of(session, show.id)
        quiz = service.open_quiz_of(session, show.id)
        return EngagementOut(
            show_id=show.id,
            show_status=show.status,
            poll=poll_out(session, poll, shopper_id) if poll else None,
            giveaway=giveaway_out(session, giveaway, shopper_id) if giveaway else None,
            quiz=quiz_out(session, quiz, staff=False, shopper_id=shopper_id) if quiz else None,
        )


@shop_router.post(
    "/{show_id}/polls/{poll_id}/votes",
    status_code=status.HTTP_201_CREATED,
    response_model=VoteOut,
)
def vote(
    ctx: Ctx,
    shopper: CurrentShopper,
    publisher: Publisher,
    show_id: ShowId,
    poll_id: ItemId,
    data: VoteIn,
) -> VoteOut:
    """One vote per shopper; a second vote is 409 ``already_voted`` (votes are final)."""
    with ctx.db.write() as session:
        row = service.vote(
            session, shopper.store.id, show_id, poll_id, shopper.shopper_id, data.option_index
        )
        out = VoteOut(poll_id=row.poll_id, option_index=row.option_index)
    publisher.vote_counted(poll_id)
    return out


@shop_router.get("/{show_id}/polls/{poll_id}", response_model=PollOut)
def get_poll(
    ctx: Ctx, store: PublicStore, shopper_id: OptionalShopper, show_id: ShowId, poll_id: ItemId
) -> PollOut:
    with ctx.db.read() as session:
        return poll_out(session, service.get_poll(session, store.id, show_id, poll_id), shopper_id)


@shop_router.post(
    "/{show_id}/giveaways/{giveaway_id}/entries",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryOut,
)
def enter_giveaway(
    ctx: Ctx, shopper: CurrentShopper, show_id: ShowId, giveaway_id: ItemId
) -> EntryOut:
    """Enter once; the answer carries your public ticket (listed in the verification)."""
    with ctx.db.write() as session:
        entry = service.enter_giveaway(
            session, shopper.store.id, show_id, giveaway_id, shopper.shopper_id
        )
        return EntryOut(giveaway_id=entry.giveaway_id, ticket=entry.id)


@shop_router.get("/{show_id}/giveaways/{giveaway_id}", response_model=GiveawayOut)
def get_giveaway(
    ctx: Ctx,
    store: PublicStore,
    shopper_id: OptionalShopper,
    show_id: ShowId,
    giveaway_id: ItemId,
) -> GiveawayOut:
    with ctx.db.read() as session:
        giveaway = service.get_giveaway(session, store.id, show_id, giveaway_id)
        return giveaway_out(session, giveaway, shopper_id)


@shop_router.get("/{show_id}/giveaways/{giveaway_id}/verify", response_model=VerifyOut)
def verify_giveaway(
    ctx: Ctx, store: PublicStore, show_id: ShowId, giveaway_id: ItemId
) -> VerifyOut:
    """Public: the revealed seed, every ticket, and the draw recomputed from them."""
    with ctx.db.read() as session:
        v = service.verify_giveaway(session, store.id, show_id, giveaway_id)
        g = v.giveaway
        return VerifyOut(
            giveaway_id=g.id,
            algorithm=g.algorithm,
            commitment=g.commitment,
            seed=g.seed,
            commitment_matches=v.commitment_matches,
            winners_count=g.winners_count,
            entrant_count=len(v.tickets),
            tickets=v.tickets,
            winners=[WinnerOut(**w.model_dump()) for w in v.winners],
            recomputed_winner_tickets=v.recomputed,
            verified=v.verified,
        )


@shop_router.post(
    "/{show_id}/quizzes/{quiz_id}/answers",
    status_code=status.HTTP_201_CREATED,
    response_model=AnswerOut,
)
def answer_quiz(
    ctx: Ctx, shopper: CurrentShopper, show_id: ShowId, quiz_id: ItemId, data: AnswerIn
) -> AnswerOut:
    """One answer per shopper, before the reveal; it says nothing of being right."""
    with ctx.db.write() as session:
        answer = service.answer_quiz(
            session, shopper.store.id, show_id, quiz_id, shopper.shopper_id, data.option_index
        )
        return AnswerOut(quiz_id=answer.quiz_id, option_index=answer.option_index)


@shop_router.get("/{show_id}/quizzes/{quiz_id}", response_model=QuizOut)
def get_quiz(
    ctx: Ctx, store: PublicStore, shopper_id: OptionalShopper, show_id: ShowId, quiz_id: ItemId
) -> QuizOut:
    with ctx.db.read() as session:
        quiz = service.get_quiz(session, store.id, show_id, quiz_id)
        return quiz_out(session, quiz, staff=False, shopper_id=shopper_id)


@shop_router.get("/{show_id}/quizzes/{quiz_id}/reward", response_model=RewardOut)
def quiz_reward(ctx: Ctx, shopper: CurrentShopper, show_id: ShowId, quiz_id: ItemId) -> RewardOut:
    """Your coupon when you answered right (after the reveal); ``won: false`` otherwise."""
    with ctx.db.read() as session:
        r = service.reward(session, shopper.store.id, show_id, quiz_id, shopper.shopper_id)
        return RewardOut(
            quiz_id=r.quiz.id,
            your_answer=r.answer.option_index,
            correct_index=r.quiz.correct_index,
            won=r.won,
            coupon_code=r.answer.coupon_code if r.won else None,
            percent_off=r.quiz.reward_percent_off if r.won else None,
            expires_at=r.expires_at,
        )
