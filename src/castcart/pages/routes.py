"""The server-rendered pages: shopper show page, host console, merchant admin, and the
embeddable widget's loader. Pages render the first view (prices and dates formatted by
babel in the visitor's locale) and hand a JSON boot block to a small script that talks to
the public HTTP API and the show's WebSocket; the browser never gets HTML from user text.

Every page is served with a strict Content-Security-Policy (``script-src 'self'``, no
inline scripts or handlers, no third-party origins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from babel import Locale
from fastapi import APIRouter, FastAPI, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from castcart.accounts import service as accounts
from castcart.accounts.models import StaffUser, Store
from castcart.catalog import service as catalog
from castcart.catalog.api import product_out
from castcart.commerce.crossborder import Destination, shopper_currency
from castcart.commerce.taxsettings import fx_snapshot
from castcart.compliance import scheduling
from castcart.compliance.disclosure import disclosure_for
from castcart.core.clock import utcnow
from castcart.core.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from castcart.core.validation import known_country
from castcart.money import FxSnapshot, conversion_boot, convert
from castcart.pages.i18n import LANG_COOKIE, SUPPORTED, PageLocale, negotiate, region_of
from castcart.privacy.regimes import BANNER_PURPOSES, POLICY_VERSION, consent_model
from castcart.shows import api as shows_api
from castcart.shows.models import Show
from castcart.shows.service import show_markets
from castcart.web.deps import SESSION_COOKIE, Ctx, StoreSlug
from castcart.web.errors import ERROR_RESPONSES

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
DIST_DIR = STATIC_DIR / "dist"
ASSETS_PREFIX = "/assets"

templates = Jinja2Templates(directory=str(PACKAGE_DIR / "templates"))
router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/console/api", tags=["pages"], responses=ERROR_RESPONSES)

ShowId = Annotated[str, PathParam(max_length=32)]
LangParam = Annotated[str | None, Query(max_length=35)]
# Any short text: an unknown ``?country=`` is answered on the page (see _market), not as JSON.
CountryParam = Annotated[str | None, Query(max_length=8)]


def install(app: FastAPI) -> None:
    """Wire the pages into the app: routes and the static assets (CSS + built scripts)."""
    app.include_router(router)
    app.include_router(api_router)
    app.mount(ASSETS_PREFIX, StaticFiles(directory=str(STATIC_DIR)), name="pages-assets")


def content_security_policy(*, embeddable: bool, media_origin: str | None = None) -> str:
    """Scripts and styles from castcart only; the embed page may be framed by other sites
    (that is its job), every other page refuses framing (clickjacking on console/admin)."""
    media = "'self' blob:" + (f" {media_origin}" if media_origin else "")
    connect = "'self'" + (f" {media_origin}" if media_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: https:",
            f"media-src {media}",
            f"connect-src {connect}",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors *" if embeddable else "frame-ancestors 'none'",
        ]
    )


def _secure_headers(
    response: Response, *, embeddable: bool = False, media: str | None = None
) -> None:
    response.headers["Content-Security-Policy"] = content_security_policy(
        embeddable=embeddable, media_origin=media
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if not embeddable:
        response.headers["X-Frame-Options"] = "DENY"


def _locale(request: Request, lang: str | None) -> PageLocale:
    return PageLocale(
        negotiate(lang, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    )


def _render(
    request: Request,
    template: str,
    loc: PageLocale,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    embeddable: bool = False,
    media: str | None = None,
    remember_lang: str | None = None,
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        template,
        {
            "loc": loc,
            "t": loc.t,
            "lang": loc.lang,
            "dir": loc.direction,
            "languages": [(code, loc.language_name(code)) for code in SUPPORTED],
            "assets": ASSETS_PREFIX,
            "query": dict(request.query_params),
            **context,
        },
        status_code=status_code,
    )
    _secure_headers(response, embeddable=embeddable, media=media)
    if remember_lang and remember_lang == loc.lang:
        response.set_cookie(LANG_COOKIE, loc.lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def _not_found(request: Request, loc: PageLocale, embeddable: bool = False) -> HTMLResponse:
    return _render(request, "not_found.html", loc, {}, status_code=404, embeddable=embeddable)


def pick_translation(
    translations: list[dict[str, Any]], lang: str, fallback: str
) -> dict[str, Any]:
    """The product copy in the viewer's language, else the store's, else the first one."""
    by_locale = {str(t["locale"]).split("-")[0]: t for t in translations}
    for key in (lang, fallback.split("-")[0]):
        if key in by_locale:
            return by_locale[key]
    return translations[0] if translations else {"title": "", "description": ""}


def _media_origin(hls_url: str | None) -> str | None:
    if not hls_url:
        return None
    parts = urlsplit(hls_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def presentment_currencies(store: Store, fx: FxSnapshot) -> dict[str, str]:
    """The currency a quote to each checkout destination is in (crossborder's own rule:
    the country's currency where the snapshot has its rate, else the store's)."""
    return {
        country: shopper_currency(Destination(country=country), store.currency, fx)
        for country in CHECKOUT_COUNTRIES
    }


def _product_cards(
    loc: PageLocale, store: Store, show: dict[str, Any], currency: str, fx: FxSnapshot
) -> list[dict[str, Any]]:
    """The showcase as the viewer sees it: localized title, and the price they pay now
    (flash sale, then live price, then list price), formatted server-side in the currency
    the quote will use (converted at the quote's FX snapshot, as checkout converts)."""

    def price_of(amount: int) -> str:
        return loc.money(convert(amount, store.currency, currency, fx), currency)

    live = {p["variant_id"]: p["price_amount"] for p in show["live_prices"]}
    sales = {s["variant_id"]: s for s in show["flash_sales"]}
    order = {item["product_id"]: item["position"] for item in show["showcase"]}
    cards = []
    for product in sorted(show["products"], key=lambda p: order.get(p["id"], 0)):
        if not product["variants"]:
            continue
        variant = product["variants"][0]
        copy = pick_translation(product["translations"], loc.lang, store.default_locale)
        list_price = variant["price_amount"]
        price = live.get(variant["id"], list_price)
        sale = sales.get(variant["id"])
        cards.append(
            {
                "id": product["id"],
                "variant_id": variant["id"],
                "title": copy["title"],
                "image": product["images"][0] if product["images"] else None,
                "price": price_of(price),
                "list_price": price_of(list_price) if price != list_price else "",
                "available": variant.get("available", 0),
                "pinned": product["id"] == show["show"]["pinned_product_id"],
                "sale": sale,
                "sale_price": price_of(sale["price_amount"]) if sale else "",
            }
        )
    return cards


@router.get("/s/{store_slug}/shows/{show_id}", response_class=HTMLResponse)
def shopper_page(
    ctx: Ctx,
    request: Request,
    store_slug: StoreSlug,
    show_id: ShowId,
    lang: LangParam = None,
    country: CountryParam = None,
    embed: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    """The show as a shopper sees it (``?embed=1``: the compact layout the widget frames)."""
    loc = _locale(request, lang)
    embeddable = embed == 1
    try:
        page = shop_page(ctx, request, loc, store_slug, show_id, country, embeddable)
    except NotFoundError:
        return _not_found(request, loc, embeddable)
    return render_shop_page(request, loc, page, remember_lang=lang)


@dataclass
class ShopPage:
    """What the shopper page renders: the template context, its boot block, and the
    showcase data the cards were made from (the replay page adjusts both)."""

    store: Store
    show: dict[str, Any]
    context: dict[str, Any]
    boot: dict[str, Any]
    embeddable: bool
    hls_url: str | None
    currency: str
    fx: FxSnapshot


def render_shop_page(
    request: Request, loc: PageLocale, page: ShopPage, *, remember_lang: str | None
) -> HTMLResponse:
    return _render(
        request,
        "shop_show.html",
        loc,
        page.context,
        embeddable=page.embeddable,
        media=_media_origin(page.hls_url),
        remember_lang=remember_lang,
    )


def shop_cards(loc: PageLocale, page: ShopPage, show: dict[str, Any]) -> list[dict[str, Any]]:
    return _product_cards(loc, page.store, show, page.currency, page.fx)


def shop_page(
    ctx: Ctx,
    request: Request,
    loc: PageLocale,
    store_slug: str,
    show_id: str,
    country: str | None,
    embeddable: bool,
) -> ShopPage:
    """The shopper page's data (NotFoundError for an unknown store or show)."""
    with ctx.db.read() as session:
        store = accounts.get_store_by_slug(session, store_slug)
    guessed_country, viewer_country, country_notice = _market(
        loc, country, request.headers.get("accept-language"), store.country
    )
    shop_show = shows_api.shop_show(ctx, store, show_id, viewer_country)
    show = shop_show.model_dump(mode="json")
    market = guessed_country or store.country
    disclosure = _disclosure_view(loc, shop_show.show, market)
    consent = {
        "model": consent_model(market),
        "policy_version": POLICY_VERSION,
        "purposes": list(BANNER_PURPOSES),
        "country": market,
    }
    iftar = _iftar_view(ctx, store, show_id, viewer_country or guessed_country)
    hls_url = show["show"].get("hls_url") or show.get("hls_url")
    fx = fx_snapshot(ctx.settings)
    currency_of = presentment_currencies(store, fx)
    currency = currency_of.get(guessed_country or "", store.currency)
    shown = {store.currency, *currency_of.values()}
    boot = {
        "page": "shop",
        "lang": loc.lang,
        "dir": loc.direction,
        "strings": loc.strings,
        "store": {
            "slug": store.slug,
            "name": store.name,
            "currency": store.currency,
            "country": store.country,
            "default_locale": store.default_locale,
        },
        "show": show,
        "money": loc.money_boot(*shown),
        # cards and cart lines in the destination's currency, at the quote's rates
        "fx": {**conversion_boot(fx, shown), "currency_of": currency_of},
        "hls_url": hls_url,
        "country": guessed_country,
        "embed": embeddable,
        "disclosure": disclosure,
        "consent": consent,
        "iftar": iftar,
    }
    context = {
        "store": store,
        "show": show["show"],
        "cards": _product_cards(loc, store, show, currency, fx),
        "scheduled": loc.datetime(shop_show.show.scheduled_at, UTC) + " UTC",
        "hls_url": hls_url,
        "boot": boot,
        "embed": embeddable,
        "countries": _countries(loc),
        "guessed_country": guessed_country,
        "country_notice": country_notice,
        "disclosure": disclosure,
        "consent": consent,
        "iftar": iftar,
    }
    return ShopPage(store, show, context, boot, embeddable, hls_url, currency, fx)


def _disclosure_view(loc: PageLocale, show: Any, market: str | None) -> dict[str, str] | None:
    """The commercial disclosure a viewer in ``market`` sees for the whole show, in the
    page language: the market's label (FTC, ASA/CAP, DSA) and a sentence naming the brand."""
    found = disclosure_for(show.commercial_relationship, show.disclosure_brand, market)
    if found is None:
        return None
    return {
        "relationship": found.relationship,
        "regime": found.regime,
        "market": found.country or "",
        "brand": found.brand,
        "label": loc.t(found.label_key),
        "detail": loc.t(found.detail_key, brand=found.brand),
    }


def _iftar_view(
    ctx: Ctx, store: Store, show_id: str, viewer_market: str | None
) -> dict[str, str] | None:
    """The next iftar for a show that counts down to it: in the viewer's market when the
    show is aimed at it, else in the show's first market that is in Ramadan now."""
    with ctx.db.read() as session:
        row = session.get(Show, show_id)
        if row is None or not row.iftar_countdown:
            return None
        markets = show_markets(row, store.country)
    now = utcnow()
    ordered = sorted(markets, key=lambda m: m != viewer_market)
    for code in ordered:
        try:
            found = scheduling.next_iftar(code, now)
        except scheduling.UnknownMarketError:
            continue
        if found is not None:
            return {
                "country": found.country,
                "city": found.city,
                "timezone": found.timezone,
                "at": found.at.isoformat(),
                "local_time": found.local_time,
                "server_now": now.isoformat(),
            }
    return None


# Destinations offered at checkout: the markets the tax engine knows.
CHECKOUT_COUNTRIES = (
    "DE", "FR", "ES", "IT", "NL", "IE", "AT", "BE", "PT", "PL", "SE", "GB", "NO", "CH",
    "US", "CA", "MX", "BR", "AU", "NZ", "SG", "MY", "TH", "ID", "PH", "VN", "SA", "AE", "JP",
)  # fmt: skip


def _market(
    loc: PageLocale, requested: str | None, accept_language: str | None, store_country: str
) -> tuple[str | None, str | None, str | None]:
    """(destination preselected at checkout, country whose restrictions filter the
    showcase, notice shown on the page).

    An unknown or unserved ``?country=`` (``ZZ``) falls back to the store's own market,
    said in a visible notice: the old page quietly preselected whichever country sorted
    first (Australia). A guess from ``Accept-Language`` that is not served falls back
    silently (the shopper asked for nothing)."""
    home = store_country if store_country in CHECKOUT_COUNTRIES else None
    if requested:
        code = requested.strip().upper()
        try:
            real = known_country(code)
        except ValueError:
            real = None
        if real in CHECKOUT_COUNTRIES:
            return real, real, None
        market = str(Locale.parse(loc.lang).territories.get(home or "", home or "—"))
        notice = loc.t("shop.country_fallback", code=requested.strip()[:8], market=market)
        return home, real or home, notice
    guess = region_of(accept_language)
    return (guess if guess in CHECKOUT_COUNTRIES else home), None, None


def _countries(loc: PageLocale) -> list[tuple[str, str]]:
    """Checkout destinations named in the page language (CLDR), sorted by that name."""
    names = Locale.parse(loc.lang).territories
    return sorted(((c, str(names.get(c, c))) for c in CHECKOUT_COUNTRIES), key=lambda x: x[1])


def _staff_from_cookie(ctx: Ctx, request: Request) -> accounts.StaffPrincipal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        with ctx.db.read() as session:
            return accounts.staff_principal(session, token)
    except AuthenticationError:
        return None


def _to_login(request: Request, store_slug: str | None = None) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    # the store is known from a show link: the host then types only e-mail and password
    store = f"&store={quote(store_slug, safe='')}" if store_slug else ""
    return RedirectResponse(
        f"/console/login?next={quote(target, safe='')}{store}",
        status_code=status.HTTP_303_SEE_OTHER,
    )


def _show_store_slug(ctx: Ctx, show_id: str) -> str | None:
    """The slug of the store a show belongs to (public: it is in the shopper page's URL)."""
    with ctx.db.read() as session:
        show = session.get(Show, show_id)
        store = session.get(Store, show.store_id) if show is not None else None
        return store.slug if store is not None else None


def _staff_boot(ctx: Ctx, staff: accounts.StaffPrincipal) -> dict[str, Any]:
    with ctx.db.read() as session:
        store = session.get(Store, staff.store_id)
        user = session.get(StaffUser, staff.user_id)
        if store is None or user is None:
            raise NotFoundError("account not found")
        return {
            "store": {
                "slug": store.slug,
                "name": store.name,
                "currency": store.currency,
                "country": store.country,
                "default_locale": store.default_locale,
            },
            "user": {
                "id": user.id,
                "email": user.email,
                "display_name": user.display_name,
                "role": staff.role.value,
            },
            "permissions": sorted(accounts.PERMISSIONS[staff.role]),
        }


@router.get("/console/login", response_class=HTMLResponse)
def console_login(
    request: Request,
    lang: LangParam = None,
    next: Annotated[str, Query(max_length=500, alias="next")] = "/admin",  # noqa: A002
    store: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    loc = _locale(request, lang)
    # Only same-site paths: an open redirect would hand a phishing page our login.
    safe_next = next if next.startswith("/") and not next.startswith("//") else "/admin"
    boot = {"page": "login", "lang": loc.lang, "strings": loc.strings, "next": safe_next}
    return _render(
        request,
        "console_login.html",
        loc,
        {"boot": boot, "store_slug": store},
        remember_lang=lang,
    )


@router.get("/console", response_class=RedirectResponse)
def console_home() -> RedirectResponse:
    return RedirectResponse("/admin#shows", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/console/shows/{show_id}", response_model=None)
def console_page(ctx: Ctx, request: Request, show_id: ShowId, lang: LangParam = None) -> Response:
    """The host's console for one show; staff only (session cookie)."""
    loc = _locale(request, lang)
    staff = _staff_from_cookie(ctx, request)
    if staff is None:
        return _to_login(request, _show_store_slug(ctx, show_id))
    try:
        staff.require("shows.read")
        detail = shows_api.get_show(ctx, staff, show_id).model_dump(mode="json")
        with ctx.db.read() as session:
            products = [
                product_out(session, p).model_dump(mode="json")
                for p in catalog.list_products(session, staff.store_id, limit=200, offset=0)
            ]
    except (NotFoundError, PermissionDeniedError):
        return _not_found(request, loc)
    boot = {
        "page": "console",
        "lang": loc.lang,
        "dir": loc.direction,
        "strings": loc.strings,
        **_staff_boot(ctx, staff),
        "show": detail,
        "products": products,
    }
    boot["money"] = loc.money_boot(boot["store"]["currency"])
    return _render(
        request,
        "console_show.html",
        loc,
        {"boot": boot, "show": detail["show"], "store": boot["store"]},
        remember_lang=lang,
    )


@router.get("/admin", response_model=None)
def admin_page(ctx: Ctx, request: Request, lang: LangParam = None) -> Response:
    """Merchant admin: catalog, shows, coupons, orders, over the staff API."""
    loc = _locale(request, lang)
    staff = _staff_from_cookie(ctx, request)
    if staff is None:
        return _to_login(request)
    boot = {
        "page": "admin",
        "lang": loc.lang,
        "dir": loc.direction,
        "strings": loc.strings,
        "locales": list(SUPPORTED),
        **_staff_boot(ctx, staff),
    }
    boot["money"] = loc.money_boot(boot["store"]["currency"])
    return _render(
        request,
        "admin.html",
        loc,
        {"boot": boot, "store": boot["store"], "fx_notice": _fx_notice(ctx, loc)},
        remember_lang=lang,
    )


def _fx_notice(ctx: Ctx, loc: PageLocale) -> str:
    """A warning for the merchant when the rates quotes convert at are too old."""
    from castcart.commerce.taxsettings import fx_snapshot
    from castcart.core.errors import UnprocessableError
    from castcart.money.feed import age_days

    try:
        snap = fx_snapshot(ctx.settings)
    except UnprocessableError as exc:
        return str(exc)
    days = age_days(snap)
    if days <= ctx.settings.fx_max_age_days:
        return ""
    return loc.t("admin.fx_stale", days=loc.number(days), date=snap.as_of.date().isoformat())


@router.get("/widget.js", response_model=None)
def widget_script() -> Response:
    """The embed loader: ``<script src=".../widget.js">`` + ``<castcart-show>``. Served to
    any origin (it is public code) and cached briefly so a fix reaches sites soon."""
    path = DIST_DIR / "widget.js"
    if not path.is_file():
        return PlainTextResponse(
            "// castcart widget not built: run `make install` (npm build in web/)",
            status_code=503,
            media_type="text/javascript",
        )
    response = FileResponse(path, media_type="text/javascript")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# For the pages other domains serve with the same shell (castcart.audience): the locale a
# request gets, rendering with the CSP headers, the not-found page.
locale_for = _locale
render_page = _render
not_found_page = _not_found
media_origin = _media_origin
