"""Alembic environment: runs against the URL the caller put in the config."""

from __future__ import annotations

from alembic import context

import castcart.models
from castcart.core.db import make_engine

config = context.config
target_metadata = castcart.models.Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or ""
    engine = make_engine(url, pool_size=1)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
