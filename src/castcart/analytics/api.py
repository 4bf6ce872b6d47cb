"""HTTP side of analytics: the consent-gated beacon (``POST .../analytics/beacon``, what
``navigator.sendBeacon`` sends from the shopper page and widget) and the staff figures
(``GET /api/v1/analytics/shows/{show_id}/...``), tenant-isolated through ``get_show``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from castcart.accounts.service import shopper_principal
from castcart.analytics import dashboard, export
from castcart.analytics.errors import AnalyticsErrorCode
from castcart.analytics.queries import DASHBOARD_QUERIES
from castcart.analytics.recorder import Analytics
from castcart.analytics.schemas import BeaconIn
from castcart.analytics.service import beacon_events, now_ms
from castcart.core.errors import (
    AuthenticationError,
    DomainError,
    NotFoundError,
    UnprocessableError,
)
from castcart.shows.service import get_show
from castcart.web.context import AppContext
from castcart.web.deps import Ctx, PublicStore, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(tags=["analytics"], responses=ERROR_RESPONSES)
ShowId = Annotated[str, Path(max_length=32)]


def analytics_of(ctx: AppContext) -> Analytics:
    found = ctx.services.get(Analytics)
    if found is None or not found.enabled:
        raise DomainError(
            "analytics is off (CASTCART_ANALYTICS_BACKEND)",
            code=AnalyticsErrorCode.ANALYTICS_UNAVAILABLE,
        )
    return found


@router.post("/api/v1/shop/{store_slug}/analytics/beacon", status_code=200)
async def beacon(ctx: Ctx, store: PublicStore, request: Request) -> dict[str, int]:
    """A batch of page events. The body is JSON sent as ``text/plain`` (what sendBeacon
    can send cross-site without a preflight). Without the shopper's ``analytics`` consent
    (or without a shopper ``token``) the events are counted as refused and not stored:
    the page's events are none of the strictly necessary ones."""
    body = await request.body()  # at most 64 KiB, like every shop route (web/limits.py: 413)
    try:
        payload = BeaconIn.model_validate_json(body)
    except ValidationError as exc:
        raise UnprocessableError(
            "bad beacon",
            code=AnalyticsErrorCode.BAD_BEACON,
            details=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from None
    analytics = analytics_of(ctx)
    store_id = store.id

    def admit() -> str | None:
        if not payload.token:
            return None
        shopper_id = analytics.sessions.get(store_id, payload.token)
        if shopper_id is None:
            with ctx.db.read() as session:
                try:
                    shopper = shopper_principal(session, payload.token, store_id)
                except AuthenticationError:
                    return None
            shopper_id = analytics.sessions.put(store_id, payload.token, shopper.shopper_id)
        return shopper_id if analytics.gate.allowed(store_id, shopper_id) else None

    cached = analytics.sessions.get(store_id, payload.token) if payload.token else None
    if cached is not None and analytics.gate.cached(store_id, cached) is True:
        shopper_id: str | None = cached  # both answers cached: no thread hop
    else:
        shopper_id = await run_in_threadpool(admit)
    if shopper_id is None:
        return {"accepted": 0, "refused": len(payload.events)}
    events = beacon_events(
        payload,
        store_id=store_id,
        show_id=payload.show_id,
        viewer_id=shopper_id,
        shopper_id=shopper_id,
        own_host=urlsplit(ctx.settings.public_base_url).hostname,
        received_ms=now_ms(),
    )
    accepted = analytics.record(events, gated=False)
    return {"accepted": len(events) if accepted else 0, "refused": 0 if accepted else len(events)}


def _currency(ctx: AppContext, store_id: str, show_id: str) -> str:
    from castcart.accounts.models import Store

    with ctx.db.read() as session:
        get_show(session, store_id, show_id)  # 404 for another store's show
        store = session.get(Store, store_id)
        return store.currency if store else ""


@router.get("/api/v1/analytics/shows/{show_id}/dashboard")
async def show_dashboard(ctx: Ctx, staff: Staff, show_id: ShowId) -> dict[str, Any]:
    """Every live figure of a show (what the console's and admin's dashboards draw)."""
    staff.require("shows.read")
    currency = await run_in_threadpool(_currency, ctx, staff.store_id, show_id)
    analytics = analytics_of(ctx)
    return await run_in_threadpool(
        dashboard.build, analytics.query, staff.store_id, show_id, currency
    )


@router.get("/api/v1/analytics/shows/{show_id}/funnel")
async def show_funnel(
    ctx: Ctx,
    staff: Staff,
    show_id: ShowId,
    product_id: Annotated[str, Query(max_length=32)] = "",
    window_hours: Annotated[float, Query(gt=0, le=24 * 30)] = 24.0,
) -> dict[str, Any]:
    """View -> click -> cart -> checkout -> paid, per source; ``product_id`` for one
    product's funnel (step definitions: docs/analytics.md)."""
    staff.require("shows.read")
    await run_in_threadpool(_currency, ctx, staff.store_id, show_id)
    analytics = analytics_of(ctx)
    rows = await run_in_threadpool(
        analytics.query,
        "funnel",
        store_id=staff.store_id,
        show_id=show_id,
        product_id=product_id,
        window_ms=int(window_hours * 3600 * 1000),
    )
    return {"product_id": product_id or None, **dashboard.funnel_totals(rows)}


@router.get("/api/v1/analytics/shows/{show_id}/figures/{name}")
async def show_figure(
    ctx: Ctx, staff: Staff, show_id: ShowId, name: Annotated[str, Path(max_length=40)]
) -> dict[str, Any]:
    """One query's rows as they come from the store (``summary``, ``watch_time``,
    ``concurrency``, ``minute_audience``, ``top_products``, ``audience_by_country``,
    ``audience_by_language``, ``funnel``, ``attribution``)."""
    staff.require("shows.read")
    if name not in DASHBOARD_QUERIES:
        raise NotFoundError(
            f"unknown figure {name!r}; one of {', '.join(DASHBOARD_QUERIES)}",
            code=AnalyticsErrorCode.UNKNOWN_ANALYTICS_QUERY,
        )
    await run_in_threadpool(_currency, ctx, staff.store_id, show_id)
    analytics = analytics_of(ctx)
    rows = await run_in_threadpool(analytics.query, name, store_id=staff.store_id, show_id=show_id)
    return {"name": name, "rows": rows}


@router.get(
    "/api/v1/analytics/shows/{show_id}/events.{fmt}",
    responses={200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}}},
)
async def show_events_export(
    ctx: Ctx, staff: Staff, show_id: ShowId, fmt: Annotated[str, Path(pattern="^(csv|parquet)$")]
) -> Response:
    """Every event of the show as CSV or Parquet (columns: docs/analytics.md)."""
    staff.require("shows.read")
    await run_in_threadpool(_currency, ctx, staff.store_id, show_id)
    analytics = analytics_of(ctx)
    rows = await run_in_threadpool(
        analytics.query, "events", store_id=staff.store_id, show_id=show_id
    )
    name = f"show-{show_id}-events.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(export.to_csv(rows), media_type="text/csv", headers=headers)
    return Response(
        export.to_parquet(rows), media_type="application/vnd.apache.parquet", headers=headers
    )
