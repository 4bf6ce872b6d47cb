"""Guest vs account checkout over HTTP: a guest buys with only an e-mail (no account);
after paying, the order page's "create an account" claims that guest under the order's
e-mail and the order stays theirs; a signed-in shopper's checkout is prefilled from their
last order, a guest's never is."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api, address_for, bearer

pytestmark = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)

PASSWORD = "a long shopper passphrase"


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store()
    berlin = api.warehouse(store, "BER")
    product = api.product(store, price=1900, stock=10, warehouse=berlin)
    return {"store": store, "variant": product["variants"][0]["id"]}


def _guest_order(api: Api, shop: dict[str, Any], email: str = "guest@example.com") -> Any:
    shopper = api.shopper(shop["store"], country="FR")
    api.add_to_cart(shopper, shop["variant"], 1)
    order = api.checkout(
        shopper,
        country="FR",
        shipping_address=address_for("FR"),
        contact_email=email,
        contact_phone="+33 1 42 68 53 00",
    )
    return shopper, order


def _claim(
    api: Api, shopper: dict[str, Any], order: dict[str, Any], expected: int, **kw: Any
) -> Any:
    return api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/account",
        expected,
        **kw,
    )


def test_guest_buys_with_an_email_only_then_claims_the_order(
    api: Api, shop: dict[str, Any]
) -> None:
    shopper, order = _guest_order(api, shop)
    slug = shopper["slug"]
    me = api.ok("GET", f"/api/v1/shop/{slug}/me", headers=shopper["headers"])
    assert me["email"] is None  # still a guest: no account was needed to buy
    key = order["order_page_url"].split("key=")[1]
    # not before the payment
    refused = _claim(api, shopper, order, 409, json={"password": PASSWORD, "key": key})
    assert refused["code"] == "order_not_paid"
    api.pay(shopper, order["id"])
    assert "cc-account-form" in api.client.get(order["order_page_url"]).text

    # the e-mail's link on another device: no session, only the signed key
    session = _claim(api, shopper, order, 200, json={"password": PASSWORD, "key": key})
    assert session["shopper"]["id"] == shopper["shopper"]["id"]
    assert session["shopper"]["email"] == "guest@example.com"
    mine = api.ok("GET", f"/api/v1/shop/{slug}/orders", headers=bearer(session["token"]))
    assert [o["id"] for o in mine] == [order["id"]]
    # the old guest token is the same shopper: still sees it
    assert (
        api.ok("GET", f"/api/v1/shop/{slug}/orders", headers=shopper["headers"])[0]["id"]
        == order["id"]
    )
    login = api.ok(
        "POST",
        f"/api/v1/shop/{slug}/login",
        json={"email": "guest@example.com", "password": PASSWORD},
    )
    assert (
        api.ok("GET", f"/api/v1/shop/{slug}/orders", headers=bearer(login["token"]))[0]["id"]
        == order["id"]
    )
    assert "cc-account-form" not in api.client.get(order["order_page_url"]).text
    again = _claim(api, shopper, order, 409, json={"password": PASSWORD, "key": key})
    assert again["code"] == "already_registered"


def test_claiming_needs_the_key_or_the_owners_session(api: Api, shop: dict[str, Any]) -> None:
    shopper, order = _guest_order(api, shop)
    api.pay(shopper, order["id"])
    assert (
        _claim(api, shopper, order, 404, json={"password": PASSWORD})["code"] == "order_not_found"
    )
    wrong = {"password": PASSWORD, "key": "C" * 43}
    assert _claim(api, shopper, order, 404, json=wrong)["code"] == "order_not_found"
    other = api.shopper(shop["store"])
    _claim(api, shopper, order, 404, json={"password": PASSWORD}, headers=other["headers"])
    short = _claim(api, shopper, order, 422, json={"password": "short"}, headers=shopper["headers"])
    assert short["code"]
    # the owner's own session, no key
    _claim(api, shopper, order, 200, json={"password": PASSWORD}, headers=shopper["headers"])


def test_an_email_that_already_has_an_account_is_refused(api: Api, shop: dict[str, Any]) -> None:
    first, order = _guest_order(api, shop, "same@example.com")
    api.pay(first, order["id"])
    _claim(api, first, order, 200, json={"password": PASSWORD}, headers=first["headers"])
    second, other_order = _guest_order(api, shop, "same@example.com")
    api.pay(second, other_order["id"])
    taken = _claim(
        api, second, other_order, 409, json={"password": PASSWORD}, headers=second["headers"]
    )
    assert taken["code"] == "email_taken"


def test_signed_in_checkout_is_prefilled_from_the_last_order_guest_is_not(
    api: Api, shop: dict[str, Any]
) -> None:
    shopper, order = _guest_order(api, shop)
    slug = shopper["slug"]
    empty = api.ok("GET", f"/api/v1/shop/{slug}/checkout/prefill", headers=shopper["headers"])
    assert empty == {
        "country": None,
        "contact_email": None,
        "contact_phone": None,
        "shipping_address": None,
    }
    api.pay(shopper, order["id"])
    session = _claim(
        api, shopper, order, 200, json={"password": PASSWORD}, headers=shopper["headers"]
    )
    prefill = api.ok(
        "GET", f"/api/v1/shop/{slug}/checkout/prefill", headers=bearer(session["token"])
    )
    assert prefill["country"] == "FR"
    assert prefill["contact_email"] == "guest@example.com"
    assert prefill["contact_phone"] == "+33142685300"
    assert prefill["shipping_address"]["city"].upper() == address_for("FR")["city"].upper()
    # a newcomer on the same store sees nothing of it
    stranger = api.shopper(shop["store"])
    assert (
        api.ok("GET", f"/api/v1/shop/{slug}/checkout/prefill", headers=stranger["headers"])[
            "contact_email"
        ]
        is None
    )
