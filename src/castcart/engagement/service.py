"""Polls, giveaways and quizzes: the database side, no web framework.

Every function runs inside the caller's write (or read) transaction and appends its domain
events to the caller's outbox, published only after commit. Concurrency rules:

* one vote / entry / answer per shopper: a unique constraint settles racing duplicates
  (409), the read-before-insert only gives the common case a friendlier path;
* closing a poll, drawing a giveaway and revealing a quiz flip ``status`` under a row lock
  (``FOR UPDATE``), while votes / entries / answers hold ``FOR SHARE`` on the same row, so on
  PostgreSQL no vote lands after the final count (SQLite serialises writers anyway).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.accounts.models import Shopper
from castcart.commerce import promotions
from castcart.commerce.schemas import CouponIn
from castcart.core.clock import utcnow
from castcart.core.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableError,
)
from castcart.engagement import draw
from castcart.engagement.eligibility import is_banned
from castcart.engagement.errors import EngagementErrorCode
from castcart.engagement.models import (
    Giveaway,
    GiveawayEntry,
    Poll,
    PollVote,
    Quiz,
    QuizAnswer,
)
from castcart.engagement.schemas import GiveawayIn, PollIn, QuizIn
from castcart.events import DomainEvent
from castcart.events.types import (
    GiveawayDrawn,
    GiveawayOpened,
    GiveawayWinner,
    PollClosed,
    PollOpened,
    QuizQuestion,
    QuizRevealed,
)
from castcart.shows.models import Show
from castcart.shows.service import get_show

ENDED = "ended"


def _running_show(session: Session, store_id: str, show_id: str) -> Show:
    """A show that can still host engagement: scheduled, live (or interrupted), not ended."""
    show = get_show(session, store_id, show_id)
    if show.status == ENDED:
        raise ConflictError("the show has ended", code=EngagementErrorCode.SHOW_ENDED)
    return show


def _check_participant(session: Session, store_id: str, show_id: str, shopper_id: str) -> None:
    if is_banned(session, store_id, show_id, shopper_id):
        raise PermissionDeniedError(
            "you cannot take part in this show", code=EngagementErrorCode.BANNED
        )


def _display_names(session: Session, shopper_ids: Sequence[str]) -> dict[str, str]:
    if not shopper_ids:
        return {}
    rows = session.execute(
        select(Shopper.id, Shopper.display_name).where(Shopper.id.in_(shopper_ids))
    ).all()
    return {sid: (name or "Guest") for sid, name in rows}


# -- polls --------------------------------------------------------------------------------


def get_poll(
    session: Session, store_id: str, show_id: str, poll_id: str, *, lock: str = ""
) -> Poll:
    query = select(Poll).where(Poll.id == poll_id)
    if lock:
        query = query.with_for_update(read=lock == "share")
    poll = session.scalar(query)
    if poll is None or poll.store_id != store_id or poll.show_id != show_id:
        raise NotFoundError("poll not found", code=EngagementErrorCode.POLL_NOT_FOUND)
    return poll


def poll_counts(session: Session, poll: Poll) -> list[int]:
    counts = [0] * len(poll.options)
    rows = session.execute(
        select(PollVote.option_index, func.count())
        .where(PollVote.poll_id == poll.id)
        .group_by(PollVote.option_index)
    ).all()
    for index, count in rows:
        if 0 <= index < len(counts):
            counts[index] = count
    return counts


def open_poll(
    session: Session,
    store_id: str,
    show_id: str,
    data: PollIn,
    actor_id: str | None,
    outbox: list[DomainEvent],
) -> Poll:
    show = _running_show(session, store_id, show_id)
    current = session.scalar(select(Poll.id).where(Poll.show_id == show.id, Poll.status == "open"))
    if current is not None:
        raise ConflictError(
            "close the open poll first",
            code=EngagementErrorCode.POLL_ALREADY_OPEN,
            details={"poll_id": current},
        )
    poll = Poll(
        store_id=store_id,
        show_id=show.id,
        question=data.question,
        options=list(data.options),
        status="open",
        created_by=actor_id,
        opened_at=utcnow(),
    )
    session.add(poll)
    try:
        session.flush()
    except IntegrityError as exc:  # two staff opening at once: the partial index decides
        raise ConflictError(
            "close the open poll first", code=EngagementErrorCode.POLL_ALREADY_OPEN
        ) from exc
    outbox.append(
        PollOpened(
            store_id=store_id,
            show_id=show.id,
            poll_id=poll.id,
            question=poll.question,
            options=poll.options,
            counts=[0] * len(poll.options),
        )
    )
    return poll


def vote(
    session: Session, store_id: str, show_id: str, poll_id: str, shopper_id: str, option: int
) -> PollVote:
    """One vote per shopper; a second one is a 409 ``already_voted`` (votes are final)."""
    poll = get_poll(session, store_id, show_id, poll_id, lock="share")
    if poll.status != "open":
        raise ConflictError("the poll is closed", code=EngagementErrorCode.POLL_CLOSED)
    _running_show(session, store_id, show_id)
    if option >= len(poll.options):
        raise UnprocessableError(
            "no such option",
            code=EngagementErrorCode.INVALID_OPTION,
            details={"options": len(poll.options)},
        )
    _check_participant(session, store_id, show_id, shopper_id)
    existing = session.scalar(
        select(PollVote.id).where(PollVote.poll_id == poll.id, PollVote.shopper_id == shopper_id)
    )
    if existing is not None:
        raise ConflictError("you have already voted", code=EngagementErrorCode.ALREADY_VOTED)
    row = PollVote(poll_id=poll.id, shopper_id=shopper_id, option_index=option)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # the same shopper's concurrent second vote
        raise ConflictError(
            "you have already voted", code=EngagementErrorCode.ALREADY_VOTED
        ) from exc
    return row


def close_poll(
    session: Session, store_id: str, show_id: str, poll_id: str, outbox: list[DomainEvent]
) -> Poll:
    """Closing twice returns the closed poll unchanged (and publishes nothing the 2nd time)."""
    poll = get_poll(session, store_id, show_id, poll_id, lock="update")
    if poll.status == "open":
        poll.status = "closed"
        poll.closed_at = utcnow()
        session.flush()
        counts = poll_counts(session, poll)
        outbox.append(
            PollClosed(
                store_id=store_id,
                show_id=show_id,
                poll_id=poll.id,
                counts=counts,
                total=sum(counts),
            )
        )
    return poll


def my_vote(session: Session, poll_id: str, shopper_id: str) -> int | None:
    return session.scalar(
        select(PollVote.option_index).where(
            PollVote.poll_id == poll_id, PollVote.shopper_id == shopper_id
        )
    )


def list_polls(session: Session, store_id: str, show_id: str) -> Sequence[Poll]:
    show = get_show(session, store_id, show_id)
    return session.scalars(
        select(Poll).where(Poll.show_id == show.id).order_by(Poll.opened_at, Poll.id)
    ).all()


def open_poll_of(session: Session, show_id: str) -> Poll | None:
    return session.scalar(select(Poll).where(Poll.show_id == show_id, Poll.status == "open"))


# -- giveaways ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    giveaway: Giveaway
    winners: list[GiveawayWinner]


def get_giveaway(
    session: Session, store_id: str, show_id: str, giveaway_id: str, *, lock: str = ""
) -> Giveaway:
    query = select(Giveaway).where(Giveaway.id == giveaway_id)
    if lock:
        query = query.with_for_update(read=lock == "share")
    giveaway = session.scalar(query)
    if giveaway is None or giveaway.store_id != store_id or giveaway.show_id != show_id:
        raise NotFoundError("giveaway not found", code=EngagementErrorCode.GIVEAWAY_NOT_FOUND)
    return giveaway


def open_giveaway(
    session: Session,
    store_id: str,
    show_id: str,
    data: GiveawayIn,
    actor_id: str | None,
    outbox: list[DomainEvent],
) -> Giveaway:
    show = _running_show(session, store_id, show_id)
    current = session.scalar(
        select(Giveaway.id).where(Giveaway.show_id == show.id, Giveaway.status == "open")
    )
    if current is not None:
        raise ConflictError(
            "draw the open giveaway first",
            code=EngagementErrorCode.GIVEAWAY_ALREADY_OPEN,
            details={"giveaway_id": current},
        )
    seed = draw.new_seed()
    giveaway = Giveaway(
        store_id=store_id,
        show_id=show.id,
        title=data.title,
        prize=data.prize,
        winners_count=data.winners_count,
        algorithm=draw.ALGORITHM,
        seed=seed,
        commitment=draw.commitment(seed),
        status="open",
        created_by=actor_id,
        opened_at=utcnow(),
    )
    session.add(giveaway)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "draw the open giveaway first", code=EngagementErrorCode.GIVEAWAY_ALREADY_OPEN
        ) from exc
    outbox.append(
        GiveawayOpened(
            store_id=store_id,
            show_id=show.id,
            giveaway_id=giveaway.id,
            title=giveaway.title,
            prize=giveaway.prize,
            winners_count=giveaway.winners_count,
            commitment=giveaway.commitment,
            algorithm=giveaway.algorithm,
        )
    )
    return giveaway


def enter_giveaway(
    session: Session, store_id: str, show_id: str, giveaway_id: str, shopper_id: str
) -> GiveawayEntry:
    giveaway = get_giveaway(session, store_id, show_id, giveaway_id, lock="share")
    if giveaway.status != "open":
        raise ConflictError("the giveaway has been drawn", code=EngagementErrorCode.GIVEAWAY_DRAWN)
    _running_show(session, store_id, show_id)
    _check_participant(session, store_id, show_id, shopper_id)
    existing = session.scalar(
        select(GiveawayEntry.id).where(
            GiveawayEntry.giveaway_id == giveaway.id, GiveawayEntry.shopper_id == shopper_id
        )
    )
    if existing is not None:
        raise ConflictError("you have already entered", code=EngagementErrorCode.ALREADY_ENTERED)
    entry = GiveawayEntry(giveaway_id=giveaway.id, shopper_id=shopper_id)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "you have already entered", code=EngagementErrorCode.ALREADY_ENTERED
        ) from exc
    return entry


def _tickets(session: Session, giveaway_id: str) -> list[str]:
    """Every entry's ticket, sorted."""
    return list(
        session.scalars(
            select(GiveawayEntry.id)
            .where(GiveawayEntry.giveaway_id == giveaway_id)
            .order_by(GiveawayEntry.id)
        )
    )


