"""order contact and shipping address; shipment tracking

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("shipping_address", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("contact_phone", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("marketing_consent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("order_shipments") as batch:
        batch.add_column(sa.Column("tracking_number", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("tracking_url", sa.String(length=500), nullable=True))
        batch.add_column(
            sa.Column("shipped_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("order_shipments") as batch:
        batch.drop_column("shipped_at")
        batch.drop_column("tracking_url")
        batch.drop_column("tracking_number")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("marketing_consent")
        batch.drop_column("contact_phone")
        batch.drop_column("contact_email")
        batch.drop_column("shipping_address")
