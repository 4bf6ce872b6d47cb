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
    - ``subscribes``: the event types the domain's subscribers act on, each either a dotted
      type (``"order.paid"``) or a reference to the collection of types the subscriber
      itself loops over (``"castcart.audit.recorder:AUDITED_TYPES"``, or a function that
      returns them), so the declaration is the code. The event catalogue in
      ``docs/architecture.md`` is generated from these (``python -m castcart.catalogue``)
      and a test holds the two together.
    """

    name: str
    models: tuple[str, ...] = ()
    routers: tuple[str, ...] = ()
    install: tuple[str, ...] = ()
    lifespan: tuple[str, ...] = ()
    commands: tuple[tuple[str, str], ...] = ()
    subscribes: tuple[str, ...] = ()

    def subscribed_types(self) -> frozenset[str]:
        """``subscribes`` with its references resolved."""
        found: set[str] = set()
        for entry in self.subscribes:
            if ":" in entry:
                value = resolve(entry)
                found.update(str(t) for t in (value() if callable(value) else value))
            else:
                found.add(entry)
        return frozenset(found)
