"""Helpers for the domains' lifespans (``DomainModule.lifespan``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

log = logging.getLogger(__name__)


@asynccontextmanager
async def periodic(
    name: str, interval_s: float, run: Callable[[], Awaitable[None]]
) -> AsyncIterator[None]:
    """Run ``run`` every ``interval_s`` in a task for as long as the app lives; a failed pass
    is logged and the next one runs (one bad pass must not stop expiry or relaying)."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await run()
            except Exception:
                log.exception("%s pass failed", name)

    task = asyncio.create_task(loop(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def first_user(app: FastAPI, key: str) -> bool:
    """Count one more server running this app object; True for the first. Bus listeners
    attach once per app even when two servers serve the same app (tests do), or every
    event would be handled twice."""
    users: dict[str, int] | None = getattr(app.state, "lifespan_users", None)
    if users is None:
        users = app.state.lifespan_users = {}
    users[key] = users.get(key, 0) + 1
    return users[key] == 1


def last_user(app: FastAPI, key: str) -> bool:
    users: dict[str, int] = app.state.lifespan_users
    users[key] -= 1
    return users[key] == 0


@asynccontextmanager
async def nothing() -> AsyncIterator[None]:
    """The lifespan of a domain with no background work in this app (tests)."""
    yield