def _winners(session: Session, giveaway: Giveaway) -> list[GiveawayWinner]:
    tickets = giveaway.winner_tickets or []
    if not tickets:
        return []
    owners: dict[str, str | None] = dict(
        session.execute(
            select(GiveawayEntry.id, GiveawayEntry.shopper_id).where(GiveawayEntry.id.in_(tickets))
        ).all()
    )
    names = _display_names(session, [s for s in owners.values() if s is not None])
    return [
        GiveawayWinner(ticket=t, display_name=names.get(owners.get(t) or "", "Guest"))
        for t in tickets
    ]


def draw_giveaway(
    session: Session, store_id: str, show_id: str, giveaway_id: str, outbox: list[DomainEvent]
) -> DrawResult:
    """Idempotent: a second draw returns the first result and publishes nothing."""
    giveaway = get_giveaway(session, store_id, show_id, giveaway_id, lock="update")
    if giveaway.status == "drawn":
        return DrawResult(giveaway, _winners(session, giveaway))
    tickets = _tickets(session, giveaway.id)
    giveaway.winner_tickets = draw.draw_winners(giveaway.seed, tickets, giveaway.winners_count)
    giveaway.entrant_count = len(tickets)
    giveaway.status = "drawn"
    giveaway.drawn_at = utcnow()
    session.flush()
    winners = _winners(session, giveaway)
    outbox.append(
        GiveawayDrawn(
            store_id=store_id,
            show_id=show_id,
            giveaway_id=giveaway.id,
            winners=winners,
            seed=giveaway.seed,
            commitment=giveaway.commitment,
            algorithm=giveaway.algorithm,
            entrant_count=len(tickets),
        )
    )
    return DrawResult(giveaway, winners)


