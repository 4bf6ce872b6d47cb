"""integrity under concurrency: cart claim version, one redemption per coupon use, one open
payment per order

Revision ID: 0011
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0011"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("checked_out_order_id", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column(
                "checked_out_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.drop_column("checked_out_at")
        batch.drop_column("checked_out_order_id")
        batch.drop_column("version")
