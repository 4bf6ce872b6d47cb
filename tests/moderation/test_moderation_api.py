"""The staff moderation API over HTTP: filters, mutes, bans, deletions, slow mode, the log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from castcart.moderation.models import ModerationAction
from tests.helpers import PASSWORD, Api, bearer


def moderator(api: Api, store: dict[str, Any]) -> dict[str, str]:
    slug = store["store"]["slug"]
    email = f"mod@{slug}.example.com"
    api.ok(
        "POST",
        "/api/v1/staff",
        201,
        headers=store["headers"],
        json={"email": email, "password": PASSWORD, "role": "moderator", "display_name": "Mo"},
    )
    token = api.ok(
        "POST", "/api/v1/auth/login", json={"store": slug, "email": email, "password": PASSWORD}
    )["token"]
    return bearer(token)


def error_code(api: Api, method: str, url: str, status: int, **kwargs: Any) -> str:
    response = api.client.request(method, url, **kwargs)
    assert response.status_code == status, response.text
    return str(response.json()["code"])


def test_word_filters_are_managed_by_staff_only(api: Api) -> None:
    store = api.store()
    mod = moderator(api, store)
    made = api.ok(
        "POST",
        "/api/v1/moderation/filters",
        201,
        headers=mod,
        json={"term": "Scam", "action": "block"},
    )
    assert made["term"] == "Scam"
    url = "/api/v1/moderation/filters"
    assert (
        error_code(api, "POST", url, 409, headers=mod, json={"term": "S.C.A.M"}) == "filter_exists"
    )
    assert error_code(api, "POST", url, 422, headers=mod, json={"term": "..."}) == "invalid_term"
    bad = {"term": "x", "action": "shout"}
    assert api.client.post(url, headers=mod, json=bad).status_code == 422
    shopper = api.shopper(store)
    assert api.client.post(url, headers=shopper["headers"], json={"term": "y"}).status_code == 401
    other = api.store()
    assert api.ok("GET", url, headers=other["headers"]) == []  # per store
    assert [f["id"] for f in api.ok("GET", url, headers=store["headers"])] == [made["id"]]
    api.ok("DELETE", f"{url}/{made['id']}", 204, headers=store["headers"])
    assert error_code(api, "DELETE", f"{url}/{made['id']}", 404, headers=mod) == "filter_not_found"
    log = api.ok("GET", "/api/v1/moderation/actions", headers=mod)
    assert [(a["action"], a["actor_role"]) for a in log] == [
        ("filter.remove", "owner"),
        ("filter.add", "moderator"),
    ]


def test_viewer_actions_are_validated_recorded_and_listed(api: Api, app: Any) -> None:
    store = api.store()
    show = api.show(store, live=True)
    shopper = api.shopper(store)
    sid = shopper["shopper"]["id"]
    base = f"/api/v1/shows/{show['id']}/moderation"
    h = store["headers"]
    muted = api.ok(
        "POST", f"{base}/mute", headers=h, json={"viewer_id": sid, "seconds": 120, "reason": "caps"}
    )
    assert (muted["action"], muted["target_viewer_id"], muted["detail"]["seconds"]) == (
        "mute",
        sid,
        120,
    )
    assert (
        api.client.post(
            f"{base}/mute", headers=h, json={"viewer_id": sid, "seconds": 0}
        ).status_code
        == 422
    )
    assert (
        error_code(
            api, "POST", f"{base}/mute", 404, headers=h, json={"viewer_id": "nobody", "seconds": 5}
        )
        == "viewer_not_found"
    )
    assert (
        error_code(
            api,
            "POST",
            "/api/v1/shows/missing/moderation/mute",
            404,
            headers=h,
            json={"viewer_id": sid, "seconds": 5},
        )
        == "show_not_found"
    )
    active = api.ok("GET", "/api/v1/moderation/restrictions", headers=h)
    assert [(r["kind"], r["viewer_id"]) for r in active] == [("mute", sid)]
    api.ok("POST", f"{base}/unmute", headers=h, json={"viewer_id": sid})
    api.ok("POST", f"{base}/ban", headers=h, json={"viewer_id": sid, "reason": "spam"})
    assert [r["kind"] for r in api.ok("GET", "/api/v1/moderation/restrictions", headers=h)] == [
        "ban"
    ]
    api.ok("POST", "/api/v1/moderation/unban", headers=h, json={"viewer_id": sid})
    assert (
        error_code(api, "POST", "/api/v1/moderation/unban", 404, headers=h, json={"viewer_id": sid})
        == "not_banned"
    )
    api.ok("POST", f"{base}/delete", headers=h, json={"message_id": "m1", "viewer_id": sid})
    api.ok("PUT", f"{base}/slow-mode", headers=h, json={"seconds": 15})
    assert (
        api.client.put(f"{base}/slow-mode", headers=h, json={"seconds": 99999}).status_code == 422
    )
    shop = shopper["headers"]
    assert api.client.post(f"{base}/ban", headers=shop, json={"viewer_id": sid}).status_code == 401
    log = api.ok("GET", f"/api/v1/moderation/actions?show_id={show['id']}", headers=h)
    assert [a["action"] for a in log] == ["slow_mode", "delete", "unmute", "mute"]
    everything = api.ok("GET", "/api/v1/moderation/actions?limit=500", headers=h)
    assert {"ban", "unban"} <= {a["action"] for a in everything}
    assert all(a["actor_id"] and a["created_at"] for a in everything)
    # the log is append-only
    with app.state.ctx.db.write() as session:
        row = session.scalars(select(ModerationAction)).first()
        row.reason = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            session.flush()
        session.rollback()
