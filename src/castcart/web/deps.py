"""FastAPI dependencies as ``Annotated`` aliases: the context, the staff member, the shopper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

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
from castcart.core.errors import AuthenticationError
from castcart.web.context import AppContext

_bearer = HTTPBearer(auto_error=False, description="staff or shopper token")


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
StoreSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise AuthenticationError("a bearer token is required", code="token_missing")
    return credentials.credentials


def get_staff(ctx: Ctx, credentials: Credentials) -> StaffPrincipal:
    with ctx.db.read() as session:
        return staff_principal(session, _token(credentials))


Staff = Annotated[StaffPrincipal, Depends(get_staff)]


@dataclass(frozen=True)
class ShopperContext:
    store: Store
    principal: ShopperPrincipal
    country: str | None = None  # decides which products the market forbids

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
            store=store, principal=principal, country=shopper.country if shopper else None
        )


CurrentShopper = Annotated[ShopperContext, Depends(get_shopper)]
