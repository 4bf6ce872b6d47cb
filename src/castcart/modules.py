"""The registry of domain modules: the one list the app factory, the CLI and Alembic loop
over. A new domain adds ``castcart/<name>/module.py`` (``MODULE = DomainModule(...)``) and
its name here; order is the order routers are included and lifespans entered."""

from __future__ import annotations

from functools import cache

from castcart.core.modules import DomainModule, resolve

DOMAINS = (
    "accounts",
    "catalog",
    "shows",
    "commerce",
    "fulfillment",
    "compliance",
    "privacy",
    "audit",
    "moderation",
    "demo",
    "realtime",
    "engagement",
    "lingua",
    "captions",
    "media",
    "tax",
    "money",
    "payment_methods",
    "notifications",
    "analytics",
    "provenance",
    "audience",
    "assistant",
    "pages",  # last: the pages' routes are the most general
)


@cache
def domain_modules() -> tuple[DomainModule, ...]:
    modules = tuple(resolve(f"castcart.{name}.module:MODULE") for name in DOMAINS)
    for name, module in zip(DOMAINS, modules, strict=True):
        if not isinstance(module, DomainModule) or module.name != name:
            raise TypeError(f"castcart.{name}.module:MODULE must be DomainModule({name!r}, …)")
    return modules


def import_all_models() -> None:
    """Every domain's tables on ``Base.metadata`` (Alembic, the schema test)."""
    resolve("castcart.events.outbox")  # the event outbox belongs to the spine, not a domain
    for module in domain_modules():
        for reference in module.models:
            resolve(reference)
