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


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    seed_only: bool = typer.Option(False, help="seed the demo store and exit"),
) -> None:
    """Seed a demo store with a live show, print its URLs and credentials, and serve it."""
    import uvicorn

    from castcart.core.db import Database
    from castcart.core.migrate import upgrade
    from castcart.core.settings import get_settings
    from castcart.demo.seed import seed_demo

    settings = get_settings()
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url, pool_size=2)
    store = seed_demo(db)
    db.dispose()
    base = f"http://{host}:{port}"
    typer.echo(
        "\ncastcart demo is ready\n"
        f"  API (interactive docs)  {base}/docs\n"
        f"  Live show (shop API)    {base}/api/v1/shop/{store.slug}/shows/{store.show_id}\n"
        f"  Storefront products     {base}/api/v1/shop/{store.slug}/products\n"
        f"  Staff login             POST {base}/api/v1/auth/login\n"
        f"     store={store.slug}  owner={store.owner_email}  host={store.host_email}\n"
        f"     password={store.password}\n"
        f"  Readiness               {base}/readyz\n"
        "  (Shopper page, host console and test video stream arrive with the live-room work.)\n"
    )
    if seed_only:
        return
    uvicorn.run("castcart.web.asgi:app", host=host, port=port, log_level="info")


def _mount_domain_commands() -> None:
    """Domains that ship a CLI expose ``cli.app``; mount whichever are present."""
    import importlib

    for name in ("tax", "compliance", "audit"):
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


if __name__ == "__main__":
    main()
