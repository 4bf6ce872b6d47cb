"""`castcart tax report`: the period tax report over commerce's orders.

The command sits in the `tax` group for the operator, but it reads orders, so it belongs to
commerce (tax must not import commerce); the CLI merges groups of the same name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

tax_commands = typer.Typer()


@tax_commands.command("report")
def report_command(
    start: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day (UTC), inclusive")
    ],
    end: Annotated[
        datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day (UTC), inclusive")
    ],
    store: Annotated[
        str | None, typer.Option("--store", help="store slug (needed when there are several)")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the CSV here, not to stdout")
    ] = None,
) -> None:
    """The period tax report over the orders database (CASTCART_DATABASE_URL): seller-declared
    tax of paid orders grouped by scheme, jurisdiction and rate, as OSS/IOSS-style CSV."""
    from sqlalchemy import select

    from castcart.accounts.models import Store
    from castcart.commerce.taxreport import report_for_store
    from castcart.core.db import Database
    from castcart.core.settings import get_settings

    if end < start:
        typer.echo("error: --to is before --from", err=True)
        raise typer.Exit(code=2)
    db = Database(get_settings().effective_database_url, pool_size=1)
    try:
        with db.read() as session:
            query = select(Store).order_by(Store.slug)
            if store:
                query = query.where(Store.slug == store)
            stores = session.scalars(query).all()
            if len(stores) != 1:
                found = ", ".join(s.slug for s in stores) or "none"
                typer.echo(f"error: name one store with --store (found: {found})", err=True)
                raise typer.Exit(code=2)
            body = report_for_store(session, stores[0].id, start.date(), end.date())
    finally:
        db.dispose()
    if output is None:
        typer.echo(body, nl=False)
    else:
        output.write_text(body, encoding="utf-8")
