"""price history (every price a variant was offered at) and claim evidence records

Revision ID: 0022
Revises: 0021

The backfill gives every existing variant its current catalog price as a ``list`` row from
its product's creation (the best date on record), every flash sale its window, and every
live price of a show that went live the show's live window, so price references can be
judged from the first day.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = castcart.core.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    price_changes = op.create_table(
        "price_changes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("variant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("previous_amount", sa.Integer(), nullable=True),
        sa.Column("show_id", sa.String(length=32), nullable=True),
        sa.Column("flash_sale_id", sa.String(length=32), nullable=True),
        sa.Column("markets", sa.String(length=200), server_default="", nullable=False),
        sa.Column("starts_at", UTC_DT, nullable=True),
        sa.Column("ends_at", UTC_DT, nullable=True),
        sa.Column("recorded_at", UTC_DT, nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("note", sa.String(length=40), server_default="", nullable=False),
        sa.CheckConstraint("amount >= 0", name="price_change_non_negative"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_price_changes_store_id"), "price_changes", ["store_id"])
    op.create_index(op.f("ix_price_changes_show_id"), "price_changes", ["show_id"])
    op.create_index("ix_price_changes_variant_starts", "price_changes", ["variant_id", "starts_at"])
    op.create_table(
        "claim_evidence",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=True),
        sa.Column("claim", sa.String(length=300), nullable=False),
        sa.Column("evidence_text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("file_ref", sa.String(length=500), nullable=True),
        sa.Column("markets", sa.String(length=200), server_default="", nullable=False),
        sa.Column("valid_until", UTC_DT, nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("revoked_at", UTC_DT, nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_claim_evidence_store_id"), "claim_evidence", ["store_id"])
    op.create_index(op.f("ix_claim_evidence_product_id"), "claim_evidence", ["product_id"])
    _backfill(price_changes)


def _backfill(price_changes: sa.Table) -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    rows: list[dict[str, object]] = []

    def row(**values: object) -> None:
        rows.append(
            {
                "id": uuid.uuid4().hex,
                "previous_amount": None,
                "show_id": None,
                "flash_sale_id": None,
                "markets": "",
                "ends_at": None,
                "recorded_at": now,
                "actor": None,
                "note": "backfill",
                **values,
            }
        )

    meta = sa.MetaData()
    variants = sa.Table("variants", meta, autoload_with=bind)
    products = sa.Table("products", meta, autoload_with=bind)
    stores = sa.Table("stores", meta, autoload_with=bind)
    shows = sa.Table("shows", meta, autoload_with=bind)
    flash = sa.Table("flash_sales", meta, autoload_with=bind)
    live = sa.Table("live_prices", meta, autoload_with=bind)
    for v in bind.execute(
        sa.select(
            variants.c.id,
            variants.c.store_id,
            variants.c.price_amount,
            variants.c.currency,
            products.c.created_at,
        ).join(products, products.c.id == variants.c.product_id)
    ):
        row(
            store_id=v.store_id,
            variant_id=v.id,
            kind="list",
            amount=v.price_amount,
            currency=v.currency,
            starts_at=UTC_DT.process_result_value(v.created_at, bind.dialect),
        )
    for f in bind.execute(
        sa.select(
            flash.c.id,
            flash.c.store_id,
            flash.c.show_id,
            flash.c.variant_id,
            flash.c.price_amount,
            flash.c.starts_at,
            flash.c.ends_at,
            shows.c.markets,
            stores.c.currency,
        )
        .join(shows, shows.c.id == flash.c.show_id)
        .join(stores, stores.c.id == flash.c.store_id)
    ):
        row(
            store_id=f.store_id,
            variant_id=f.variant_id,
            kind="flash",
            amount=f.price_amount,
            currency=f.currency,
            show_id=f.show_id,
            flash_sale_id=f.id,
            markets=f.markets or "",
            starts_at=UTC_DT.process_result_value(f.starts_at, bind.dialect),
            ends_at=UTC_DT.process_result_value(f.ends_at, bind.dialect),
        )
    for p in bind.execute(
        sa.select(
            live.c.variant_id,
            live.c.price_amount,
            shows.c.id.label("show_id"),
            shows.c.store_id,
            shows.c.markets,
            shows.c.started_at,
            shows.c.ended_at,
            stores.c.currency,
        )
        .join(shows, shows.c.id == live.c.show_id)
        .join(stores, stores.c.id == shows.c.store_id)
    ):
        started = UTC_DT.process_result_value(p.started_at, bind.dialect)
        row(
            store_id=p.store_id,
            variant_id=p.variant_id,
            kind="live",
            amount=p.price_amount,
            currency=p.currency,
            show_id=p.show_id,
            markets=p.markets or "",
            starts_at=started,
            ends_at=UTC_DT.process_result_value(p.ended_at, bind.dialect)
            if started is not None
            else None,
        )
    if rows:
        op.bulk_insert(price_changes, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_evidence_product_id"), table_name="claim_evidence")
    op.drop_index(op.f("ix_claim_evidence_store_id"), table_name="claim_evidence")
    op.drop_table("claim_evidence")
    op.drop_index("ix_price_changes_variant_starts", table_name="price_changes")
    op.drop_index(op.f("ix_price_changes_show_id"), table_name="price_changes")
    op.drop_index(op.f("ix_price_changes_store_id"), table_name="price_changes")
    op.drop_table("price_changes")
