"""What `accounts` contributes to the app: Stores, staff and shoppers: sign-up, login, sessions;
the sweeper that deletes spent live tickets and long-expired sessions."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "accounts",
    models=("castcart.accounts.models",),
    routers=(
        "castcart.accounts.api:router",
        "castcart.accounts.api:shop_router",
    ),
    lifespan=("castcart.accounts.module:token_sweeper",),
)

_SWEEP_INTERVAL_S = 600.0


def token_sweeper(app: Any, background: bool) -> AbstractAsyncContextManager[None]:
    """Every WebSocket connect spends a ticket row; without this they would pile up."""
    from starlette.concurrency import run_in_threadpool

    from castcart.accounts.service import purge_expired_tokens
    from castcart.core.clock import utcnow
    from castcart.web.lifecycle import nothing, periodic

    if not background:
        return nothing()
    ctx = app.state.ctx

    def purge() -> None:
        with ctx.db.write() as session:
            purge_expired_tokens(session, utcnow())

    async def sweep() -> None:
        await run_in_threadpool(purge)

    return periodic("token sweep", _SWEEP_INTERVAL_S, sweep)