@dataclass(frozen=True)
class Verification:
    giveaway: Giveaway
    tickets: list[str]
    winners: list[GiveawayWinner]
    recomputed: list[str]
    commitment_matches: bool
    verified: bool


def verify_giveaway(
    session: Session, store_id: str, show_id: str, giveaway_id: str
) -> Verification:
    giveaway = get_giveaway(session, store_id, show_id, giveaway_id)
    if giveaway.status != "drawn":
        raise ConflictError(
            "the seed is revealed at the draw; verify afterwards",
            code=EngagementErrorCode.GIVEAWAY_NOT_DRAWN,
        )
    tickets = _tickets(session, giveaway.id)
    recomputed = draw.draw_winners(giveaway.seed, tickets, giveaway.winners_count)
    published = list(giveaway.winner_tickets or [])
    matches = draw.commitment(giveaway.seed) == giveaway.commitment
    return Verification(
        giveaway=giveaway,
        tickets=tickets,
        winners=_winners(session, giveaway),
        recomputed=recomputed,
        commitment_matches=matches,
        verified=matches
        and recomputed == published
        and len(tickets) == giveaway.entrant_count
        and draw.verify_draw(
            giveaway.seed, giveaway.commitment, tickets, giveaway.winners_count, published
        ),
    )


def entry_count(session: Session, giveaway_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(GiveawayEntry)
            .where(GiveawayEntry.giveaway_id == giveaway_id)
        )
        or 0
    )


