"""multilingual: translations cache, glossary, localized catalog (issue 6)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_languages",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("updated_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("store_id"),
    )
    op.create_table(
        "glossary_terms",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("source_lang", sa.String(length=8), nullable=False),
        sa.Column("target_lang", sa.String(length=8), nullable=False),
        sa.Column("translation", sa.String(length=200), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("store_id", "term", "source_lang", "target_lang", name="uq_glossary"),
    )
    op.create_index(
        op.f("ix_glossary_terms_store_id"), "glossary_terms", ["store_id"], unique=False
    )
    op.create_table(
        "translation_cache",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("translation", sa.Text(), nullable=False),
        sa.Column("created_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("translation_cache")
    op.drop_index(op.f("ix_glossary_terms_store_id"), table_name="glossary_terms")
    op.drop_table("glossary_terms")
    op.drop_table("store_languages")
