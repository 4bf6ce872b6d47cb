"""``castcart audit``: the retention job for cron or a systemd timer."""

from __future__ import annotations

import typer

app = typer.Typer(help="The show audit log.", no_args_is_help=True)


@app.command()
def purge() -> None:
    """Delete the audit logs of shows that ended longer ago than their store keeps them."""
    from castcart.audit.service import purge_expired
    from castcart.core.clock import utcnow
    from castcart.core.db import Database
    from castcart.core.settings import get_settings

    db = Database(get_settings().effective_database_url, pool_size=1)
    try:
        with db.write() as session:
            deleted = purge_expired(session, now=utcnow())
    finally:
        db.dispose()
    typer.echo(f"deleted {deleted} audit entries")


@app.command()
def verify(show_id: str = typer.Argument(..., help="the show whose chain to check")) -> None:
    """Recompute a show's hash chain; exit 1 if it was tampered with."""
    from sqlalchemy import select

    from castcart.audit.service import verify_show
    from castcart.core.db import Database
    from castcart.core.settings import get_settings
    from castcart.shows.models import Show

    db = Database(get_settings().effective_database_url, pool_size=1)
    try:
        with db.read() as session:
            store_id = session.scalar(select(Show.store_id).where(Show.id == show_id))
            if store_id is None:
                typer.echo(f"no show {show_id}", err=True)
                raise typer.Exit(2)
            result = verify_show(session, store_id, show_id)
    finally:
        db.dispose()
    if result.valid:
        typer.echo(f"ok: {result.checked} entries")
        return
    typer.echo(f"BROKEN at seq {result.first_bad_seq}: {result.reason}", err=True)
    raise typer.Exit(1)
