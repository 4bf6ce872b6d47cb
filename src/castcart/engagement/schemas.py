"""Request and response bodies. Shopper-facing quiz bodies carry ``correct_index`` only once
the quiz is revealed; giveaway bodies carry ``seed`` only once it is drawn (for staff too:
whoever knows the seed early could steer the draw by adding entries)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
OptionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Options = Annotated[list[OptionText], Field(min_length=2, max_length=6)]
OptionIndex = Annotated[int, Field(ge=0, le=5)]


def _distinct(options: list[str]) -> None:
    if len({o.casefold() for o in options}) != len(options):
        raise ValueError("options must be distinct")


class PollIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question
    options: Options

    @model_validator(mode="after")
    def _check(self) -> PollIn:
        _distinct(self.options)
        return self


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    option_index: OptionIndex


class GiveawayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    prize: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    winners_count: Annotated[int, Field(ge=1, le=100)] = 1


class QuizIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question
    options: Options
    correct_index: OptionIndex
    reward_percent_off: Annotated[int, Field(ge=1, le=100)]
    reward_valid_hours: Annotated[int, Field(ge=1, le=24 * 90)] = 48

    @model_validator(mode="after")
    def _check(self) -> QuizIn:
        _distinct(self.options)
        if self.correct_index >= len(self.options):
            raise ValueError("correct_index must point at one of the options")
        return self


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    option_index: OptionIndex


class PollOut(BaseModel):
    id: str
    show_id: str
    question: str
    options: list[str]
    status: str
    counts: list[int]
    total: int
    opened_at: datetime
    closed_at: datetime | None
    my_vote: int | None = None  # shopper views only


class VoteOut(BaseModel):
    poll_id: str
    option_index: int


class WinnerOut(BaseModel):
    ticket: str
    display_name: str


class GiveawayOut(BaseModel):
    id: str
    show_id: str
    title: str
    prize: str
    winners_count: int
    algorithm: str
    commitment: str
    status: str
    opened_at: datetime
    drawn_at: datetime | None
    entrant_count: int
    seed: str | None  # None until drawn
    winners: list[WinnerOut] | None  # None until drawn
    entered: bool | None = None  # shopper views with a session only
    my_ticket: str | None = None


class EntryOut(BaseModel):
    giveaway_id: str
    ticket: str


class VerifyOut(BaseModel):
    """Everything needed to recompute the draw elsewhere, and the server's own recomputation."""

    giveaway_id: str
    algorithm: str
    commitment: str
    seed: str
    commitment_matches: bool
    winners_count: int
    entrant_count: int
    tickets: list[str]  # every entry's ticket, sorted
    winners: list[WinnerOut]  # as published at the draw
    recomputed_winner_tickets: list[str]
    verified: bool


class QuizOut(BaseModel):
    id: str
    show_id: str
    question: str
    options: list[str]
    reward_percent_off: int
    reward_valid_hours: int
    status: str
    opened_at: datetime
    revealed_at: datetime | None
    correct_index: int | None  # None for shoppers until revealed
    correct_count: int | None
    answer_count: int | None
    my_answer: int | None = None


class AnswerOut(BaseModel):
    """Only that the answer was taken: whether it is right is told at the reveal."""

    quiz_id: str
    option_index: int


class RewardOut(BaseModel):
    quiz_id: str
    your_answer: int
    correct_index: int
    won: bool
    coupon_code: str | None
    percent_off: int | None
    expires_at: datetime | None


class EngagementOut(BaseModel):
    show_id: str
    show_status: str
    poll: PollOut | None
    giveaway: GiveawayOut | None
    quiz: QuizOut | None
