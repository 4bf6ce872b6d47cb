"""shopping assistant: merchant FAQ, hand-off queue, per-store settings

Revision ID: 0024
Revises: 0023 (written against 0020; re-chained onto main's head at the merge)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistant_faq",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_assistant_faq_store_id"), "assistant_faq", ["store_id"], unique=False)
    op.create_table(
        "assistant_handoffs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=True),
        sa.Column("product_id", sa.String(length=32), nullable=True),
        sa.Column("viewer_id", sa.String(length=64), nullable=False),
        sa.Column("viewer_name", sa.String(length=120), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_assistant_handoffs_store_id"), "assistant_handoffs", ["store_id"], unique=False
    )
    op.create_index(
        op.f("ix_assistant_handoffs_show_id"), "assistant_handoffs", ["show_id"], unique=False
    )
    op.create_table(
        "assistant_settings",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("answer_to_room", sa.Boolean(), nullable=False),
        sa.Column("updated_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("store_id"),
    )


def downgrade() -> None:
    op.drop_table("assistant_settings")
    op.drop_index(op.f("ix_assistant_handoffs_show_id"), table_name="assistant_handoffs")
    op.drop_index(op.f("ix_assistant_handoffs_store_id"), table_name="assistant_handoffs")
    op.drop_table("assistant_handoffs")
    op.drop_index(op.f("ix_assistant_faq_store_id"), table_name="assistant_faq")
    op.drop_table("assistant_faq")