def my_ticket(session: Session, giveaway_id: str, shopper_id: str) -> str | None:
    return session.scalar(
        select(GiveawayEntry.id).where(
            GiveawayEntry.giveaway_id == giveaway_id, GiveawayEntry.shopper_id == shopper_id
        )
    )


def list_giveaways(session: Session, store_id: str, show_id: str) -> Sequence[Giveaway]:
    show = get_show(session, store_id, show_id)
    return session.scalars(
        select(Giveaway).where(Giveaway.show_id == show.id).order_by(Giveaway.opened_at)
    ).all()


def open_giveaway_of(session: Session, show_id: str) -> Giveaway | None:
    return session.scalar(
        select(Giveaway).where(Giveaway.show_id == show_id, Giveaway.status == "open")
    )


def giveaway_winners(session: Session, giveaway: Giveaway) -> list[GiveawayWinner] | None:
    return _winners(session, giveaway) if giveaway.status == "drawn" else None


# -- quizzes ------------------------------------------------------------------------------

_COUPON_ATTEMPTS = 5


def get_quiz(
    session: Session, store_id: str, show_id: str, quiz_id: str, *, lock: str = ""
) -> Quiz:
    query = select(Quiz).where(Quiz.id == quiz_id)
    if lock:
        query = query.with_for_update(read=lock == "share")
    quiz = session.scalar(query)
    if quiz is None or quiz.store_id != store_id or quiz.show_id != show_id:
        raise NotFoundError("quiz not found", code=EngagementErrorCode.QUIZ_NOT_FOUND)
    return quiz


def open_quiz(
    session: Session,
    store_id: str,
    show_id: str,
    data: QuizIn,
    actor_id: str | None,
    outbox: list[DomainEvent],
) -> Quiz:
    show = _running_show(session, store_id, show_id)
    current = session.scalar(select(Quiz.id).where(Quiz.show_id == show.id, Quiz.status == "open"))
    if current is not None:
        raise ConflictError(
            "reveal the open quiz first",
            code=EngagementErrorCode.QUIZ_ALREADY_OPEN,
            details={"quiz_id": current},
        )
    quiz = Quiz(
        store_id=store_id,
        show_id=show.id,
        question=data.question,
        options=list(data.options),
        correct_index=data.correct_index,
        reward_percent_off=data.reward_percent_off,
        reward_valid_hours=data.reward_valid_hours,
        status="open",
        created_by=actor_id,
        opened_at=utcnow(),
    )
    session.add(quiz)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "reveal the open quiz first", code=EngagementErrorCode.QUIZ_ALREADY_OPEN
        ) from exc
    outbox.append(
        QuizQuestion(
            store_id=store_id,
            show_id=show.id,
            quiz_id=quiz.id,
            question=quiz.question,
            options=quiz.options,
            reward_percent_off=quiz.reward_percent_off,
        )
    )
    return quiz


def answer_quiz(
    session: Session, store_id: str, show_id: str, quiz_id: str, shopper_id: str, option: int
) -> QuizAnswer:
    quiz = get_quiz(session, store_id, show_id, quiz_id, lock="share")
    if quiz.status != "open":
        raise ConflictError("the answer has been revealed", code=EngagementErrorCode.QUIZ_REVEALED)
    _running_show(session, store_id, show_id)
    if option >= len(quiz.options):
        raise UnprocessableError(
            "no such option",
            code=EngagementErrorCode.INVALID_OPTION,
            details={"options": len(quiz.options)},
        )
    _check_participant(session, store_id, show_id, shopper_id)
    existing = session.scalar(
        select(QuizAnswer.id).where(
            QuizAnswer.quiz_id == quiz.id, QuizAnswer.shopper_id == shopper_id
        )
    )
    if existing is not None:
        raise ConflictError("you have already answered", code=EngagementErrorCode.ALREADY_ANSWERED)
    answer = QuizAnswer(quiz_id=quiz.id, shopper_id=shopper_id, option_index=option)
    session.add(answer)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "you have already answered", code=EngagementErrorCode.ALREADY_ANSWERED
        ) from exc
    return answer


