"""What a domain contributes to the application, declared in one place per domain
(``castcart/<domain>/module.py``) and looped over by the app factory and the CLI.

References are ``"package.module:attribute"`` strings resolved on use, so reading the
registry imports neither the web framework (the CLI's tax report needs no FastAPI) nor a
domain the caller does not use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


def resolve(reference: str) -> Any:
    """``"castcart.catalog.api:router"`` -> the object."""
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


@dataclass(frozen=True)
class DomainModule:
    """One domain's contributions. All fields are references (see ``resolve``).

    - ``models``: modules whose tables join ``Base.metadata`` (Alembic sees them).
    - ``routers``: FastAPI routers, included in this order.
    - ``install``: ``fn(app)`` called once when the app is built (wire subscribers,
      extra routes, state the routes need).
    - ``lifespan``: ``fn(app, background) -> async context manager`` entered when the app
      starts (in registry order) and left when it stops (in reverse); ``background`` is
      False in tests that want no background work.
    - ``commands``: ``(name, typer app)`` mounted as ``castcart <name> ...``.
    """

    name: str
    models: tuple[str, ...] = ()
    routers: tuple[str, ...] = ()
    install: tuple[str, ...] = ()
    lifespan: tuple[str, ...] = ()
    commands: tuple[tuple[str, str], ...] = ()
