"""Invoices per order, as HTML (Jinja) and PDF (fpdf2, pure Python).

What goes on them is what a cross-border B2C/B2B invoice needs (EU VAT Directive Art. 226,
HMRC VAT Notice 700 §16, and the customs data for IOSS): seller and buyer with their VAT
numbers, the IOSS number for an EU low-value import, tax per rate, the currency and, when
prices were converted, the rate used and the VAT in the seller's currency (Art. 230), and
the reverse-charge wording for intra-EU B2B supplies. Everything comes from what the order
recorded at checkout, never from a new quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from castcart.accounts.models import Shopper
from castcart.accounts.service import get_store
from castcart.commerce.address import postal_lines
from castcart.commerce.models import Order
from castcart.commerce.taxsettings import get_settings_row
from castcart.core.errors import NotFoundError
from castcart.money.money import format_major, round_to_minor
from castcart.payment_methods import method_name

REVERSE_CHARGE_TEXT = (
    "Reverse charge: VAT to be accounted for by the recipient "
    "(Article 196, Council Directive 2006/112/EC)."
)
# Unicode fonts for the PDF, first found wins (Debian: fonts-dejavu-core). Without one the
# PDF falls back to a core font and characters outside Latin-1 print as "?".
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""
    country: str = ""
    vat_number: str | None = None
    email: str = ""


@dataclass(frozen=True)
class InvoiceLine:
    title: str
    sku: str
    quantity: int
    unit: str
    total: str


@dataclass(frozen=True)
class TaxRow:
    label: str
    rate: str
    base: str
    amount: str
    how: str


@dataclass
class InvoiceDoc:
    number: str
    order_number: str
    issued_on: date
    currency: str
    seller: Party
    buyer: Party
    lines: list[InvoiceLine]
    totals: list[tuple[str, str]]
    taxes: list[TaxRow]
    duties: list[TaxRow]
    scheme: str | None
    ioss_number: str | None
    registration: str | None
    payment_method: str | None
    delivery: str | None
    notes: list[str] = field(default_factory=list)


def _money(amount: int, currency: str) -> str:
    return f"{format_major(amount, currency)} {currency}"


def _how(collected_at: str, included: bool) -> str:
    if included:
        return "included in prices"
    return {
        "checkout": "charged",
        "import": "due at import",
        "none": "not charged",
    }.get(collected_at, collected_at)


def build(session: Session, order_id: str) -> InvoiceDoc:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFoundError("order not found", code="order_not_found")
    store = get_store(session, order.store_id)
    settings = get_settings_row(session, store)
    shopper = session.get(Shopper, order.shopper_id)
    cur = order.currency
    buyer_data = order.buyer or {}
    # A business buyer's own details first, else whom checkout ships to (the address and
    # contact the shopper entered): the invoice named a bare "Customer" before.
    shipping = order.shipping_address or {}
    buyer = Party(
        name=buyer_data.get("company")
        or buyer_data.get("name")
        or shipping.get("company_name")
        or shipping.get("name")
        or (shopper.display_name if shopper and shopper.display_name else "Customer"),
        address=buyer_data.get("address") or ", ".join(postal_lines(shipping)),
        country="-".join(p for p in (order.destination_country, order.destination_region) if p),
        vat_number=order.buyer_vat_id,
        email=buyer_data.get("email")
        or order.contact_email
        or (shopper.email if shopper and shopper.email else ""),
    )
    seller = Party(
        name=settings.legal_name or store.name,
        address=settings.address,
        country=store.country,
        vat_number=settings.vat_number,
    )
    taxes = [t for t in order.tax_lines if t.kind == "tax"]
    duties = [t for t in order.tax_lines if t.kind == "duty"]
    notes: list[str] = []
    if any(t.scheme == "reverse_charge" for t in taxes):
        notes.append(REVERSE_CHARGE_TEXT)
    if order.prices_include_tax and order.included_tax_amount:
        notes.append("Prices include VAT.")
    if order.due_at_import_amount:
        notes.append(
            f"Import taxes and duties of about {_money(order.due_at_import_amount, cur)} are "
            "collected by the carrier or customs on delivery and are not part of this total."
        )
    charged_tax = order.tax_amount + order.included_tax_amount
    if order.store_currency and order.store_currency != cur and order.fx_rate:
        as_of = order.fx_as_of.date().isoformat() if order.fx_as_of else "?"
        notes.append(
            f"Prices converted from {order.store_currency} at 1 {order.store_currency} = "
            f"{order.fx_rate} {cur} ({order.fx_source}, {as_of})."
        )
        if charged_tax:
            with localcontext() as ctx:
                ctx.prec = 50
                back = Decimal(charged_tax) / Decimal(order.fx_rate)
                back = back.scaleb(_digits(order.store_currency) - _digits(cur))
            notes.append(
                f"Tax in {order.store_currency}: "
                f"{_money(round_to_minor(back), order.store_currency)}."
            )
    ioss = order.registration_number if order.tax_scheme == "IOSS" else None
    if ioss:
        notes.append(f"EU import under IOSS, IOSS number {ioss}: VAT paid at checkout.")
    totals = [("Subtotal", _money(order.subtotal_amount, cur))]
    if order.discount_amount:
        totals.append(("Discount", "-" + _money(order.discount_amount, cur)))
    totals.append(("Shipping", _money(order.shipping_amount, cur)))
    if order.tax_amount:
        totals.append(("Tax", _money(order.tax_amount, cur)))
    if order.duty_amount:
        totals.append(("Duties", _money(order.duty_amount, cur)))
    totals.append(("Total", _money(order.total_amount, cur)))
    if order.included_tax_amount:
        totals.append(("of which tax", _money(order.included_tax_amount, cur)))
    delivery = None
    dated = [s for s in order.shipments if s.latest_date is not None]
    if dated:
        latest = max(s.latest_date for s in dated if s.latest_date)
        earliest = max(s.earliest_date for s in dated if s.earliest_date)
        parcels = ", ".join(f"{s.warehouse_code} via {s.carrier}" for s in order.shipments)
        delivery = f"{earliest.isoformat()} – {latest.isoformat()} ({parcels})"
    return InvoiceDoc(
        number=f"INV-{order.number.removeprefix('CC-')}",
        order_number=order.number,
        issued_on=(order.paid_at or order.created_at).date(),
        currency=cur,
        seller=seller,
        buyer=buyer,
        lines=[
            InvoiceLine(
                ln.title,
                ln.sku,
                ln.quantity,
                _money(ln.unit_price_amount, cur),
                _money(ln.line_total_amount, cur),
            )
            for ln in order.lines
        ],
        totals=totals,
        taxes=[
            TaxRow(
                f"{t.name} ({t.jurisdiction}, {t.scheme})",
                f"{t.rate_percent}%",
                _money(t.base_amount, cur),
                _money(t.amount, cur),
                _how(t.collected_at, t.included),
            )
            for t in taxes
        ],
        duties=[
            TaxRow(
                f"{t.name} ({t.jurisdiction})" + (" estimate" if t.estimate else ""),
                f"{t.rate_percent}%",
                _money(t.base_amount, cur),
                _money(t.amount, cur),
                _how(t.collected_at, t.included),
            )
            for t in duties
        ],
        scheme=order.tax_scheme,
        ioss_number=ioss,
        registration=order.registration_number,
        # by name ("Cash on delivery"), the id only if the catalog no longer knows it
        payment_method=method_name(order.payment_method, "en", order.destination_country),
        delivery=delivery,
        notes=notes,
    )


def _digits(currency: str) -> int:
    from castcart.money import minor_units

    return minor_units(currency)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("castcart.commerce", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def render_html(doc: InvoiceDoc) -> str:
    return _env().get_template("invoice.html").render(doc=doc)


def _font_path() -> Path | None:
    return next((p for p in FONT_CANDIDATES if p.is_file()), None)


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        font = _font_path()
        if font is not None:
            self.add_font("Body", "", str(font))
            self.family_name = "Body"
            self.unicode = True
        else:
            self.family_name = "Helvetica"
            self.unicode = False
        self.set_auto_page_break(auto=True, margin=15)

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def row(self, *cells: tuple[float, str, str], height: float = 6) -> None:
        for width, value, align in cells:
            self.cell(width, height, self.text_of(value), align=align)
        self.ln(height)

    def para(self, value: str, size: float = 9) -> None:
        self.set_font(self.family_name, size=size)
        self.multi_cell(0, 5, self.text_of(value), new_x="LMARGIN", new_y="NEXT")


def render_pdf(doc: InvoiceDoc) -> bytes:
    pdf = _Pdf()
    pdf.set_title(f"Invoice {doc.number}")
    pdf.add_page()
    pdf.set_font(pdf.family_name, size=16)
    pdf.cell(0, 10, pdf.text_of(f"Invoice {doc.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.para(f"Order {doc.order_number} · issued {doc.issued_on.isoformat()} · {doc.currency}")
    pdf.ln(2)
    for title, party in (("Seller", doc.seller), ("Buyer", doc.buyer)):
        pdf.set_font(pdf.family_name, size=11)
        pdf.cell(0, 6, pdf.text_of(title), new_x="LMARGIN", new_y="NEXT")
        details = [party.name, party.address, party.country, party.email]
        if party.vat_number:
            details.append(f"VAT number: {party.vat_number}")
        if title == "Seller":
            if doc.ioss_number:
                details.append(f"IOSS number: {doc.ioss_number}")
            elif doc.registration and doc.registration != party.vat_number:
                details.append(f"Registration ({doc.scheme}): {doc.registration}")
        pdf.para("\n".join(d for d in details if d))
        pdf.ln(1)
    pdf.set_font(pdf.family_name, size=9)
    pdf.row((90, "Item", "L"), (25, "Qty", "R"), (35, "Unit", "R"), (40, "Amount", "R"))
    for line in doc.lines:
        pdf.row(
            (90, f"{line.title[:48]} ({line.sku})", "L"),
            (25, str(line.quantity), "R"),
            (35, line.unit, "R"),
            (40, line.total, "R"),
        )
    pdf.ln(2)
    for label, value in doc.totals:
        pdf.row((150, label, "R"), (40, value, "R"))
    for heading, rows in (("Tax", doc.taxes), ("Duties", doc.duties)):
        if not rows:
            continue
        pdf.ln(2)
        pdf.set_font(pdf.family_name, size=11)
        pdf.cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family_name, size=9)
        for row in rows:
            pdf.row(
                (70, row.label, "L"),
                (20, row.rate, "R"),
                (35, row.base, "R"),
                (35, row.amount, "R"),
                (30, row.how, "R"),
            )
    pdf.ln(2)
    if doc.payment_method:
        pdf.para(f"Payment method: {doc.payment_method}")
    if doc.delivery:
        pdf.para(f"Delivery: {doc.delivery}")
    for note in doc.notes:
        pdf.para(note)
    return bytes(pdf.output())
