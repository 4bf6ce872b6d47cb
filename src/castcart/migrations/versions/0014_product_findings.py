"""product copy compliance findings kept for review

Revision ID: 0014
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_findings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=80), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("excerpt", sa.String(length=300), nullable=False),
        sa.Column("suggestion", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.Column("resolved_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "fingerprint"),
    )
    for column in ("store_id", "product_id"):
        op.create_index(
            op.f(f"ix_product_findings_{column}"), "product_findings", [column], unique=False
        )


def downgrade() -> None:
    for column in ("product_id", "store_id"):
        op.drop_index(op.f(f"ix_product_findings_{column}"), table_name="product_findings")
    op.drop_table("product_findings")
