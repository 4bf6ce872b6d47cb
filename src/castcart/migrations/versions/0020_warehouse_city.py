"""warehouse city (a left-out time zone is derived from it)

Revision ID: 0020
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("warehouses") as batch:
        batch.add_column(sa.Column("city", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("warehouses") as batch:
        batch.drop_column("city")
