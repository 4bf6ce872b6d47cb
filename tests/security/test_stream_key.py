"""Issue 11 item 9: the stream key lets anyone broadcast as the store, so only staff who run
shows (host, owner) see it; a moderator reads shows and their stream state without it."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD, Api, bearer


def _staff(api: Api, store: dict[str, Any], role: str) -> dict[str, str]:
    slug = store["store"]["slug"]
    email = f"{role}@{slug}.example.com"
    api.ok(
        "POST",
        "/api/v1/staff",
        201,
        headers=store["headers"],
        json={"email": email, "password": PASSWORD, "role": role},
    )
    login = {"store": slug, "email": email, "password": PASSWORD}
    return bearer(api.ok("POST", "/api/v1/auth/login", json=login)["token"])


def test_moderator_never_sees_the_stream_key(api: Api) -> None:
    store = api.store()
    show = api.show(store)
    key = show["stream_key"]
    moderator = _staff(api, store, "moderator")
    host = _staff(api, store, "host")
    url = f"/api/v1/shows/{show['id']}"

    stream = api.ok("GET", f"{url}/stream", headers=moderator)
    assert stream["stream_key"] is None
    assert stream["ingest_url"] is None
    assert stream["state"]  # the state is still there for the console
    assert api.ok("GET", url, headers=moderator)["show"]["stream_key"] is None
    assert all(s["stream_key"] is None for s in api.ok("GET", "/api/v1/shows", headers=moderator))
    api.client.cookies.set("castcart_session", moderator["Authorization"].removeprefix("Bearer "))
    page = api.client.get(f"/console/shows/{show['id']}")
    api.client.cookies.clear()
    assert page.status_code == 200
    assert key not in page.text

    assert api.ok("GET", f"{url}/stream", headers=host)["stream_key"] == key
    assert api.ok("GET", url, headers=host)["show"]["stream_key"] == key
    assert api.ok("GET", f"{url}/stream", headers=store["headers"])["stream_key"] == key