def _reward_coupon(session: Session, quiz: Quiz, expires_at: datetime) -> tuple[str, str]:
    """A single-use percent-off coupon for one winner, through the promotions service."""
    for _ in range(_COUPON_ATTEMPTS):
        code = f"QZ-{secrets.token_hex(6).upper()}"
        try:
            coupon = promotions.create_coupon(
                session,
                quiz.store_id,
                CouponIn(
                    code=code,
                    kind="percent",
                    percent_off=quiz.reward_percent_off,
                    ends_at=expires_at,
                    max_uses_total=1,
                    max_uses_per_customer=1,
                ),
            )
        except DomainError as exc:
            if exc.code != "coupon_code_taken":
                raise
            continue
        return coupon.id, coupon.code
    raise ConflictError(
        "could not mint a unique coupon code; retry", code=EngagementErrorCode.COUPON_CODE_TAKEN
    )


def reveal_quiz(
    session: Session, store_id: str, show_id: str, quiz_id: str, outbox: list[DomainEvent]
) -> Quiz:
    """Reveal the answer and give every correct answerer their own coupon. Idempotent."""
    quiz = get_quiz(session, store_id, show_id, quiz_id, lock="update")
    if quiz.status == "revealed":
        return quiz
    now = utcnow()
    answers = session.scalars(
        select(QuizAnswer).where(QuizAnswer.quiz_id == quiz.id).order_by(QuizAnswer.id)
    ).all()
    expires_at = now + timedelta(hours=quiz.reward_valid_hours)
    correct = [a for a in answers if a.option_index == quiz.correct_index]
    for answer in correct:
        answer.coupon_id, answer.coupon_code = _reward_coupon(session, quiz, expires_at)
    quiz.status = "revealed"
    quiz.revealed_at = now
    quiz.correct_count = len(correct)
    quiz.answer_count = len(answers)
    session.flush()
    outbox.append(
        QuizRevealed(
            store_id=store_id,
            show_id=show_id,
            quiz_id=quiz.id,
            correct_index=quiz.correct_index,
            correct_count=len(correct),
            answer_count=len(answers),
        )
    )
    return quiz


@dataclass(frozen=True)
class Reward:
    quiz: Quiz
    answer: QuizAnswer

    @property
    def won(self) -> bool:
        return self.answer.option_index == self.quiz.correct_index

    @property
    def expires_at(self) -> datetime | None:
        if not self.won or self.quiz.revealed_at is None:
            return None
        return self.quiz.revealed_at + timedelta(hours=self.quiz.reward_valid_hours)


def reward(session: Session, store_id: str, show_id: str, quiz_id: str, shopper_id: str) -> Reward:
    quiz = get_quiz(session, store_id, show_id, quiz_id)
    answer = session.scalar(
        select(QuizAnswer).where(QuizAnswer.quiz_id == quiz.id, QuizAnswer.shopper_id == shopper_id)
    )
    if answer is None:
        raise NotFoundError("you did not answer this quiz", code=EngagementErrorCode.NOT_ANSWERED)
    if quiz.status != "revealed":
        raise ConflictError(
            "the answer is not revealed yet", code=EngagementErrorCode.QUIZ_NOT_REVEALED
        )
    return Reward(quiz, answer)


def answer_count(session: Session, quiz_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(QuizAnswer).where(QuizAnswer.quiz_id == quiz_id)
        )
        or 0
    )


def my_answer(session: Session, quiz_id: str, shopper_id: str) -> int | None:
    return session.scalar(
        select(QuizAnswer.option_index).where(
            QuizAnswer.quiz_id == quiz_id, QuizAnswer.shopper_id == shopper_id
        )
    )


def list_quizzes(session: Session, store_id: str, show_id: str) -> Sequence[Quiz]:
    show = get_show(session, store_id, show_id)
    return session.scalars(
        select(Quiz).where(Quiz.show_id == show.id).order_by(Quiz.opened_at)
    ).all()


def open_quiz_of(session: Session, show_id: str) -> Quiz | None:
    return session.scalar(select(Quiz).where(Quiz.show_id == show_id, Quiz.status == "open"))


def forget_shopper(session: Session, shopper_id: str) -> int:
    """An erased shopper's votes, giveaway entries and quiz answers stay counted (results and
    the draw's ticket list remain verifiable) with no one behind them, as for a purged
    guest. Returns how many rows were detached."""
    detached = 0
    for table in (PollVote, GiveawayEntry, QuizAnswer):
        result = session.execute(
            update(table).where(table.shopper_id == shopper_id).values(shopper_id=None)
        )
        detached += int(result.rowcount)  # type: ignore[attr-defined]
    return detached
