"""media: stream ingest sessions (issue 3 video)

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_ingests",
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("opened_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("show_id"),
        sa.UniqueConstraint("port"),
    )
    with op.batch_alter_table("media_ingests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_ingests_store_id"), ["store_id"], unique=False)

    op.create_table(
        "media_stream_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=False),
        sa.Column("started_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("media_stream_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_media_stream_sessions_show_id"), ["show_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_media_stream_sessions_store_id"), ["store_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("media_stream_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_stream_sessions_store_id"))
        batch_op.drop_index(batch_op.f("ix_media_stream_sessions_show_id"))
    op.drop_table("media_stream_sessions")
    with op.batch_alter_table("media_ingests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_ingests_store_id"))
    op.drop_table("media_ingests")
