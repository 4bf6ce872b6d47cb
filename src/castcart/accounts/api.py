from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import select

from castcart.accounts import service
from castcart.accounts.errors import AccountsErrorCode
from castcart.accounts.models import Shopper, StaffUser, Store
from castcart.accounts.schemas import (
    GuestSessionIn,
    LoginIn,
    MeOut,
    ShopperLoginIn,
    ShopperOut,
    ShopperRegisterIn,
    ShopperSessionOut,
    SignupOut,
    StaffIn,
    StaffOut,
    StoreOut,
    StoreSignupIn,
    TokenOut,
)
from castcart.core.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from castcart.web.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Credentials,
    Ctx,
    CurrentShopper,
    PublicStore,
    Staff,
    ThrottlesDep,
    client_address,
    require_same_origin,
    staff_token,
)
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=ERROR_RESPONSES)


@router.post("/stores", status_code=status.HTTP_201_CREATED, response_model=SignupOut)
def sign_up(ctx: Ctx, data: StoreSignupIn) -> SignupOut:
    """Create a store and its owner; returns the owner's API token."""
    if not ctx.settings.allow_signup:
        raise PermissionDeniedError(
            "sign-up is disabled on this server", code=AccountsErrorCode.SIGNUP_DISABLED
        )
    ttl = timedelta(hours=ctx.settings.session_ttl_hours)
    with ctx.unit_of_work() as (session, _):
        store, owner = service.create_store(
            session,
            slug=data.slug,
            name=data.name,
            currency=data.currency,
            country=data.country,
            default_locale=data.default_locale,
            owner_email=str(data.owner_email),
            owner_password=data.owner_password,
        )
        token, _user = service.login_staff(
            session,
            store_slug=store.slug,
            email=str(data.owner_email),
            password=data.owner_password,
            ttl=ttl,
        )
        return SignupOut(
            store=StoreOut.model_validate(store), owner=StaffOut.model_validate(owner), token=token
        )


def _throttled_staff_login(
    ctx: Ctx, throttles: ThrottlesDep, request: Request, data: LoginIn
) -> str:
    """A staff login counted against the account and the client address (429 when over)."""
    account = f"staff:{data.store}:{str(data.email).lower()}"
    address = f"addr:{client_address(request)}"
    throttles.before_login(account, address)
    try:
        with ctx.unit_of_work() as (session, _):
            token, _user = service.login_staff(
                session,
                store_slug=data.store,
                email=str(data.email),
                password=data.password,
                ttl=timedelta(hours=ctx.settings.session_ttl_hours),
            )
    except AuthenticationError:
        throttles.login_failed(account, address)
        raise
    throttles.login_succeeded(account)
    return token


@router.post("/auth/login", response_model=TokenOut)
def login(ctx: Ctx, throttles: ThrottlesDep, request: Request, data: LoginIn) -> TokenOut:
    return TokenOut(token=_throttled_staff_login(ctx, throttles, request, data))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    ctx: Ctx, staff: Staff, request: Request, response: Response, credentials: Credentials
) -> None:
    """Revokes the bearer token or the page session, whichever authenticated this call."""
    with ctx.unit_of_work() as (session, _):
        service.revoke_token(session, staff_token(request, credentials))
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post("/auth/session", status_code=status.HTTP_204_NO_CONTENT)
def page_login(
    ctx: Ctx, throttles: ThrottlesDep, request: Request, data: LoginIn, response: Response
) -> None:
    """Log in for the server-rendered pages: an HttpOnly session cookie plus a CSRF cookie
    that page scripts echo in the ``X-CSRF-Token`` header on writes."""
    require_same_origin(request)  # no logging a victim's browser into the attacker's store
    ttl = timedelta(hours=ctx.settings.session_ttl_hours)
    token = _throttled_staff_login(ctx, throttles, request, data)
    secure = ctx.settings.environment == "production"
    max_age = int(ttl.total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        max_age=max_age,
        httponly=False,
        secure=secure,
        samesite="strict",
        path="/",
    )


