"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL, as
one linear chain (several branches merged without relinking would leave two heads)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

import castcart.models  # noqa: F401 - every domain's tables on Base.metadata
from castcart.core.db import Base
from castcart.core.migrate import alembic_config, upgrade

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def test_the_migrations_form_one_chain() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    upgrade(database_url)
    url = database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": False, "compare_server_default": False}
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    # only what would change the tables: added/removed tables and columns, nullability
    relevant = [
        change
        for change in diff
        if isinstance(change, tuple)
        and change[0] in {"add_table", "remove_table", "add_column", "remove_column"}
    ]
    assert relevant == [], relevant
