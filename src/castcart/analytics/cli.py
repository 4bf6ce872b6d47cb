"""`castcart analytics ...`: a show's figures from the shell.

``castcart analytics dashboard SHOW_ID`` prints every dashboard figure as JSON, read from
the analytics store (a DuckDB file is opened read-only: while ``castcart serve`` holds it
for writing, DuckDB refuses a second process, and the command says so — ask the API then,
``GET /api/v1/analytics/shows/SHOW_ID/dashboard``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="Show analytics: figures, funnels, attribution.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Show analytics commands."""


@app.command("dashboard")
def dashboard_command(
    show_id: Annotated[str, typer.Argument(help="the show's id")],
    product: Annotated[str, typer.Option(help="a product's funnel instead")] = "",
) -> None:
    """Every figure of a show's dashboard, as JSON."""
    from castcart.accounts.models import Store
    from castcart.analytics import dashboard
    from castcart.analytics.recorder import store_location
    from castcart.analytics.store import open_store, run
    from castcart.core.db import Database
    from castcart.core.settings import get_settings
    from castcart.shows.models import Show

    settings = get_settings()
    if settings.analytics_backend == "off":
        raise typer.BadParameter("analytics is off (CASTCART_ANALYTICS_BACKEND=off)")
    db = Database(settings.effective_database_url, pool_size=1)
    with db.read() as session:
        show = session.get(Show, show_id)
        if show is None:
            typer.echo(f"show {show_id} not found", err=True)
            raise typer.Exit(2)
        store = session.get(Store, show.store_id)
        currency = store.currency if store else ""
        store_id = show.store_id
    try:
        store_ = open_store(settings.analytics_backend, store_location(settings), read_only=True)
    except Exception as exc:  # the DuckDB file is held by a running server
        typer.echo(f"cannot open the analytics store: {exc}", err=True)
        raise typer.Exit(1) from None
    try:
        if product:
            rows = run(store_, "funnel", store_id=store_id, show_id=show_id, product_id=product)
            out = dashboard.funnel_totals(rows)
        else:

            def query(name: str, **params: object) -> list[dict[str, object]]:
                return run(store_, name, **params)

            out = dashboard.build(query, store_id, show_id, currency)
    finally:
        store_.close()
    typer.echo(json.dumps(out, indent=2, default=str))
