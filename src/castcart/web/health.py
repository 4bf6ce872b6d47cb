from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from castcart.core.migrate import current_revision, head_revision
from castcart.web.deps import Ctx

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(ctx: Ctx) -> dict[str, str] | JSONResponse:
    """Readiness: the database answers and its schema is at the code's migration head."""
    try:
        with ctx.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(ctx.db.engine)
    except Exception as exc:  # any database failure means "not ready", never a 500
        return JSONResponse(
            {"status": "unavailable", "reason": type(exc).__name__}, status_code=503
        )
    head = head_revision()
    if current != head:
        return JSONResponse(
            {"status": "migrating", "database": str(current), "code": head}, status_code=503
        )
    return {
        "status": "ready",
        "database": "sqlite" if ctx.db.sqlite else "postgresql",
        "revision": str(head),
    }
