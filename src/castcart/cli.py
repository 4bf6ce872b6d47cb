"""The ``castcart`` command: serve, migrate, and each domain's own commands."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="castcart: live shopping for cross-border independent stores.", no_args_is_help=True
)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, help="worker processes (share a show through Redis)"),
) -> None:
    """Run the HTTP/WebSocket server (migrates the database first)."""
    import uvicorn

    from castcart.core.migrate import upgrade
    from castcart.core.settings import get_settings

    upgrade(get_settings().effective_database_url)
    uvicorn.run(
        "castcart.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
    )


@app.command()
def migrate(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Bring the database schema to a revision (default: the latest)."""
    from castcart.core.migrate import upgrade
    from castcart.core.settings import get_settings

    url = get_settings().effective_database_url
    upgrade(url, revision)
    typer.echo(f"database at {revision}")


def _mount_domain_commands() -> None:
    """Domains that ship a CLI expose ``cli.app``; mount whichever are present."""
    import importlib

    for name in ("tax", "compliance"):
        try:
            module = importlib.import_module(f"castcart.{name}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"castcart.{name}.cli":
                raise
            continue
        app.add_typer(module.app, name=name)


_mount_domain_commands()


def main() -> None:
    app()
