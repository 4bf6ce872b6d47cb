"""live_room: polls, giveaways, quizzes (issue 3)

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "engagement_polls",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("opened_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_polls", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_polls_store_id", ["store_id"], unique=False)
        batch_op.create_index("ix_engagement_polls_show_id", ["show_id"], unique=False)
        batch_op.create_index(
            "uq_engagement_poll_open",
            ["show_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )

    op.create_table(
        "engagement_poll_votes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.String(length=32), nullable=False),
        sa.Column("shopper_id", sa.String(length=32), nullable=True),
        sa.Column("option_index", sa.Integer(), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("option_index >= 0 AND option_index < 6", name="poll_vote_option"),
        sa.ForeignKeyConstraint(["poll_id"], ["engagement_polls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shopper_id"], ["shoppers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "shopper_id", name="uq_engagement_poll_vote"),
    )
    with op.batch_alter_table("engagement_poll_votes", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_poll_votes_shopper_id", ["shopper_id"], unique=False)
        batch_op.create_index(
            "ix_engagement_poll_votes_count", ["poll_id", "option_index"], unique=False
        )

    op.create_table(
        "engagement_giveaways",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("prize", sa.String(length=200), nullable=False),
        sa.Column("winners_count", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("opened_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("drawn_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("entrant_count", sa.Integer(), nullable=True),
        sa.Column("winner_tickets", sa.JSON(), nullable=True),
        sa.CheckConstraint("winners_count >= 1", name="giveaway_winners_positive"),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_giveaways", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_giveaways_store_id", ["store_id"], unique=False)
        batch_op.create_index("ix_engagement_giveaways_show_id", ["show_id"], unique=False)
        batch_op.create_index(
            "uq_engagement_giveaway_open",
            ["show_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )

    op.create_table(
        "engagement_giveaway_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("giveaway_id", sa.String(length=32), nullable=False),
        sa.Column("shopper_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["giveaway_id"], ["engagement_giveaways.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shopper_id"], ["shoppers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("giveaway_id", "shopper_id", name="uq_engagement_entry"),
    )
    with op.batch_alter_table("engagement_giveaway_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_engagement_giveaway_entries_giveaway_id", ["giveaway_id"], unique=False
        )
        batch_op.create_index(
            "ix_engagement_giveaway_entries_shopper_id", ["shopper_id"], unique=False
        )

    op.create_table(
        "engagement_quizzes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("correct_index", sa.Integer(), nullable=False),
        sa.Column("reward_percent_off", sa.Integer(), nullable=False),
        sa.Column("reward_valid_hours", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("opened_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("correct_count", sa.Integer(), nullable=True),
        sa.Column("answer_count", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "reward_percent_off >= 1 AND reward_percent_off <= 100", name="quiz_reward_percent"
        ),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_quizzes", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_quizzes_store_id", ["store_id"], unique=False)
        batch_op.create_index("ix_engagement_quizzes_show_id", ["show_id"], unique=False)
        batch_op.create_index(
            "uq_engagement_quiz_open",
            ["show_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )

    op.create_table(
        "engagement_quiz_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("quiz_id", sa.String(length=32), nullable=False),
        sa.Column("shopper_id", sa.String(length=32), nullable=True),
        sa.Column("option_index", sa.Integer(), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("coupon_id", sa.String(length=32), nullable=True),
        sa.Column("coupon_code", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupons.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["quiz_id"], ["engagement_quizzes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shopper_id"], ["shoppers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quiz_id", "shopper_id", name="uq_engagement_answer"),
    )
    with op.batch_alter_table("engagement_quiz_answers", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_quiz_answers_quiz_id", ["quiz_id"], unique=False)
        batch_op.create_index("ix_engagement_quiz_answers_shopper_id", ["shopper_id"], unique=False)


def downgrade() -> None:
    op.drop_table("engagement_quiz_answers")
    op.drop_table("engagement_quizzes")
    op.drop_table("engagement_giveaway_entries")
    op.drop_table("engagement_giveaways")
    op.drop_table("engagement_poll_votes")
    op.drop_table("engagement_polls")
