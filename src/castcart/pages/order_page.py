"""The shopper's order page: what they bought, where it goes, what they paid and where the
parcel is, in their language, with every amount written by the one money formatter
(castcart.money.display) from what the order recorded (the invoice's own figures).

Who may open it: the shopper who placed the order (their session token, as the shop
page's script sends it), or anyone holding the signed link from the confirmation e-mail
(``?key=``, castcart.commerce.order_links). Anything else is the plain 404 page, the same
for a missing order, a wrong key or another shopper's token: order ids are not a way in.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from castcart.accounts import service as accounts
from castcart.accounts.models import Shopper, Store
from castcart.catalog.models import Variant
from castcart.commerce.models import Order
from castcart.commerce.order_links import check_order_key, order_key
from castcart.core.errors import AuthenticationError, NotFoundError
from castcart.pages.i18n import PageLocale
from castcart.pages.order_view import OrderView, order_view
from castcart.pages.routes import LangParam, _locale, _not_found, _render
from castcart.web.deps import Ctx, StoreSlug

router = APIRouter(include_in_schema=False)
OrderId = Annotated[str, PathParam(max_length=32)]
KeyParam = Annotated[str | None, Query(max_length=64)]


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _method_name(method: str | None, lang: str, country: str | None) -> str:
    from castcart.payment_methods import method_name

    return method_name(method, lang, country) or ""


@router.get("/shop/{store_slug}/orders/{order_id}", response_model=None)
def order_page(
    ctx: Ctx,
    request: Request,
    store_slug: StoreSlug,
    order_id: OrderId,
    key: KeyParam = None,
    lang: LangParam = None,
) -> Response:
    loc = _locale(request, lang)
    with ctx.db.read() as session:
        try:
            store = accounts.get_store_by_slug(session, store_slug)
        except NotFoundError:
            return _not_found(request, loc)
        order = session.get(Order, order_id)
        if order is None or order.store_id != store.id:
            return _not_found(request, loc)
        allowed = check_order_key(ctx.settings.secret_key, order.id, key)
        token = _bearer(request)
        if not allowed and token:
            try:
                principal = accounts.shopper_principal(session, token, store.id)
                allowed = principal.shopper_id == order.shopper_id
            except AuthenticationError:
                allowed = False
        if not allowed:
            return _not_found(request, loc)
        variant_ids = [line.variant_id for line in order.lines]
        options = {
            v.id: dict(v.options or {})
            for v in (session.get(Variant, vid) for vid in variant_ids)
            if v is not None
        }
        view = order_view(
            loc,
            order,
            variant_options=options,
            payment_method_name=_method_name(
                order.payment_method, loc.lang, order.destination_country
            ),
        )
        signed = order_key(ctx.settings.secret_key, order.id)
        shopper = session.get(Shopper, order.shopper_id)
        # a guest who has paid may turn the order's e-mail into an account, from here
        offer_account = (
            shopper is not None
            and shopper.password_hash is None
            and order.status in ("paid", "fulfilled")
            and bool(order.contact_email)
        )
        context = _context(loc, store, order, view, signed, offer_account)
    return _render(request, "shop_order.html", loc, context, remember_lang=lang)


def _context(
    loc: PageLocale,
    store: Store,
    order: Order,
    view: OrderView,
    signed: str,
    offer_account: bool,
) -> dict[str, Any]:
    invoice = f"/api/v1/orders/{quote(order.id)}/invoice"
    boot = {
        "page": "order",
        "lang": loc.lang,
        "dir": loc.direction,
        "strings": loc.strings,
        "store": {"slug": store.slug, "name": store.name},
        "order": {"id": order.id, "number": order.number, "key": signed},
        "offer_account": offer_account,
    }
    return {
        "store": store,
        "order": order,
        "view": view,
        "invoice_html": f"{invoice}.html?key={signed}",
        "invoice_pdf": f"{invoice}.pdf?key={signed}",
        "offer_account": offer_account,
        "boot": boot,
    }
