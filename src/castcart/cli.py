"""The ``castcart`` command: serve, migrate, and each domain's own commands."""

from __future__ import annotations

import contextlib

import typer

app = typer.Typer(
    help="castcart: live shopping for cross-border independent stores.", no_args_is_help=True
)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, help="worker processes (share a show through Redis)"),
    log_level: str = typer.Option("info", help="uvicorn log level (warning: no access log)"),
) -> None:
    """Run the HTTP/WebSocket server (migrates the database first)."""
    import uvicorn

    from castcart.core.migrate import upgrade
    from castcart.core.settings import get_settings
    from castcart.web.serving import uvicorn_options

    settings = get_settings()
    upgrade(settings.effective_database_url)
    uvicorn.run(
        "castcart.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=True,
        **uvicorn_options(settings),
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
    stream: bool = typer.Option(True, help="feed the show a generated test stream"),
    chatters: int = typer.Option(5, min=0, max=5, help="simulated viewers chatting"),
) -> None:
    """Seed a demo store, serve it with a live show fed by a test stream and simulated
    viewers, and print the URLs of the shopper page, host console and admin."""
    import asyncio

    from castcart.core.db import Database
    from castcart.core.migrate import upgrade
    from castcart.core.settings import get_settings
    from castcart.demo.runner import DemoOptions, feed_test_pattern, run_demo
    from castcart.demo.seed import seed_demo

    settings = get_settings()
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url, pool_size=2)
    store = seed_demo(db)
    db.dispose()
    if seed_only:
        typer.echo(f"demo store {store.slug} seeded (show {store.show_id})")
        return
    options = DemoOptions(host=host, port=port, chatters=chatters, stream=stream)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_demo(settings, store, options, feed_stream=feed_test_pattern, on_ready=typer.echo)
        )


def _mount_domain_commands() -> None:
    """``castcart tax ...``, ``castcart worker ...``: each domain's commands, from the
    module registry (``castcart.modules``)."""
    from castcart.core.modules import resolve
    from castcart.modules import domain_modules

    groups: dict[str, list[typer.Typer]] = {}
    for module in domain_modules():
        for name, reference in module.commands:
            groups.setdefault(name, []).append(resolve(reference))
    for name, typers in groups.items():
        # A domain may add commands to another's group (commerce's `tax report`): the group
        # is the one with a callback (its help), the others lend it their commands.
        typers.sort(key=lambda t: t.registered_callback is None)
        group = typers[0]
        for extra in typers[1:]:
            group.registered_commands.extend(extra.registered_commands)
        app.add_typer(group, name=name)


_mount_domain_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
