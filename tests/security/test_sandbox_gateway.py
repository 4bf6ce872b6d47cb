"""Issue 11 item 1: the sandbox gateway (pays without moving money) exists only where the
operator enables it, and in production it needs a staff login to complete a payment."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
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


def _production_api(tmp_path: Path, **overrides: Any) -> Iterator[Api]:
    settings = Settings(
        environment="production",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'castcart.db'}",
        **{**STRONG, **overrides},
    )
    with TestClient(create_app(settings, background_tasks=False)) as client:
        yield Api(client)


def _order(api: Api) -> tuple[dict[str, Any], dict[str, Any], Any]:
    store = api.store()
    warehouse = api.warehouse(store)
    product = api.product(store, stock=5, warehouse=warehouse)
    shopper = api.shopper(store)
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    return store, shopper, api.checkout(shopper)


def test_production_has_no_sandbox_gateway_by_default(tmp_path: Path) -> None:
    for api in _production_api(tmp_path):
        _, shopper, order = _order(api)
        response = api.client.post(
            f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments?gateway=sandbox",
            headers=shopper["headers"],
        )
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "gateway_not_found"
        response = api.client.post("/api/v1/sandbox/payments/sbx_x", json={"outcome": "succeeded"})
        assert response.status_code == 404


def test_production_sandbox_needs_staff_of_the_store(tmp_path: Path) -> None:
    for api in _production_api(tmp_path, sandbox_gateway=True):
        store, shopper, order = _order(api)
        payment = api.ok(
            "POST",
            f"/api/v1/shop/{shopper['slug']}/orders/{order['id']}/payments?gateway=sandbox",
            201,
            headers=shopper["headers"],
        )
        url = f"/api/v1/sandbox/payments/{payment['reference']}"
        body = {"outcome": "succeeded"}
        assert api.client.post(url, json=body).status_code == 401
        assert api.client.post(url, json=body, headers=shopper["headers"]).status_code == 401
        other = api.store()
        assert api.client.post(url, json=body, headers=other["headers"]).status_code == 404
        order_now = api.ok("GET", f"/api/v1/orders/{order['id']}", headers=store["headers"])
        assert order_now["status"] == "pending_payment"
        assert api.ok("POST", url, json=body, headers=store["headers"])["status"] == "succeeded"


def test_development_keeps_the_sandbox_open(api: Api) -> None:
    store, shopper, order = _order(api)
    assert api.pay(shopper, order["id"])["status"] == "succeeded"


@pytest.mark.parametrize("value", [False])
def test_operator_can_switch_the_sandbox_off(tmp_path: Path, value: bool) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, sandbox_gateway=value)
    assert not settings.sandbox_enabled
