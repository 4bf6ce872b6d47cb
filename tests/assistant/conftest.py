"""The demo store, seeded into the test app, and its staff's tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from castcart.demo.seed import DEMO_PASSWORD, DemoStore, seed_demo
from castcart.web.context import AppContext
from tests.helpers import Api, bearer


@pytest.fixture
def demo(client: TestClient) -> DemoStore:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    return seed_demo(ctx.db)


def login(api: Api, demo: DemoStore, email: str) -> dict[str, str]:
    token = api.ok(
        "POST",
        "/api/v1/auth/login",
        json={"store": demo.slug, "email": email, "password": DEMO_PASSWORD},
    )["token"]
    return bearer(token)


@pytest.fixture
def host(api: Api, demo: DemoStore) -> dict[str, str]:
    return login(api, demo, demo.host_email)


@pytest.fixture
def owner(api: Api, demo: DemoStore) -> dict[str, str]:
    return login(api, demo, demo.owner_email)


def shopper(api: Api, demo: DemoStore, locale: str, country: str) -> dict[str, Any]:
    data = api.ok(
        "POST",
        f"/api/v1/shop/{demo.slug}/sessions",
        201,
        json={"locale": locale, "country": country, "display_name": "Lucía"},
    )
    data["headers"] = bearer(data["token"])
    return data


def ask(api: Api, demo: DemoStore, who: dict[str, Any], question: str, **extra: Any) -> Any:
    return api.ok(
        "POST",
        f"/api/v1/shop/{demo.slug}/assistant/ask",
        headers=who["headers"],
        json={"question": question, "show_id": demo.show_id, **extra},
    )
