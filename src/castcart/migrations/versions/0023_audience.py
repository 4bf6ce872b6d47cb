"""audience: show reminders and their sends (once per reminder and kind), replay retention,
deleted replays, live prices kept on the replay

Revision ID: 0023
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = castcart.core.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "audience_reminders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("shopper_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("push_subscription", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("unsubscribed_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["shopper_id"], ["shoppers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("show_id", "channel", "address_hash"),
    )
    op.create_index("ix_audience_reminders_store_id", "audience_reminders", ["store_id"])
    op.create_index("ix_audience_reminders_show_id", "audience_reminders", ["show_id"])
    op.create_index("ix_audience_reminders_shopper_id", "audience_reminders", ["shopper_id"])
    op.create_table(
        "audience_reminder_sends",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reminder_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("claimed_at", UTC(timezone=True), nullable=True),
        sa.Column("next_attempt_at", UTC(timezone=True), nullable=True),
        sa.Column("sent_at", UTC(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["reminder_id"], ["audience_reminders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reminder_id", "kind"),
    )
    op.create_index(
        "ix_audience_reminder_sends_due", "audience_reminder_sends", ["status", "next_attempt_at"]
    )
    op.create_table(
        "audience_replay_policies",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("store_id"),
    )
    op.create_table(
        "media_replay_deletions",
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("show_id"),
    )
    op.create_index("ix_media_replay_deletions_store_id", "media_replay_deletions", ["store_id"])
    with op.batch_alter_table("shows") as batch:
        batch.add_column(
            sa.Column(
                "replay_keeps_live_prices",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("shows") as batch:
        batch.drop_column("replay_keeps_live_prices")
    op.drop_index("ix_media_replay_deletions_store_id", table_name="media_replay_deletions")
    op.drop_table("media_replay_deletions")
    op.drop_table("audience_replay_policies")
    op.drop_index("ix_audience_reminder_sends_due", table_name="audience_reminder_sends")
    op.drop_table("audience_reminder_sends")
    op.drop_index("ix_audience_reminders_shopper_id", table_name="audience_reminders")
    op.drop_index("ix_audience_reminders_show_id", table_name="audience_reminders")
    op.drop_index("ix_audience_reminders_store_id", table_name="audience_reminders")
    op.drop_table("audience_reminders")
