"""notifications sent to shoppers (order mails at most once per order and kind)

Revision ID: 0018
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0018"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notifications_sent",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "kind"),
    )
    op.create_index(
        op.f("ix_notifications_sent_store_id"), "notifications_sent", ["store_id"], unique=False
    )
    op.create_index(
        "ix_notifications_sent_due",
        "notifications_sent",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_sent_due", table_name="notifications_sent")
    op.drop_index(op.f("ix_notifications_sent_store_id"), table_name="notifications_sent")
    op.drop_table("notifications_sent")
