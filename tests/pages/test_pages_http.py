"""The pages over HTTP: what the server renders, in which language, under which policy, and
who may open the staff pages."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from castcart.pages.routes import DIST_DIR
from tests.helpers import PASSWORD, Api


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.root: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.root = found
        if tag == "script":
            self.scripts.append(found)
        self.handlers += [name for name in found if name.startswith("on")]
        if "style" in found or tag == "style":
            self.styles.append(tag)


def _scan(html: str) -> _Scan:
    scan = _Scan()
    scan.feed(html)
    return scan


def _boot(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="cc-boot">(.*?)</script>', html, re.S)
    assert match, "no boot data"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture
def shop(api: Api) -> dict[str, Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, price=4900, warehouse=warehouse, stock=5)
    hostile = api.ok(
        "POST",
        "/api/v1/products",
        201,
        headers=store["headers"],
        json={
            "handle": "hostile",
            "translations": [{"locale": "en", "title": "</script><script>alert(1)</script>"}],
            "variants": [{"sku": "HOSTILE", "price_amount": 100}],
        },
    )
    show = api.show(store, [product, hostile], live=True)
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=store["headers"],
        json={"product_id": product["id"]},
    )
    return {"store": store, "product": product, "show": show, "slug": store["store"]["slug"]}


def test_shopper_page_renders_the_show_in_the_visitors_language(
    client: TestClient, shop: dict[str, Any]
) -> None:
    url = f"/s/{shop['slug']}/shows/{shop['show']['id']}"
    response = client.get(url, headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    html = response.text
    scan = _scan(html)
    assert scan.root == {"lang": "de", "dir": "ltr"}
    assert "In den Warenkorb" in html
    assert "Produkt " in html  # the product's German title
    assert "49,00\xa0€" in html  # babel, German style
    assert 'class="card is-pinned"' in html
    boot = _boot(html)
    assert boot["country"] == "AT"  # guessed from Accept-Language until checkout
    assert boot["show"]["show"]["id"] == shop["show"]["id"]
    assert boot["strings"]["shop.send"] == "Senden"
    # No stream yet: the page says "starting soon" instead of an empty player.
    assert boot["hls_url"] is None
    assert re.search(r'<video id="cc-video"[^>]*hidden', html)


def test_arabic_is_right_to_left_and_lang_choice_is_remembered(
    client: TestClient, shop: dict[str, Any]
) -> None:
    url = f"/s/{shop['slug']}/shows/{shop['show']['id']}"
    first = client.get(f"{url}?lang=ar")
    assert _scan(first.text).root == {"lang": "ar", "dir": "rtl"}
    assert first.cookies.get("castcart_lang") == "ar"
    again = client.get(url, headers={"Accept-Language": "en"})
    assert _scan(again.text).root["lang"] == "ar"  # the cookie beats the browser
    assert "أضف إلى السلة" in again.text


def test_pages_keep_a_strict_csp_possible(client: TestClient, shop: dict[str, Any]) -> None:
    response = client.get(f"/s/{shop['slug']}/shows/{shop['show']['id']}")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    scan = _scan(response.text)
    assert scan.handlers == []  # no inline event handlers
    assert scan.styles == []  # no inline styles
    for script in scan.scripts:  # only external scripts, or inert JSON data
        assert script.get("src") or script.get("type") == "application/json", script
        if script.get("src"):
            assert str(script["src"]).startswith("/assets/")  # no third-party CDN


def test_user_text_cannot_break_out_of_the_page(client: TestClient, shop: dict[str, Any]) -> None:
    html = client.get(f"/s/{shop['slug']}/shows/{shop['show']['id']}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # the card title, escaped
    boot = _boot(html)  # the boot JSON escapes '<' too, and still parses
    titles = [t["title"] for p in boot["show"]["products"] for t in p["translations"]]
    assert "</script><script>alert(1)</script>" in titles


def test_embed_mode_may_be_framed(client: TestClient, shop: dict[str, Any]) -> None:
    response = client.get(f"/s/{shop['slug']}/shows/{shop['show']['id']}?embed=1&lang=fr")
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert "is-embed" in response.text


def test_unknown_show_or_store_is_a_404_page(client: TestClient, shop: dict[str, Any]) -> None:
    for url in (f"/s/{shop['slug']}/shows/nope", f"/s/no-such-store/shows/{shop['show']['id']}"):
        response = client.get(url + "?lang=es")
        assert response.status_code == 404
        assert "No encontrado" in response.text
        assert response.headers["content-type"].startswith("text/html")


def _login(client: TestClient, store: dict[str, Any]) -> None:
    response = client.post(
        "/api/v1/auth/session",
        json={
            "store": store["store"]["slug"],
            "email": f"owner@{store['store']['slug']}.example.com",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 204


def test_staff_pages_need_a_session(client: TestClient, shop: dict[str, Any]) -> None:
    console = f"/console/shows/{shop['show']['id']}"
    for url in (console, "/admin"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")
    _login(client, shop["store"])
    page = client.get(console)
    assert page.status_code == 200
    boot = _boot(page.text)
    assert boot["user"]["role"] == "owner"
    assert boot["show"]["show"]["stream_key"]
    assert "shows.run" in boot["permissions"]
    assert client.get("/admin").status_code == 200
    assert client.get("/console/shows/not-a-show").status_code == 404


def test_console_of_another_store_is_not_found(
    api: Api, client: TestClient, shop: dict[str, Any]
) -> None:
    other = api.store()
    _login(client, other)
    assert client.get(f"/console/shows/{shop['show']['id']}").status_code == 404


def test_login_page_only_redirects_within_the_site(client: TestClient) -> None:
    for target, expected in (("/admin#shows", "/admin#shows"), ("//evil.example", "/admin")):
        page = client.get("/console/login", params={"next": target})
        assert _boot(page.text)["next"] == expected
    assert 'autocomplete="current-password"' in client.get("/console/login").text


def test_console_trades_its_cookie_for_a_live_ticket_that_opens_the_channel_once(
    client: TestClient, shop: dict[str, Any]
) -> None:
    _login(client, shop["store"])
    tickets = f"/api/v1/shop/{shop['slug']}/live-tickets"
    refused = client.post(tickets)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    csrf = client.cookies.get("castcart_csrf")
    assert csrf
    response = client.post(tickets, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201
    ticket = response.json()["ticket"]
    assert response.json()["expires_in"] == 60
    path = f"/api/v1/shop/{shop['slug']}/shows/{shop['show']['id']}/live?ticket={ticket}"
    with client.websocket_connect(path) as ws:
        hello = ws.receive_json()
    with client.websocket_connect(path) as ws:  # spent
        assert ws.receive()["code"] == 4401
    assert hello["type"] == "hello"
    assert hello["you"]["role"] == "owner"
    assert hello["pinned_product_id"] == shop["product"]["id"]


def test_widget_loader_is_served_to_any_site(client: TestClient) -> None:
    if not (DIST_DIR / "widget.js").is_file():
        pytest.skip("page scripts are not built: run `make install`")
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["access-control-allow-origin"] == "*"
    assert "castcart-show" in response.text


def test_login_from_a_show_link_has_the_store_filled_in(
    client: TestClient, shop: dict[str, Any]
) -> None:
    slug = shop["store"]["store"]["slug"]
    response = client.get(f"/console/shows/{shop['show']['id']}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"&store={slug}")
    page = client.get(response.headers["location"])
    assert f'value="{slug}"' in page.text
    # an unknown show gives away no store
    unknown = client.get("/console/shows/not-a-show", follow_redirects=False)
    assert "store=" not in unknown.headers["location"]
