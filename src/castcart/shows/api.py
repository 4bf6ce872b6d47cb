from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from castcart.accounts.service import StaffPrincipal
from castcart.catalog.api import ViewerCountry, allowed_in, product_out
from castcart.catalog.schemas import ProductOut
from castcart.compliance.restricted import restricted_markets
from castcart.core.clock import utcnow
from castcart.core.settings import Settings
from castcart.shows import script_review, service, streams
from castcart.shows.models import Show
from castcart.shows.schemas import (
    FlashSaleIn,
    FlashSaleOut,
    LivePriceOut,
    LivePricesIn,
    PinIn,
    ShowcaseIn,
    ShowcaseItemOut,
    ShowDisclosureIn,
    ShowIn,
    ShowMarketsIn,
    ShowOut,
    ShowStaffOut,
    TransitionIn,
)
from castcart.web.deps import Ctx, PublicStore, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/shows", tags=["shows"], responses=ERROR_RESPONSES)
ShowId = Annotated[str, Path(max_length=32)]


class ShowDetailOut(BaseModel):
    show: ShowOut
    showcase: list[ShowcaseItemOut]
    live_prices: list[LivePriceOut]
    flash_sales: list[FlashSaleOut]
    # the show's HLS master playlist: null until a stream has started; the replay after
    hls_url: str | None = None


class MarketWarningOut(BaseModel):
    product_id: str
    country: str
    rules: list[str]


class ShowStaffDetailOut(ShowDetailOut):
    show: ShowStaffOut
    # Showcase products some markets forbid: hidden from those viewers; the host should know.
    market_warnings: list[MarketWarningOut] = []


def _detail(session: Session, show: Show, settings: Settings) -> ShowDetailOut:
    return ShowDetailOut(
        hls_url=streams.hls_url(session, settings, show.id),
        show=ShowOut.model_validate(show),
        showcase=[
            ShowcaseItemOut(
                product_id=i.product_id,
                position=i.position,
                pinned=i.product_id == show.pinned_product_id,
            )
            for i in service.showcase(session, show.id)
        ],
        live_prices=[LivePriceOut.model_validate(p) for p in service.live_prices(session, show.id)],
        flash_sales=[FlashSaleOut.model_validate(f) for f in service.flash_sales(session, show.id)],
    )


def staff_show_out(show: Show, staff: StaffPrincipal) -> ShowStaffOut:
    """The stream key lets anyone broadcast as the store: only who runs shows sees it."""
    out = ShowStaffOut.model_validate(show)
    if not staff.can("shows.run"):
        out.stream_key = None
    return out


def _staff_detail(
    session: Session, show: Show, settings: Settings, staff: StaffPrincipal
) -> ShowStaffDetailOut:
    detail = _detail(session, show, settings)
    warnings = [
        MarketWarningOut(product_id=product.id, country=country, rules=rules)
        for product in service.showcase_products(session, show.id)
        for country, rules in restricted_markets(product.attributes).items()
    ]
    return ShowStaffDetailOut(
        **{**detail.__dict__, "show": staff_show_out(show, staff)},
        market_warnings=warnings,
    )


@router.get("", response_model=list[ShowStaffOut])
def list_shows(ctx: Ctx, staff: Staff) -> list[ShowStaffOut]:
    staff.require("shows.read")
    with ctx.db.read() as session:
        return [staff_show_out(s, staff) for s in service.list_shows(session, staff.store_id)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ShowStaffOut)
def create_show(ctx: Ctx, staff: Staff, data: ShowIn) -> ShowStaffOut:
    staff.require("shows.write")
    with ctx.unit_of_work() as (session, _):
        return ShowStaffOut.model_validate(service.create_show(session, staff.store_id, data))


@router.get("/{show_id}", response_model=ShowStaffDetailOut)
def get_show(ctx: Ctx, staff: Staff, show_id: ShowId) -> ShowStaffDetailOut:
    staff.require("shows.read")
    with ctx.db.read() as session:
        return _staff_detail(
            session, service.get_show(session, staff.store_id, show_id), ctx.settings, staff
        )


@router.post("/{show_id}/transition", response_model=ShowStaffOut)
def transition_show(ctx: Ctx, staff: Staff, show_id: ShowId, data: TransitionIn) -> ShowStaffOut:
    """Go live or end the show (scheduled → live → ended; scheduled → ended cancels it).
    The video ingest moves a live show to ``interrupted`` and back (docs/video.md); ending
    an interrupted show, or going live from it by hand, is allowed here too."""
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, outbox):
        show = service.transition(session, staff.store_id, show_id, data.to, outbox)
        return ShowStaffOut.model_validate(show)


@router.put("/{show_id}/showcase", response_model=ShowStaffDetailOut)
def set_showcase(ctx: Ctx, staff: Staff, show_id: ShowId, data: ShowcaseIn) -> ShowStaffDetailOut:
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, _):
        service.set_showcase(session, staff.store_id, show_id, data.product_ids)
        return _staff_detail(
            session, service.get_show(session, staff.store_id, show_id), ctx.settings, staff
        )


