"""A market's own scheme name stays in that market: on a Spanish page a buyer shipping to
Germany is offered "Transferencia bancaria", never Mexico's "(SPEI)"."""

from __future__ import annotations

import pytest

from castcart.payment_methods.catalog import default_catalog
from tests.helpers import Api


def _bank_transfer():  # type: ignore[no-untyped-def]
    return {m.id: m for m in default_catalog().methods}["bank_transfer"]


@pytest.mark.parametrize(
    ("locale", "country", "name"),
    [
        ("es", "DE", "Transferencia bancaria"),
        ("es-MX", "DE", "Transferencia bancaria"),
        ("es", "MX", "Transferencia bancaria (SPEI)"),
        ("en", "MX", "Bank transfer (SPEI)"),
        ("id", "ID", "Transfer bank (Virtual Account)"),
        ("id", "MY", "Transfer bank"),
        ("de", "DE", "Überweisung (Vorkasse)"),
        ("fr", "DE", "Virement bancaire"),
    ],
)
def test_names_follow_language_and_market(locale: str, country: str, name: str) -> None:
    assert _bank_transfer().display_name(locale, country) == name


def test_quote_for_germany_on_a_spanish_page_offers_no_spei(api: Api) -> None:
    store = api.store()
    product = api.product(store, price=4900, warehouse=api.warehouse(store), stock=5)
    shopper = api.shopper(store, country="DE")
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    quote = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/cart/quote",
        json={"country": "DE", "locale": "es"},
        headers=shopper["headers"],
    )
    names = [m["name"] for m in quote["payment_methods"]]
    assert "Transferencia bancaria" in names
    assert not [n for n in names if "SPEI" in n]
