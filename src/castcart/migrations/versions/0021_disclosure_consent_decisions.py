"""shows carry their commercial disclosure and iftar countdown; consent records keep
refusals (decision) and the market whose rules applied (jurisdiction)

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shows") as batch:
        batch.add_column(
            sa.Column(
                "commercial_relationship",
                sa.String(length=16),
                server_default="none",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column("disclosure_brand", sa.String(length=120), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("iftar_countdown", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("consent_records") as batch:
        batch.add_column(
            sa.Column("decision", sa.String(length=8), server_default="granted", nullable=False)
        )
        batch.add_column(sa.Column("jurisdiction", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_records") as batch:
        batch.drop_column("jurisdiction")
        batch.drop_column("decision")
    with op.batch_alter_table("shows") as batch:
        batch.drop_column("iftar_countdown")
        batch.drop_column("disclosure_brand")
        batch.drop_column("commercial_relationship")
