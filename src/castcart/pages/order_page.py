"""The shopper's order page: what they bought, where it goes, what they paid and where the
parcel is, in their language, with every amount written by the one money formatter
(castcart.money.display) from what the order recorded (the invoice's own figures).

Who may open it: the shopper who placed the order (their session token, as the shop
page's script sends it), or anyone holding the signed link from the confirmation e-mail
(``?key=``, castcart.commerce.order_links). Anything else is the plain 404 page, the same
for a missing order, a wrong key or another shopper's token: order ids are not a way in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from castcart.accounts import service as accounts
from castcart.accounts.models import Store
from castcart.catalog.models import Variant
from castcart.commerce.models import Order
from castcart.commerce.order_links import check_order_key, order_key
from castcart.core.errors import AuthenticationError, NotFoundError
from castcart.pages.admin_orders import address_lines
from castcart.pages.i18n import PageLocale
from castcart.pages.routes import LangParam, _locale, _not_found, _render
from castcart.web.deps import Ctx, StoreSlug

router = APIRouter(include_in_schema=False)
OrderId = Annotated[str, PathParam(max_length=32)]
KeyParam = Annotated[str | None, Query(max_length=64)]


@dataclass(frozen=True)
class Row:
    label: str
    amount: str
    css: str = ""


@dataclass
class OrderView:
    number: str
    status: str
    status_label: str
    placed: str
    items: list[dict[str, Any]]
    address: list[str]
    contact: str
    tax_lines: list[Row]
    totals: list[Row]
    payment_method: str
    delivery: str
    shipments: list[dict[str, Any]] = field(default_factory=list)


def tax_label(
    loc: PageLocale, name: str, rate_percent: str, collected_at: str, included: bool
) -> str:
    """The tax line's label as the shop page writes it (name from the catalog, rate, how it
    is collected), so the order page reads like the checkout that quoted it."""
    localized = loc.strings.get(f"tax.{name}", name)
    try:
        rate = loc.number(float(rate_percent))
    except ValueError:
        rate = rate_percent
    label = f"{localized} ({rate} %)"
    if collected_at == "import":
        return f"{label} · {loc.t('shop.at_import')}"
    if included:
        return loc.t("shop.included", tax=label)
    return label


def status_label(loc: PageLocale, order: Order) -> str:
    if order.status == "fulfilled":
        return loc.t("orderpage.status_shipped")
    return loc.t(f"order.{order.status}")


def order_view(
    loc: PageLocale,
    order: Order,
    *,
    variant_options: dict[str, dict[str, str]],
    payment_method_name: str,
) -> OrderView:
    cur = order.currency
    money = loc.money
    items = [
        {
            "title": line.title,
            "sku": line.sku,
            "options": variant_options.get(line.variant_id, {}),
            "quantity": loc.number(line.quantity),
            "unit": money(line.unit_price_amount, cur),
            "total": money(line.line_total_amount, cur),
        }
        for line in order.lines
    ]
    tax_lines = [
        Row(
            tax_label(loc, t.name, t.rate_percent, t.collected_at, t.included), money(t.amount, cur)
        )
        for t in order.tax_lines
    ]
    # The invoice's totals, in its order (castcart.commerce.invoices.build).
    totals = [Row(loc.t("shop.subtotal"), money(order.subtotal_amount, cur))]
    if order.discount_amount:
        totals.append(Row(loc.t("shop.discount"), money(-order.discount_amount, cur)))
    totals.append(Row(loc.t("shop.shipping"), money(order.shipping_amount, cur)))
    if order.tax_amount:
        totals.append(Row(loc.t("orderpage.tax"), money(order.tax_amount, cur)))
    if order.duty_amount:
        totals.append(Row(loc.t("orderpage.duties"), money(order.duty_amount, cur)))
    totals.append(Row(loc.t("shop.total"), money(order.total_amount, cur), "grand-total"))
    if order.included_tax_amount:
        totals.append(Row(loc.t("orderpage.of_which_tax"), money(order.included_tax_amount, cur)))
    if order.due_at_import_amount:
        totals.append(
            Row(loc.t("shop.due_at_import_later"), money(order.due_at_import_amount, cur))
        )
    dated = [s for s in order.shipments if s.earliest_date and s.latest_date]
    delivery = ""
    if dated:
        earliest = max(s.earliest_date for s in dated if s.earliest_date)
        latest = max(s.latest_date for s in dated if s.latest_date)
        delivery = loc.t(
            "shop.delivery_between", **{"from": loc.date(earliest), "to": loc.date(latest)}
        )
    shipments = [
        {
            "carrier": s.carrier,
            "service": s.service,
            "tracking_number": s.tracking_number,
            # only web links: a tracking URL is staff input shown to the shopper as a link
            "tracking_url": s.tracking_url
            if s.tracking_url and s.tracking_url.startswith(("https://", "http://"))
            else None,
            "shipped": loc.date(s.shipped_at.date()) if s.shipped_at else "",
        }
        for s in order.shipments
    ]
    contact = " · ".join(v for v in (order.contact_email, order.contact_phone) if v)
    return OrderView(
        number=order.number,
        status=order.status,
        status_label=status_label(loc, order),
        placed=loc.datetime(order.created_at, UTC) + " UTC",
        items=items,
        address=address_lines(order.shipping_address, loc.lang),
        contact=contact,
        tax_lines=tax_lines,
        totals=totals,
        payment_method=payment_method_name,
        delivery=delivery,
        shipments=shipments,
    )


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _method_name(method: str | None, lang: str, country: str | None) -> str:
    if not method:
        return ""
    from castcart.payment_methods.catalog import default_catalog
    from castcart.payment_methods.models import PaymentMethodError

    try:
        return default_catalog().get(method).display_name(lang, country)
    except PaymentMethodError:
        return method


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
        context = _context(loc, store, order, view, signed)
    return _render(request, "shop_order.html", loc, context, remember_lang=lang)


def _context(
    loc: PageLocale, store: Store, order: Order, view: OrderView, signed: str
) -> dict[str, Any]:
    invoice = f"/api/v1/orders/{quote(order.id)}/invoice"
    boot = {
        "page": "order",
        "lang": loc.lang,
        "dir": loc.direction,
        "strings": loc.strings,
        "store": {"slug": store.slug, "name": store.name},
        "order": {"id": order.id, "number": order.number, "key": signed},
    }
    return {
        "store": store,
        "order": order,
        "view": view,
        "invoice_html": f"{invoice}.html?key={signed}",
        "invoice_pdf": f"{invoice}.pdf?key={signed}",
        "boot": boot,
    }
