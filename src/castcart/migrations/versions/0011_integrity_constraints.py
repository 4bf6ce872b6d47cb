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

OPEN_PAYMENT = "status = 'pending'"


def upgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("checked_out_order_id", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column(
                "checked_out_at", castcart.core.types.UTCDateTime(timezone=True), nullable=True
            )
        )

    with op.batch_alter_table("coupon_redemptions") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            "uq_coupon_use_per_customer", ["coupon_id", "shopper_id", "sequence"]
        )
        batch.create_check_constraint(
            "coupon_use_sequence_positive", "sequence IS NULL OR sequence >= 1"
        )
    # Existing uses of per-customer-limited coupons get their sequence (1, 2, … per shopper).
    op.execute(
        """
        UPDATE coupon_redemptions SET sequence = (
            SELECT COUNT(*) FROM coupon_redemptions AS earlier
            WHERE earlier.coupon_id = coupon_redemptions.coupon_id
              AND earlier.shopper_id = coupon_redemptions.shopper_id
              AND earlier.id <= coupon_redemptions.id)
        WHERE coupon_id IN (SELECT id FROM coupons WHERE max_uses_per_customer IS NOT NULL)
        """
    )
    # Before the index, any second open payment of an order is closed as superseded.
    op.execute(
        """
        UPDATE payments SET status = 'superseded'
        WHERE status = 'pending' AND id NOT IN (
            SELECT MIN(id) FROM payments WHERE status = 'pending' GROUP BY order_id)
        """
    )
    op.create_index(
        "uq_payments_one_open_per_order",
        "payments",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_PAYMENT),
        postgresql_where=sa.text(OPEN_PAYMENT),
    )


def downgrade() -> None:
    op.drop_index("uq_payments_one_open_per_order", table_name="payments")
    with op.batch_alter_table("coupon_redemptions") as batch:
        batch.drop_constraint("coupon_use_sequence_positive", type_="check")
        batch.drop_constraint("uq_coupon_use_per_customer", type_="unique")
        batch.drop_column("sequence")
    with op.batch_alter_table("carts") as batch:
        batch.drop_column("checked_out_at")
        batch.drop_column("checked_out_order_id")
        batch.drop_column("version")
