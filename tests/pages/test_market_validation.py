"""Unknown countries and locales: a shopper session or quote naming ``ZZ`` / ``xx-YY`` is a
clear 422 (not a session in a market that does not exist); the shopper page given
``?country=ZZ`` falls back to the store's own market and says so, instead of quietly
preselecting whichever country sorts first (it used to be Australia)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import Api


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store(country="DE")
    product = api.product(store, price=1900, warehouse=api.warehouse(store), stock=5)
    show = api.show(store, [product], live=True)
    return {"store": store, "show": show, "slug": store["store"]["slug"]}


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"locale": "en", "country": "ZZ"}, "ZZ"),
        ({"locale": "xx-YY", "country": "DE"}, "xx"),
        ({"locale": "en-ZZ", "country": "DE"}, "ZZ"),
        ({"locale": "de", "country": "XX"}, "XX"),
    ],
)
def test_session_with_unknown_country_or_locale_is_a_clear_422(
    client: TestClient, shop: dict[str, Any], body: dict[str, str], word: str
) -> None:
    response = client.post(f"/api/v1/shop/{shop['slug']}/sessions", json=body)
    assert response.status_code == 422, response.text
    assert word in response.text
    assert re.search(r"ISO (3166|639)", response.text)


@pytest.mark.parametrize(
    "body", [{"locale": "pt-BR", "country": "BR"}, {"locale": "zh-Hant", "country": "ID"},
             {"locale": "es-419", "country": "MX"}]
)  # fmt: skip
def test_real_locales_and_countries_are_accepted(
    client: TestClient, shop: dict[str, Any], body: dict[str, str]
) -> None:
    assert client.post(f"/api/v1/shop/{shop['slug']}/sessions", json=body).status_code == 201


def test_quote_and_storefront_refuse_an_unknown_country(
    api: Api, client: TestClient, shop: dict[str, Any]
) -> None:
    shopper = api.shopper(shop["store"])
    quote = client.post(
        f"/api/v1/shop/{shop['slug']}/cart/quote",
        json={"country": "ZZ", "locale": "en"},
        headers=shopper["headers"],
    )
    assert quote.status_code == 422, quote.text
    assert "ZZ" in quote.text
    listing = client.get(f"/api/v1/shop/{shop['slug']}/products", params={"country": "ZZ"})
    assert listing.status_code == 422
    assert client.get(f"/api/v1/shop/{shop['slug']}/products?country=DE").status_code == 200


def _selected(html: str) -> list[str]:
    return re.findall(r'<option value="([A-Z]{2})" selected>', html)


@pytest.mark.parametrize("code", ["ZZ", "zz", "KR", "123"])
def test_shopper_page_falls_back_to_the_store_market_with_a_notice(
    client: TestClient, shop: dict[str, Any], code: str
) -> None:
    url = f"/s/{shop['slug']}/shows/{shop['show']['id']}"
    response = client.get(url, params={"country": code, "lang": "de"})
    assert response.status_code == 200
    html = response.text
    assert _selected(html) == ["DE"]  # the store's market, not Australia
    notice = re.search(r'<p id="cc-country-notice"[^>]*>(.*?)</p>', html)
    assert notice, "no visible notice"
    assert code in notice.group(1)
    assert "Deutschland" in notice.group(1)


def test_a_served_country_is_selected_without_notice(
    client: TestClient, shop: dict[str, Any]
) -> None:
    url = f"/s/{shop['slug']}/shows/{shop['show']['id']}"
    html = client.get(url, params={"country": "MX"}).text
    assert _selected(html) == ["MX"]
    assert "cc-country-notice" not in html
