"""translation drafts: machine-translated product copy awaiting the merchant's approval

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("product_translations") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=16), server_default="merchant", nullable=False)
        )
        batch.add_column(
            sa.Column("status", sa.String(length=16), server_default="published", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("product_translations") as batch:
        batch.drop_column("status")
        batch.drop_column("origin")
