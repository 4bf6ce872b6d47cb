"""Polls, giveaways and quizzes run during a show.

One vote / entry / answer per shopper is enforced by unique constraints (a racing duplicate
meets the index, not just a read-then-write check), and "one open poll (giveaway, quiz) per
show at a time" by partial unique indexes on the open rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class Poll(Base):
    __tablename__ = "engagement_polls"
    __table_args__ = (
        Index(
            "uq_engagement_poll_open",
            "show_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    created_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PollVote(Base):
    __tablename__ = "engagement_poll_votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "shopper_id", name="uq_engagement_poll_vote"),
        CheckConstraint("option_index >= 0 AND option_index < 6", name="poll_vote_option"),
        Index("ix_engagement_poll_votes_count", "poll_id", "option_index"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    poll_id: Mapped[str] = mapped_column(ForeignKey("engagement_polls.id", ondelete="CASCADE"))
    # SET NULL: a purged guest's vote / entry / answer still counts (results and the draw's
    # ticket list stay verifiable), with no one behind it
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    option_index: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Giveaway(Base):
    """``seed`` stays secret until the draw; ``commitment`` = sha256(seed) is public from the
    start, so the seed cannot be chosen after the entrants are known."""

    __tablename__ = "engagement_giveaways"
    __table_args__ = (
        Index(
            "uq_engagement_giveaway_open",
            "show_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint("winners_count >= 1", name="giveaway_winners_positive"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    prize: Mapped[str] = mapped_column(String(200), default="")
    winners_count: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(32))
    seed: Mapped[str] = mapped_column(String(64))  # hex; revealed at the draw
    commitment: Mapped[str] = mapped_column(String(64))  # sha256(bytes.fromhex(seed)), hex
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | drawn
    created_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    entrant_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the winning tickets in rank order, frozen at the draw (a second draw returns them)
    winner_tickets: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class GiveawayEntry(Base):
    """``id`` doubles as the entry's public ticket: the draw ranks tickets, so the full
    ticket list can be published for verification without naming anyone."""

    __tablename__ = "engagement_giveaway_entries"
    __table_args__ = (UniqueConstraint("giveaway_id", "shopper_id", name="uq_engagement_entry"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    giveaway_id: Mapped[str] = mapped_column(
        ForeignKey("engagement_giveaways.id", ondelete="CASCADE"), index=True
    )
    # SET NULL: a purged guest's vote / entry / answer still counts (results and the draw's
    # ticket list stay verifiable), with no one behind it
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Quiz(Base):
    """``correct_index`` is never sent to shoppers before ``status`` becomes revealed."""

    __tablename__ = "engagement_quizzes"
    __table_args__ = (
        Index(
            "uq_engagement_quiz_open",
            "show_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint(
            "reward_percent_off >= 1 AND reward_percent_off <= 100", name="quiz_reward_percent"
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON)
    correct_index: Mapped[int] = mapped_column(Integer)
    reward_percent_off: Mapped[int] = mapped_column(Integer)
    reward_valid_hours: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | revealed
    created_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    correct_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answer_count: Mapped[int | None] = mapped_column(Integer, nullable=True)


class QuizAnswer(Base):
    __tablename__ = "engagement_quiz_answers"
    __table_args__ = (UniqueConstraint("quiz_id", "shopper_id", name="uq_engagement_answer"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    quiz_id: Mapped[str] = mapped_column(
        ForeignKey("engagement_quizzes.id", ondelete="CASCADE"), index=True
    )
    # SET NULL: a purged guest's vote / entry / answer still counts (results and the draw's
    # ticket list stay verifiable), with no one behind it
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    option_index: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the reward coupon (created through commerce.promotions at reveal, correct answers only)
    coupon_id: Mapped[str | None] = mapped_column(
        ForeignKey("coupons.id", ondelete="SET NULL"), nullable=True
    )
    coupon_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
