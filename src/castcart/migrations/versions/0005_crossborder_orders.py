"""crossborder_orders: order FX/tax/destination, shipping lanes (issue 4)

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _order_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("store_currency", sa.String(length=3), nullable=True),
        sa.Column("fx_rate", sa.String(length=64), nullable=True),
        sa.Column("fx_source", sa.String(length=300), nullable=True),
        sa.Column("fx_as_of", castcart.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("destination_country", sa.String(length=2), nullable=True),
        sa.Column("destination_region", sa.String(length=8), nullable=True),
        sa.Column("buyer_vat_id", sa.String(length=32), nullable=True),
        sa.Column("buyer", sa.JSON(), nullable=True),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=True),
        sa.Column("tax_category", sa.String(length=32), nullable=True),
        sa.Column("tax_rule", sa.String(length=64), nullable=True),
        sa.Column("tax_scheme", sa.String(length=32), nullable=True),
        sa.Column("registration_number", sa.String(length=64), nullable=True),
        sa.Column("shipping_amount", sa.Integer(), server_default="0", nullable=False),
        sa.Column("tax_amount", sa.Integer(), server_default="0", nullable=False),
        sa.Column("included_tax_amount", sa.Integer(), server_default="0", nullable=False),
        sa.Column("duty_amount", sa.Integer(), server_default="0", nullable=False),
        sa.Column("due_at_import_amount", sa.Integer(), server_default="0", nullable=False),
        sa.Column("payment_method", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=True),
    )


def upgrade() -> None:
    for column in _order_columns():
        op.add_column("orders", column)
    op.create_index(
        op.f("ix_orders_destination_country"), "orders", ["destination_country"], unique=False
    )
    op.add_column("payments", sa.Column("method", sa.String(length=32), nullable=True))
    op.add_column(
        "warehouses",
        sa.Column("cutoff_local_time", sa.String(length=5), server_default="14:00", nullable=False),
    )
    op.add_column("warehouses", sa.Column("timezone", sa.String(length=64), nullable=True))
    op.add_column("warehouses", sa.Column("subdivision", sa.String(length=8), nullable=True))

    op.create_table(
        "order_tax_lines",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("rate_percent", sa.String(length=16), nullable=False),
        sa.Column("base_amount", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("collected_at", sa.String(length=8), nullable=False),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_order_tax_lines_order_id"), "order_tax_lines", ["order_id"], unique=False
    )
    op.create_table(
        "order_shipments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.String(length=32), nullable=False),
        sa.Column("warehouse_code", sa.String(length=32), nullable=False),
        sa.Column("lane_id", sa.String(length=32), nullable=True),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("customs", sa.Boolean(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("dispatch_date", sa.Date(), nullable=True),
        sa.Column("earliest_date", sa.Date(), nullable=True),
        sa.Column("latest_date", sa.Date(), nullable=True),
        sa.Column("business_days_min", sa.Integer(), nullable=True),
        sa.Column("business_days_max", sa.Integer(), nullable=True),
        sa.Column("local_stock", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_order_shipments_order_id"), "order_shipments", ["order_id"], unique=False
    )
    op.create_table(
        "store_tax_settings",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("vat_number", sa.String(length=32), nullable=True),
        sa.Column("ioss_number", sa.String(length=32), nullable=True),
        sa.Column("registrations", sa.JSON(), nullable=False),
        sa.Column("ddp", sa.Boolean(), nullable=False),
        sa.Column("eu_distance_sales_prior_year", sa.Integer(), nullable=True),
        sa.Column("eu_distance_sales_current_year", sa.Integer(), nullable=True),
        sa.Column("updated_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("store_id"),
    )
    op.create_table(
        "shipping_lanes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("warehouse_id", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("destinations", sa.JSON(), nullable=False),
        sa.Column("transit_days_min", sa.Integer(), nullable=False),
        sa.Column("transit_days_max", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("flat_amount", sa.Integer(), nullable=True),
        sa.Column("weight_bands", sa.JSON(), nullable=True),
        sa.Column("extra_per_kg_amount", sa.Integer(), nullable=True),
        sa.Column("customs", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("transit_days_min <= transit_days_max", name="lane_transit_ordered"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_shipping_lanes_store_id"), "shipping_lanes", ["store_id"], unique=False
    )
    op.create_index(
        op.f("ix_shipping_lanes_warehouse_id"), "shipping_lanes", ["warehouse_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_shipping_lanes_warehouse_id"), table_name="shipping_lanes")
    op.drop_index(op.f("ix_shipping_lanes_store_id"), table_name="shipping_lanes")
    op.drop_table("shipping_lanes")
    op.drop_table("store_tax_settings")
    op.drop_index(op.f("ix_order_shipments_order_id"), table_name="order_shipments")
    op.drop_table("order_shipments")
    op.drop_index(op.f("ix_order_tax_lines_order_id"), table_name="order_tax_lines")
    op.drop_table("order_tax_lines")
    with op.batch_alter_table("warehouses") as batch:
        for name in ("subdivision", "timezone", "cutoff_local_time"):
            batch.drop_column(name)
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("method")
    op.drop_index(op.f("ix_orders_destination_country"), table_name="orders")
    with op.batch_alter_table("orders") as batch:
        for column in reversed(_order_columns()):
            batch.drop_column(column.name)
