"""The module registry is the one list of what each domain contributes: every router a
domain defines is mounted from it, every domain package is registered, and each MODULE
names itself."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

import castcart
from castcart.core.modules import resolve
from castcart.modules import DOMAINS, domain_modules

# routers an install hook mounts itself (it needs app state first)
MOUNTED_BY_INSTALL = {
    "castcart.realtime.api:staff_router",
    "castcart.pages.routes:router",
    "castcart.pages.routes:api_router",
}
NOT_DOMAINS = {"core", "events", "web", "migrations"}


def test_every_domain_package_is_registered() -> None:
    packages = {
        info.name for info in pkgutil.iter_modules(castcart.__path__) if info.ispkg
    } - NOT_DOMAINS
    assert packages - set(DOMAINS) == set(), "add castcart/<name>/module.py and list it"
    assert [module.name for module in domain_modules()] == list(DOMAINS)


def test_every_router_a_domain_defines_is_mounted_from_the_registry() -> None:
    mounted = {
        id(resolve(ref)): ref
        for ref in [*MOUNTED_BY_INSTALL, *(r for m in domain_modules() for r in m.routers)]
    }
    unmounted = []
    for name in DOMAINS:
        package = importlib.import_module(f"castcart.{name}")
        for info in pkgutil.iter_modules(package.__path__):
            api_like = info.name == "api" or info.name.endswith("_api")
            if not (api_like or info.name in {"routes", "assets"}):
                continue
            module = importlib.import_module(f"castcart.{name}.{info.name}")
            for attribute, value in vars(module).items():
                if isinstance(value, APIRouter) and id(value) not in mounted:
                    unmounted.append(f"castcart.{name}.{info.name}:{attribute}")
    assert unmounted == []
