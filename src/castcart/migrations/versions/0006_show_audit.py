"""show_audit: append-only show audit log, retention (issue 5)

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import castcart.core.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_NO_UPDATE = "show audit entries are append-only"


def upgrade() -> None:
    op.create_table(
        "show_audit_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("show_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", castcart.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="uq_show_audit_event"),
        sa.UniqueConstraint("show_id", "seq", name="uq_show_audit_seq"),
    )
    op.create_index(
        op.f("ix_show_audit_entries_store_id"), "show_audit_entries", ["store_id"], unique=False
    )
    # Append-only in the database itself, not just in the code: updates are refused.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION castcart_audit_no_update() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{_NO_UPDATE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER show_audit_no_update BEFORE UPDATE ON show_audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION castcart_audit_no_update()"
        )
    else:
        op.execute(
            "CREATE TRIGGER show_audit_no_update BEFORE UPDATE ON show_audit_entries "
            f"BEGIN SELECT RAISE(ABORT, '{_NO_UPDATE}'); END"
        )
    with op.batch_alter_table("stores") as batch:
        batch.add_column(
            sa.Column("audit_retention_days", sa.Integer(), server_default="730", nullable=False)
        )
    with op.batch_alter_table("shows") as batch:
        batch.add_column(
            sa.Column("markets", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("shows") as batch:
        batch.drop_column("markets")
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("audit_retention_days")
    op.execute(
        "DROP TRIGGER IF EXISTS show_audit_no_update ON show_audit_entries"
        if op.get_bind().dialect.name == "postgresql"
        else "DROP TRIGGER IF EXISTS show_audit_no_update"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS castcart_audit_no_update()")
    op.drop_index(op.f("ix_show_audit_entries_store_id"), table_name="show_audit_entries")
    op.drop_table("show_audit_entries")
