"""Invoice rendering without a database: the PDF parses with and without a Unicode font."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from castcart.commerce import invoices
from castcart.commerce.invoices import InvoiceDoc, InvoiceLine, Party, TaxRow


def _doc() -> InvoiceDoc:
    return InvoiceDoc(
        number="INV-1",
        order_number="CC-1",
        issued_on=date(2026, 11, 23),
        currency="EUR",
        seller=Party("Tweed & Co Ltd", "1 Savile Row, London", "GB"),
        buyer=Party("Zoë Ščepanović", "Köln", "DE", vat_number=None),
        lines=[InvoiceLine("Schal – Wolle", "SC-1", 1, "45.00 EUR", "45.00 EUR")],
        totals=[("Total", "53.55 EUR")],
        taxes=[TaxRow("VAT (DE, IOSS)", "19%", "45.00 EUR", "8.55 EUR", "charged")],
        duties=[],
        scheme="IOSS",
        ioss_number="IM3720000123",
        registration="IM3720000123",
        payment_method="card",
        delivery=None,
        notes=["EU import under IOSS."],
    )


def _text(data: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_pdf_with_the_unicode_font_keeps_every_letter() -> None:
    if invoices._font_path() is None:
        pytest.skip("no DejaVu Sans installed (Debian: fonts-dejavu-core)")
    text = _text(invoices.render_pdf(_doc()))
    assert "Zoë Ščepanović" in text
    assert "IOSS number: IM3720000123" in text


def test_pdf_without_a_unicode_font_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(invoices, "FONT_CANDIDATES", ())
    data = invoices.render_pdf(_doc())
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert "IM3720000123" in text
    assert "Zo" in text  # Latin-1 letters survive; the rest print as "?"


def test_html_escapes_what_shoppers_typed() -> None:
    doc = _doc()
    doc.buyer = Party("<script>alert(1)</script>")
    html = invoices.render_html(doc)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
