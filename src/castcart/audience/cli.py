"""``castcart worker reminders`` (the reminder sender as its own process) and
``castcart audience vapid-keys`` / ``castcart audience sweep-replays``."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import typer

worker_app = typer.Typer()
app = typer.Typer(help="Show reminders and replays.", no_args_is_help=True)


@worker_app.command()
def reminders(
    interval: float = typer.Option(0.0, help="seconds between passes (default: the setting)"),
    once: bool = typer.Option(False, help="one pass, then exit"),
) -> None:
    """Send due show reminders (24 h, 10 min, go-live) by e-mail and Web Push, with retries.
    Any number may run beside the app: each reminder is claimed once."""
    from castcart.audience.sender import ReminderSender
    from castcart.core.db import Database
    from castcart.core.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    db = Database(settings.effective_database_url, pool_size=2)
    sender = ReminderSender(db, settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    pause = interval or settings.reminders_poll_seconds
    try:
        while True:
            report = sender.run_once()
            if report.sent or report.retrying or report.failed:
                typer.echo(
                    f"reminders sent={len(report.sent)} retrying={report.retrying} "
                    f"failed={report.failed} skipped={report.skipped}"
                )
            if once or stop.wait(pause):
                break
    finally:
        db.dispose()


@app.command("vapid-keys")
def vapid_keys(
    out: Path = typer.Option(..., help="where to write the private key (PEM, mode 0600)"),
) -> None:
    """Generate the VAPID key pair for Web Push; set CASTCART_VAPID_PRIVATE_KEY_FILE to OUT.
    Keep the file: a new key invalidates every browser's subscription."""
    from castcart.audience.push import generate_vapid_keys

    try:
        public = generate_vapid_keys(out)
    except FileExistsError as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from None
    typer.echo(f"CASTCART_VAPID_PRIVATE_KEY_FILE={out.resolve()}")
    typer.echo(f"public key (applicationServerKey): {public}")


@app.command("sweep-replays")
def sweep_replays() -> None:
    """Delete the replays (and their media) past their store's retention now."""
    from castcart.audience.replay import sweep_expired
    from castcart.core.clock import utcnow
    from castcart.core.db import Database
    from castcart.core.settings import get_settings

    settings = get_settings()
    db = Database(settings.effective_database_url, pool_size=1)
    try:
        deleted = sweep_expired(db, settings, utcnow())
    finally:
        db.dispose()
    typer.echo(f"deleted {len(deleted)} replays")
