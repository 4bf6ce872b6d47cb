"""moderation: word filters, mutes, bans, moderation actions (issue 3)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_word_filters",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("folded", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("store_id", "folded", name="uq_chat_word_filter"),
    )
    op.create_index(
        op.f("ix_chat_word_filters_store_id"), "chat_word_filters", ["store_id"], unique=False
    )
    op.create_table(
        "chat_restrictions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=True),
        sa.Column("viewer_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("until", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_chat_restrictions_viewer", "chat_restrictions", ["store_id", "viewer_id"], unique=False
    )
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=True),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("target_viewer_id", sa.String(length=32), nullable=True),
        sa.Column("message_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_moderation_actions_show_id"), "moderation_actions", ["show_id"], unique=False
    )
    op.create_index(
        "ix_moderation_actions_store_time",
        "moderation_actions",
        ["store_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_moderation_actions_store_time", table_name="moderation_actions")
    op.drop_index(op.f("ix_moderation_actions_show_id"), table_name="moderation_actions")
    op.drop_table("moderation_actions")
    op.drop_index("ix_chat_restrictions_viewer", table_name="chat_restrictions")
    op.drop_table("chat_restrictions")
    op.drop_index(op.f("ix_chat_word_filters_store_id"), table_name="chat_word_filters")
    op.drop_table("chat_word_filters")