@router.post("/{show_id}/pin", response_model=ShowStaffOut)
def pin_product(ctx: Ctx, staff: Staff, show_id: ShowId, data: PinIn) -> ShowStaffOut:
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, outbox):
        show = service.pin(session, staff.store_id, show_id, data.product_id, outbox)
        return ShowStaffOut.model_validate(show)


@router.put("/{show_id}/markets", response_model=ShowStaffOut)
def set_show_markets(ctx: Ctx, staff: Staff, show_id: ShowId, data: ShowMarketsIn) -> ShowStaffOut:
    """The countries the show is aimed at: live checks of what the host says use their rules."""
    staff.require("shows.write")
    with ctx.unit_of_work() as (session, _):
        show = service.set_markets(session, staff.store_id, show_id, data.markets)
        return ShowStaffOut.model_validate(show)


@router.put("/{show_id}/disclosure", response_model=ShowStaffOut)
def set_show_disclosure(
    ctx: Ctx, staff: Staff, show_id: ShowId, data: ShowDisclosureIn
) -> ShowStaffOut:
    """Mark the show sponsored, gifted or affiliate (with the brand): viewers then see
    their market's disclosure label for the whole show; and the iftar countdown option."""
    staff.require("shows.write")
    with ctx.unit_of_work() as (session, _):
        show = service.set_disclosure(session, staff.store_id, show_id, data)
        return staff_show_out(show, staff)


@router.put("/{show_id}/live-prices", response_model=list[LivePriceOut])
def set_live_prices(
    ctx: Ctx, staff: Staff, show_id: ShowId, data: LivePricesIn
) -> list[LivePriceOut]:
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, outbox):
        rows = service.set_live_prices(
            session, staff.store_id, show_id, data.prices, outbox, actor_id=staff.user_id
        )
        return [LivePriceOut.model_validate(r) for r in rows]


@router.post(
    "/{show_id}/flash-sales", status_code=status.HTTP_201_CREATED, response_model=FlashSaleOut
)
def create_flash_sale(ctx: Ctx, staff: Staff, show_id: ShowId, data: FlashSaleIn) -> FlashSaleOut:
    staff.require("shows.run")
    with ctx.unit_of_work() as (session, outbox):
        sale = service.create_flash_sale(session, staff.store_id, show_id, data, outbox)
        return FlashSaleOut.model_validate(sale)


class ScriptReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
    markets: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]{2,6}$")]],
        Field(min_length=1, max_length=20),
    ]


class ScriptFindingOut(BaseModel):
    market: str
    category: str
    rule: str
    start: int
    end: int
    severity: str
    suggestion: str
    excerpt: str
    # the facts that decided a judged claim: for a price reference the claimed reference,
    # the lowest price of the 30 days before the reduction, the dates (see docs/compliance.md)
    evidence: dict[str, Any] | None = None


class ClearedFindingOut(ScriptFindingOut):
    # the claim evidence record that substantiates it (GET /api/v1/claim-evidence)
    cleared_by: str


class ScriptReviewOut(BaseModel):
    findings: list[ScriptFindingOut]
    fact_findings: list[dict[str, Any]]
    # comparisons and superlatives a valid claim evidence record backs, with the record cited
    cleared: list[ClearedFindingOut] = []


@router.post("/{show_id}/script-review", response_model=ScriptReviewOut)
def review_script(ctx: Ctx, staff: Staff, show_id: ShowId, data: ScriptReviewIn) -> ScriptReviewOut:
    """Check a host script before the show, per target market, against the show's real
    flash sales and the pinned product's catalog facts. Spans index into ``text``."""
    staff.require("shows.read")
    with ctx.db.read() as session:
        show = service.get_show(session, staff.store_id, show_id)
        findings, facts = script_review.review_script(
            session, show, data.text, data.lang, data.markets, utcnow()
        )
    return ScriptReviewOut(
        findings=[
            ScriptFindingOut(**{k: v for k, v in f.__dict__.items() if k != "cleared_by"})
            for f in findings
            if f.cleared_by is None
        ],
        fact_findings=facts,
        cleared=[ClearedFindingOut(**f.__dict__) for f in findings if f.cleared_by is not None],
    )


shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES
)


class ShopShowOut(ShowDetailOut):
    products: list[ProductOut]


@shop_router.get("/shows/{show_id}", response_model=ShopShowOut)
def shop_show(
    ctx: Ctx, store: PublicStore, show_id: ShowId, country: ViewerCountry = None
) -> ShopShowOut:
    """What a viewer's page needs: the show, its showcase with products, prices, sales.
    With ``country``, products that market forbids are left out of the viewer's showcase."""
    with ctx.db.read() as session:
        show = service.get_show(session, store.id, show_id)
        detail = _detail(session, show, ctx.settings)
        visible = [p for p in service.showcase_products(session, show.id) if allowed_in(p, country)]
        ids = {p.id for p in visible}
        detail.showcase = [item for item in detail.showcase if item.product_id in ids]
        products = [product_out(session, p, public=True) for p in visible]
        return ShopShowOut(**detail.__dict__, products=products)
