"""What `audit` contributes to the app: The tamper-evident log of what each show displayed and
said.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "audit",
    models=("castcart.audit.models",),
    routers=("castcart.audit.api:router",),
    lifespan=("castcart.audit.module:recorder_lifespan",),
    commands=(("audit", "castcart.audit.cli:app"),),
    subscribes=("castcart.audit.recorder:AUDITED_TYPES",),
)


@asynccontextmanager
async def recorder_lifespan(app: Any, background: bool) -> AsyncIterator[None]:
    """The show audit log listens to the bus on its own thread (never slows the room)."""
    from castcart.audit import AuditRecorder
    from castcart.web.lifecycle import first_user, last_user

    if first_user(app, "audit"):
        recorder = AuditRecorder(app.state.ctx.db)
        recorder.attach(app.state.ctx.bus)
        app.state.ctx.services.provide(AuditRecorder, recorder)
    try:
        yield
    finally:
        if last_user(app, "audit"):
            stopped = app.state.ctx.services.remove(AuditRecorder)
            if stopped is not None:
                stopped.close()
