"""The audience's pages: the store's shows page (upcoming shows with "remind me", the
calendar file, and the replays; ``?embed=1`` for the widget), the shoppable replay page,
and the one-click unsubscribe page. Rendered in the pages domain's shell and CSP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from castcart.accounts import service as accounts
from castcart.accounts.models import Store
from castcart.audience import ics, push, replay, service
from castcart.audience.api import replay_out
from castcart.audience.tokens import verify_unsubscribe_token
from castcart.core.clock import utcnow
from castcart.core.errors import NotFoundError
from castcart.pages import routes as pages
from castcart.pages.i18n import PageLocale
from castcart.shows import service as shows
from castcart.web.deps import Ctx, StoreSlug

router = APIRouter(include_in_schema=False)
ShowId = Annotated[str, PathParam(max_length=32)]
LangParam = Annotated[str | None, Query(max_length=35)]
TzParam = Annotated[str | None, Query(max_length=64)]
TZ_COOKIE = "castcart_tz"


def viewer_zone(tz: str | None, cookie: str | None) -> str:
    """``?tz=``, else the zone the page script remembered (cookie), else UTC."""
    for candidate in (tz, cookie):
        if candidate:
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return candidate
    return "UTC"


def _when(loc: PageLocale, value: datetime, zone: str) -> str:
    return loc.datetime(value, ZoneInfo(zone))


def _card(loc: PageLocale, store: Store, product: Any) -> dict[str, Any]:
    variant = product.variants[0] if product.variants else None
    image = product.images[0] if product.images else None
    return {
        "id": product.id,
        "title": service.product_title(product, loc.lang, store.default_locale),
        "price": loc.money(variant.price_amount, store.currency) if variant else "",
        "image": {"url": image.url, "alt": image.alt} if image else None,
    }


@router.get("/s/{store_slug}/shows", response_class=HTMLResponse)
def store_shows_page(
    ctx: Ctx,
    request: Request,
    store_slug: StoreSlug,
    lang: LangParam = None,
    tz: TzParam = None,
    embed: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    """Upcoming shows (soonest first, in the viewer's language and time zone) with the
    products each will show, "remind me" and a calendar file; then the replays."""
    loc = pages.locale_for(request, lang)
    embeddable = embed == 1
    zone = viewer_zone(tz, request.cookies.get(TZ_COOKIE))
    now = utcnow()
    try:
        with ctx.db.read() as session:
            store = accounts.get_store_by_slug(session, store_slug)
            upcoming = []
            for show in service.upcoming_shows(session, store.id, now):
                upcoming.append(
                    {
                        "id": show.id,
                        "title": show.title,
                        "description": show.description,
                        "status": show.status,
                        "scheduled_at": show.scheduled_at.astimezone(UTC).isoformat(),
                        "when": _when(loc, show.scheduled_at, zone),
                        "products": [
                            _card(loc, store, p) for p in shows.showcase_products(session, show.id)
                        ],
                    }
                )
            replays = [
                {
                    "id": show.id,
                    "title": show.title,
                    "ended_at": (show.ended_at or show.scheduled_at).astimezone(UTC).isoformat(),
                    "when": _when(loc, show.ended_at or show.scheduled_at, zone),
                }
                for show in replay.list_replays(session, store.id, now)
            ]
    except NotFoundError:
        return pages.not_found_page(request, loc, embeddable)
    boot = {
        "page": "shows",
        "lang": loc.lang,
        "dir": loc.direction,
        "strings": loc.strings,
        "store": {"slug": store.slug, "name": store.name},
        "time_zone": zone,
        "push": push.public_key(ctx.settings) is not None,
        "embed": embeddable,
    }
    return pages.render_page(
        request,
        "store_shows.html",
        loc,
        {
            "store": store,
            "upcoming": upcoming,
            "replays": replays,
            "time_zone": zone,
            "boot": boot,
            "embed": embeddable,
        },
        embeddable=embeddable,
        remember_lang=lang,
    )


@router.get("/s/{store_slug}/shows/{show_id}/calendar.ics")
def show_calendar(
    ctx: Ctx, request: Request, store_slug: StoreSlug, show_id: ShowId, lang: LangParam = None
) -> Response:
    """The show as an iCalendar file (RFC 5545) with an alarm ten minutes before."""
    loc = pages.locale_for(request, lang)
    try:
        with ctx.db.read() as session:
            store = accounts.get_store_by_slug(session, store_slug)
            show = shows.get_show(session, store.id, show_id)
            titles = service.showcase_titles(session, show.id, loc.lang, store.default_locale)
    except NotFoundError:
        return pages.not_found_page(request, loc)
    base = ctx.settings.public_base_url.rstrip("/")
    url = f"{base}/s/{store.slug}/shows/{show.id}"
    body = ics.show_calendar(
        show_id=show.id,
        host=urlsplit(base).hostname or "castcart.local",
        title=show.title,
        description=show.description,
        starts_at=show.scheduled_at,
        url=url,
        store_name=store.name,
        products=titles,
        stamp=utcnow(),
        alarm_text=loc.t("reminder.subject_10m", title=show.title, store=store.name),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="show-{show.id}.ics"',
            "Cache-Control": "no-cache",
        },
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _chapter_text(loc: PageLocale, kind: str, label: str) -> str:
    key = {
        "pin": "replay.chapter_pin",
        "flash_sale": "replay.chapter_flash_sale",
        "poll": "replay.chapter_poll",
        "giveaway": "replay.chapter_giveaway",
    }[kind]
    return loc.t(key, label=label)


@router.get("/s/{store_slug}/replays/{show_id}", response_class=HTMLResponse)
def replay_page(
    ctx: Ctx,
    request: Request,
    store_slug: StoreSlug,
    show_id: ShowId,
    lang: LangParam = None,
    country: Annotated[str | None, Query(max_length=8)] = None,
    embed: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    """The shoppable replay: the recording with its chapters (pins, flash sales, polls,
    giveaways), the product card following the playhead, buying at the replay's prices
    (list prices; the live ones only where the seller kept them), caption tracks."""
    loc = pages.locale_for(request, lang)
    embeddable = embed == 1
    try:
        page = pages.shop_page(ctx, request, loc, store_slug, show_id, country, embeddable)
        with ctx.db.read() as session:
            show = shows.get_show(session, page.store.id, show_id)
            titles = replay.product_titles(session, show.id, loc.lang, page.store.default_locale)
            info = replay.replay_info(session, ctx.settings, show, titles, utcnow())
    except NotFoundError:
        return pages.not_found_page(request, loc, embeddable)
    data = page.show
    data["flash_sales"] = []  # a flash sale lives and dies with the show
    if not info.show.replay_keeps_live_prices:
        data["live_prices"] = []
    data["show"]["pinned_product_id"] = None  # the playhead decides (product track)
    chapters = [
        {
            "offset": c.offset,
            "kind": c.kind,
            "product_id": c.product_id,
            "time": _clock(c.offset),
            "text": _chapter_text(loc, c.kind, c.label),
        }
        for c in info.chapters
    ]
    captions = [
        {"lang": c.lang, "url": c.url, "label": _language_label(loc, c.lang)} for c in info.captions
    ]
    page.boot["show"] = data
    page.boot["hls_url"] = info.hls_url
    page.boot["replay"] = {
        **replay_out(info).model_dump(mode="json"),
        "chapter_texts": [c["text"] for c in chapters],
    }
    page.context.update(
        cards=pages.shop_cards(loc, page, data),
        show=data["show"],
        hls_url=info.hls_url,
        replay={"chapters": chapters, "captions": captions, "duration": info.duration},
    )
    return pages.render_shop_page(request, loc, page, remember_lang=lang)


def _language_label(loc: PageLocale, lang: str) -> str:
    try:
        return loc.language_name(lang)
    except (ValueError, LookupError):
        return lang


def _unsubscribe(
    ctx: Ctx, request: Request, token: str, lang: str | None, *, confirm: bool
) -> HTMLResponse:
    loc = pages.locale_for(request, lang)
    reminder_id = verify_unsubscribe_token(ctx.settings.secret_key, token)
    store_name = ""
    done = False
    if reminder_id is not None:
        try:
            if confirm:
                with ctx.db.write() as session:
                    store, _ = service.unsubscribe(session, reminder_id, now=utcnow())
                    store_name = store.name
                done = True
            else:
                with ctx.db.read() as session:
                    found = service.reminder_store(session, reminder_id)
                    store_name = found.name
        except NotFoundError:
            reminder_id = None
    return pages.render_page(
        request,
        "unsubscribe.html",
        loc,
        {
            "valid": reminder_id is not None,
            "done": done,
            "store_name": store_name,
            "token": token,
        },
        status_code=200 if reminder_id is not None else 404,
    )


TokenParam = Annotated[str, PathParam(max_length=80)]


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(
    ctx: Ctx, request: Request, token: TokenParam, lang: LangParam = None
) -> HTMLResponse:
    """The link in a reminder: asks to confirm (a GET never unsubscribes: link scanners)."""
    return _unsubscribe(ctx, request, token, lang, confirm=False)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_now(
    ctx: Ctx, request: Request, token: TokenParam, lang: LangParam = None
) -> HTMLResponse:
    """RFC 8058 one-click (``List-Unsubscribe=One-Click`` posted by the mail client) and the
    confirm button: every reminder of this address at this store stops."""
    return _unsubscribe(ctx, request, token, lang, confirm=True)
