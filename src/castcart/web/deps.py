"""FastAPI dependencies as ``Annotated`` aliases: the context, the staff member, the shopper."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from castcart.accounts.models import Shopper, Store
from castcart.accounts.service import (
    ShopperPrincipal,
    StaffPrincipal,
    get_store_by_slug,
    shopper_principal,
    staff_principal,
)
from castcart.core.errors import AuthenticationError, PermissionDeniedError
from castcart.core.settings import Settings
from castcart.core.throttle import Throttles
from castcart.web.context import AppContext

_bearer = HTTPBearer(auto_error=False, description="staff or shopper token")


def get_throttles(request: Request) -> Throttles:
    """The app's counters (login failures, guest sessions), made on first use: in memory, or
    on Redis when the app has one."""
    ctx: AppContext = request.app.state.ctx
    return ctx.services.get_or_create(Throttles, lambda: _make_throttles(ctx.settings))


def _make_throttles(settings: Settings) -> Throttles:
    window = None
    if settings.redis_url:  # shared by every node (core/throttle_redis.py)
        from castcart.core.throttle_redis import RedisSlidingWindow, redis_client

        client = redis_client(settings.redis_url)

        def window(name: str, limit: int, seconds: float) -> RedisSlidingWindow:
            return RedisSlidingWindow(client, name, limit, seconds)

    return Throttles(
        login_failures=settings.login_max_failures,
        login_address_failures=settings.login_max_failures_per_address,
        login_window=settings.login_window_seconds,
        guest_sessions=settings.effective_guest_sessions_per_address,
        guest_window=settings.guest_sessions_window_seconds,
        window=window,
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_context)]
ThrottlesDep = Annotated[Throttles, Depends(get_throttles)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
StoreSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise AuthenticationError("a bearer token is required", code="token_missing")
    return credentials.credentials


SESSION_COOKIE = "castcart_session"
CSRF_COOKIE = "castcart_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def require_same_origin(request: Request) -> None:
    """A page write must come from castcart's own pages: when the browser names the origin
    (every current browser does on POST), it must be this site's — the request's own host or
    the configured public URL. Defence in depth beside the CSRF token (and it also covers the
    login form, which has no token yet)."""
    origin = request.headers.get("origin")
    if origin is None:
        return  # old clients and non-browser callers: the CSRF token still guards
    allowed = {_origin_of(str(request.base_url))}
    ctx: AppContext | None = getattr(request.app.state, "ctx", None)
    if ctx is not None:
        allowed.add(_origin_of(ctx.settings.public_base_url))
    if origin.lower() not in allowed:
        raise PermissionDeniedError("this request comes from another site", code="origin_refused")


def staff_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str:
    """API clients send a bearer token; pages send the session cookie. A cookie-authenticated
    request that changes state must echo the CSRF cookie in a header (double submit), which
    another site's form cannot do."""
    if credentials is not None and credentials.credentials:
        return credentials.credentials
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthenticationError(
            "a bearer token or session cookie is required", code="token_missing"
        )
    if request.method not in _SAFE_METHODS:
        require_same_origin(request)
        expected = request.cookies.get(CSRF_COOKIE, "")
        given = request.headers.get(CSRF_HEADER, "")
        if not expected or not secrets.compare_digest(expected, given):
            raise PermissionDeniedError("missing or wrong CSRF token", code="csrf_failed")
    return cookie


def get_staff(ctx: Ctx, request: Request, credentials: Credentials) -> StaffPrincipal:
    with ctx.db.read() as session:
        return staff_principal(session, staff_token(request, credentials))


Staff = Annotated[StaffPrincipal, Depends(get_staff)]


@dataclass(frozen=True)
class ShopperContext:
    store: Store
    principal: ShopperPrincipal
    country: str | None = None  # decides which products the market forbids
    locale: str = "en"  # the session's language: cart line titles are written in it

    @property
    def shopper_id(self) -> str:
        return self.principal.shopper_id


def get_store(ctx: Ctx, store_slug: StoreSlug) -> Store:
    with ctx.db.read() as session:
        return get_store_by_slug(session, store_slug)


PublicStore = Annotated[Store, Depends(get_store)]


def get_shopper(ctx: Ctx, store: PublicStore, credentials: Credentials) -> ShopperContext:
    with ctx.db.read() as session:
        principal = shopper_principal(session, _token(credentials), store.id)
        shopper = session.get(Shopper, principal.shopper_id)
        return ShopperContext(
            store=store,
            principal=principal,
            country=shopper.country if shopper else None,
            locale=shopper.locale if shopper else "en",
        )


CurrentShopper = Annotated[ShopperContext, Depends(get_shopper)]