@router.get("/auth/me", response_model=MeOut)
def me(ctx: Ctx, staff: Staff) -> MeOut:
    with ctx.db.read() as session:
        user = session.get(StaffUser, staff.user_id)
        store = session.get(Store, staff.store_id)
        if user is None or store is None:
            raise NotFoundError("account not found")
        return MeOut(user=StaffOut.model_validate(user), store=StoreOut.model_validate(store))


@router.get("/staff", response_model=list[StaffOut])
def list_staff(ctx: Ctx, staff: Staff) -> list[StaffOut]:
    staff.require("staff.write")
    with ctx.db.read() as session:
        users = session.scalars(
            select(StaffUser).where(StaffUser.store_id == staff.store_id).order_by(StaffUser.email)
        ).all()
        return [StaffOut.model_validate(u) for u in users]


@router.post("/staff", status_code=status.HTTP_201_CREATED, response_model=StaffOut)
def add_staff(ctx: Ctx, staff: Staff, data: StaffIn) -> StaffOut:
    staff.require("staff.write")
    with ctx.unit_of_work() as (session, _):
        user = service.add_staff(
            session,
            staff.store_id,
            email=str(data.email),
            password=data.password,
            role=service.Role(data.role),
            display_name=data.display_name,
        )
        return StaffOut.model_validate(user)


shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES
)


@shop_router.post(
    "/sessions", status_code=status.HTTP_201_CREATED, response_model=ShopperSessionOut
)
def start_guest_session(
    ctx: Ctx, throttles: ThrottlesDep, request: Request, store: PublicStore, data: GuestSessionIn
) -> ShopperSessionOut:
    """A guest shopper session: no sign-up needed to watch, chat and buy. Limited per client
    address, so fresh guests cannot be minted to get round per-shopper chat limits."""
    throttles.guest_sessions.take(
        [f"guest:{client_address(request)}"],
        "too many new sessions from here; try again shortly",
    )
    with ctx.unit_of_work() as (session, _):
        token, shopper = service.start_guest_session(
            session,
            store,
            locale=data.locale,
            country=data.country,
            display_name=data.display_name,
            ttl=timedelta(hours=ctx.settings.session_ttl_hours),
        )
        return ShopperSessionOut(token=token, shopper=ShopperOut.model_validate(shopper))


@shop_router.get("/me", response_model=ShopperOut)
def shopper_me(ctx: Ctx, shopper: CurrentShopper) -> ShopperOut:
    with ctx.db.read() as session:
        row = session.get(Shopper, shopper.shopper_id)
        return ShopperOut.model_validate(row)


@shop_router.post("/account", response_model=ShopperOut)
def register(ctx: Ctx, shopper: CurrentShopper, data: ShopperRegisterIn) -> ShopperOut:
    """Turn the guest session into an account; cart and orders stay with it."""
    with ctx.unit_of_work() as (session, _):
        row = service.register_shopper(
            session, shopper.shopper_id, email=str(data.email), password=data.password
        )
        return ShopperOut.model_validate(row)


@shop_router.post("/login", response_model=ShopperSessionOut)
def shopper_login(
    ctx: Ctx, throttles: ThrottlesDep, request: Request, store: PublicStore, data: ShopperLoginIn
) -> ShopperSessionOut:
    account = f"shopper:{store.id}:{str(data.email).lower()}"
    address = f"addr:{client_address(request)}"
    throttles.before_login(account, address)
    try:
        with ctx.unit_of_work() as (session, _):
            token, row = service.login_shopper(
                session,
                store,
                email=str(data.email),
                password=data.password,
                ttl=timedelta(hours=ctx.settings.session_ttl_hours),
            )
            out = ShopperSessionOut(token=token, shopper=ShopperOut.model_validate(row))
    except AuthenticationError:
        throttles.login_failed(account, address)
        raise
    throttles.login_succeeded(account)
    return out
