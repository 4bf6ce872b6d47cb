"""``castcart fx ...``: refresh the FX rates from the ECB feed the operator configures."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from castcart.money.feed import age_days, fx_dir, refresh, stored
from castcart.money.fx import FxError

app = typer.Typer(help="FX reference rates (ECB daily XML).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """FX rate commands."""


@app.command("refresh")
def refresh_command(
    url: Annotated[str | None, typer.Option(help="eurofxref-daily.xml URL")] = None,
    file: Annotated[Path | None, typer.Option(help="a downloaded eurofxref-daily.xml")] = None,
    every: Annotated[
        int, typer.Option(min=0, help="keep running, refreshing every N seconds (0: once)")
    ] = 0,
) -> None:
    """Fetch (``--url``, default: the CASTCART_FX_FEED_URL setting) or read (``--file``)
    the ECB daily rates, check them and keep them with their date for quotes."""
    from castcart.core.settings import get_settings

    settings = get_settings()
    if url is None and file is None:
        url = settings.fx_feed_url or None
    if url is None and file is None:
        typer.echo("no source: give --url or --file (or set CASTCART_FX_FEED_URL)", err=True)
        raise typer.Exit(2)
    directory = fx_dir(settings.data_dir)
    while True:
        try:
            snap = refresh(directory, url=url, file=file)
            typer.echo(f"FX rates of {snap.as_of:%Y-%m-%d} kept in {directory}")
        except FxError as exc:
            typer.echo(f"FX refresh failed: {exc}", err=True)
            if not every:
                raise typer.Exit(1) from exc
        if not every:
            return
        time.sleep(every)  # a failed refresh keeps the last good rates and retries


@app.command("status")
def status_command() -> None:
    """The kept rates' date and age."""
    from castcart.core.settings import get_settings

    settings = get_settings()
    snap = stored(fx_dir(settings.data_dir))
    if snap is None:
        typer.echo("no refreshed rates: quotes use the bundled snapshot")
        return
    age = age_days(snap)
    stale = " (STALE)" if age > settings.fx_max_age_days else ""
    typer.echo(f"rates of {snap.as_of:%Y-%m-%d}, {age} days old{stale}")
