"""A store with a live show, its staff and a few shoppers, for the engagement tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import PASSWORD, Api, bearer


def staff_member(api: Api, store: dict[str, Any], role: str) -> dict[str, str]:
    """Headers of a new staff member of ``store`` with ``role``."""
    slug = store["store"]["slug"]
    email = f"{role}@{slug}.example.com"
    api.ok(
        "POST",
        "/api/v1/staff",
        201,
        headers=store["headers"],
        json={"email": email, "password": PASSWORD, "role": role, "display_name": role.title()},
    )
    login = api.ok(
        "POST", "/api/v1/auth/login", json={"store": slug, "email": email, "password": PASSWORD}
    )
    return bearer(login["token"])


def named_shopper(api: Api, store: dict[str, Any], name: str) -> dict[str, Any]:
    slug = store["store"]["slug"]
    data = api.ok(
        "POST", f"/api/v1/shop/{slug}/sessions", 201, json={"locale": "en", "display_name": name}
    )
    data["headers"] = bearer(data["token"])
    data["slug"] = slug
    data["name"] = name
    return data


@pytest.fixture
def room(api: Api) -> dict[str, Any]:
    store = api.store()
    show = api.show(store, live=True)
    slug = store["store"]["slug"]
    return {
        "store": store,
        "slug": slug,
        "show": show,
        "h": store["headers"],
        "staff_url": f"/api/v1/shows/{show['id']}",
        "shop_url": f"/api/v1/shop/{slug}/shows/{show['id']}",
    }
