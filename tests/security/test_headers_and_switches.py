"""Issue 11 item 10: security headers on every response class, production switches for
/docs and sign-up, strict integers where quantities and amounts are read."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from castcart.core.settings import Settings
from castcart.web.app import create_app
from tests.helpers import Api

STRONG = {
    "secret_key": secrets.token_urlsafe(48),
    "payment_webhook_secret": secrets.token_urlsafe(48),
}


def _client(tmp_path: Path, base_url: str = "http://testserver", **overrides: Any) -> TestClient:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'castcart.db'}",
        **{**STRONG, **overrides},
    )
    return TestClient(create_app(settings, background_tasks=False), base_url=base_url)


def _assert_secure(response: Any) -> str:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = str(response.headers["Content-Security-Policy"])
    assert "frame-ancestors 'none'" in csp
    return csp


def test_json_api_errors_and_invoice_carry_the_headers(api: Api) -> None:
    csp = _assert_secure(api.client.get("/api/v1/shop/no-such-store/products"))
    assert "default-src 'none'" in csp
    _assert_secure(api.client.get("/api/v1/no-such-route"))  # a 404 from no route at all
    store = api.store()
    product = api.product(store, stock=3, warehouse=api.warehouse(store))
    shopper = api.shopper(store)
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    order = api.checkout(shopper)
    invoice = api.client.get(
        f"/api/v1/orders/{order['id']}/invoice.html", headers=shopper["headers"]
    )
    assert invoice.status_code == 200
    csp = _assert_secure(invoice)
    assert "script-src" not in csp  # an invoice runs no script at all


def test_docs_csp_allows_only_the_local_bundle_and_its_hashed_start_script(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    csp = _assert_secure(page)
    assert "script-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert api.client.get("/openapi.json").status_code == 200


def test_docs_are_off_in_production_unless_enabled(tmp_path: Path) -> None:
    with _client(tmp_path, environment="production") as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
    with _client(tmp_path, environment="production", api_docs=True) as client:
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200
    with _client(tmp_path, environment="development", api_docs=False) as client:
        assert client.get("/openapi.json").status_code == 404


def test_hsts_is_opt_in_and_only_over_https(tmp_path: Path) -> None:
    with _client(tmp_path, base_url="https://testserver") as client:
        assert "Strict-Transport-Security" not in client.get("/healthz").headers
    with _client(tmp_path, base_url="https://testserver", hsts_seconds=31536000) as client:
        hsts = client.get("/healthz").headers["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains"
    with _client(tmp_path, hsts_seconds=31536000) as client:  # plain http: never
        assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_sign_up_can_be_switched_off(tmp_path: Path) -> None:
    with _client(tmp_path, allow_signup=False) as client:
        response = client.post(
            "/api/v1/stores",
            json={
                "slug": "new-store",
                "name": "New",
                "currency": "EUR",
                "country": "DE",
                "owner_email": "new@example.com",
                "owner_password": "a long enough password 123",
            },
        )
        assert response.status_code == 403
        assert response.json()["code"] == "signup_disabled"


@pytest.mark.parametrize("flag", [True, False])
def test_boolean_quantity_is_refused(api: Api, flag: bool) -> None:
    store = api.store()
    product = api.product(store, stock=3, warehouse=api.warehouse(store))
    shopper = api.shopper(store)
    response = api.client.post(
        f"/api/v1/shop/{shopper['slug']}/cart/lines",
        headers=shopper["headers"],
        json={"variant_id": product["variants"][0]["id"], "quantity": flag},
    )
    assert response.status_code == 422
    assert "quantity" in response.text
