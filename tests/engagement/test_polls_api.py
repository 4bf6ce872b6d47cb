"""Polls through HTTP: opening, one vote per shopper, results, closing, errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engagement.conftest import staff_member
from tests.helpers import Api

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _open(api: Api, room: dict[str, Any], expected: int = 201, **body: Any) -> Any:
    body = body or {"question": "Which colour next?", "options": ["Red", "Blue", "Green"]}
    return api.ok("POST", f"{room['staff_url']}/polls", expected, headers=room["h"], json=body)


def _vote(
    api: Api, room: dict[str, Any], shopper: dict[str, Any], poll_id: str, option: int
) -> Any:
    return api.client.post(
        f"{room['shop_url']}/polls/{poll_id}/votes",
        headers=shopper["headers"],
        json={"option_index": option},
    )


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_vote_once_results_and_close(api: Api, room: dict[str, Any]) -> None:
    poll = _open(api, room)
    assert poll["status"] == "open"
    assert poll["counts"] == [0, 0, 0]
    alice, bob, carol = (api.shopper(room["store"]) for _ in range(3))
    assert _vote(api, room, alice, poll["id"], 1).status_code == 201
    assert _vote(api, room, bob, poll["id"], 1).status_code == 201
    assert _vote(api, room, carol, poll["id"], 2).json() == {
        "poll_id": poll["id"],
        "option_index": 2,
    }

    again = _vote(api, room, alice, poll["id"], 0)
    assert (again.status_code, again.json()["code"]) == (409, "already_voted")
    bad = _vote(api, room, api.shopper(room["store"]), poll["id"], 3)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_option")
    assert _vote(api, room, alice, poll["id"], 9).status_code == 422  # schema: 0..5

    now = api.ok("GET", f"{room['shop_url']}/engagement", headers=alice["headers"])
    assert now["poll"]["counts"] == [0, 2, 1]
    assert now["poll"]["total"] == 3
    assert now["poll"]["my_vote"] == 1
    as_host = api.ok("GET", f"{room['shop_url']}/engagement", headers=room["h"])
    assert as_host["poll"]["counts"] == [0, 2, 1]
    assert as_host["poll"]["my_vote"] is None
    stranger = api.client.get(f"{room['shop_url']}/engagement", headers=api.store()["headers"])
    assert (stranger.status_code, stranger.json()["code"]) == (401, "invalid_token")
    anonymous = api.ok("GET", f"{room['shop_url']}/engagement")
    assert anonymous["poll"]["my_vote"] is None
    assert anonymous["giveaway"] is None
    assert anonymous["quiz"] is None

    closed = api.ok("POST", f"{room['staff_url']}/polls/{poll['id']}/close", headers=room["h"])
    assert (closed["status"], closed["counts"], closed["total"]) == ("closed", [0, 2, 1], 3)
    assert closed["closed_at"] is not None
    late = _vote(api, room, api.shopper(room["store"]), poll["id"], 0)
    assert (late.status_code, late.json()["code"]) == (409, "poll_closed")
    # closing again is harmless and changes nothing
    again_closed = api.ok(
        "POST", f"{room['staff_url']}/polls/{poll['id']}/close", headers=room["h"]
    )
    assert again_closed["closed_at"] == closed["closed_at"]
    assert api.ok("GET", f"{room['shop_url']}/engagement")["poll"] is None
    listed = api.ok("GET", f"{room['staff_url']}/polls", headers=room["h"])
    assert [p["counts"] for p in listed] == [[0, 2, 1]]
    public = api.ok("GET", f"{room['shop_url']}/polls/{poll['id']}", headers=bob["headers"])
    assert (public["status"], public["my_vote"]) == ("closed", 1)


def test_one_open_poll_per_show(api: Api, room: dict[str, Any]) -> None:
    first = _open(api, room)
    error = _open(api, room, 409)
    assert error["code"] == "poll_already_open"
    assert error["details"] == {"poll_id": first["id"]}
    api.ok("POST", f"{room['staff_url']}/polls/{first['id']}/close", headers=room["h"])
    _open(api, room)


@pytest.mark.parametrize(
    "body",
    [
        {"question": "Q?", "options": ["only one"]},
        {"question": "Q?", "options": [str(n) for n in range(7)]},
        {"question": "Q?", "options": ["Same", "same"]},
        {"question": "", "options": ["a", "b"]},
        {"question": "Q?", "options": ["a", " "]},
        {"question": "Q?", "options": ["a", "b"], "extra": 1},
    ],
)
def test_bad_poll_input_is_a_422(api: Api, room: dict[str, Any], body: dict[str, Any]) -> None:
    assert _open(api, room, 422, **body)["code"] == "validation_error"
    assert api.ok("GET", f"{room['staff_url']}/polls", headers=room["h"]) == []


def test_scheduled_show_yes_ended_show_no(api: Api, room: dict[str, Any]) -> None:
    scheduled = api.show(room["store"])
    api.ok(
        "POST",
        f"/api/v1/shows/{scheduled['id']}/polls",
        201,
        headers=room["h"],
        json={"question": "Ready?", "options": ["Yes", "No"]},
    )
    poll = _open(api, room)
    api.ok("POST", f"{room['staff_url']}/transition", headers=room["h"], json={"to": "ended"})
    late = _vote(api, room, api.shopper(room["store"]), poll["id"], 0)
    assert (late.status_code, late.json()["code"]) == (409, "show_ended")
    api.ok("POST", f"{room['staff_url']}/polls/{poll['id']}/close", headers=room["h"])
    assert _open(api, room, 409)["code"] == "show_ended"


def test_roles_and_other_stores(api: Api, room: dict[str, Any]) -> None:
    moderator = staff_member(api, room["store"], "moderator")
    poll = api.ok(
        "POST",
        f"{room['staff_url']}/polls",
        201,
        headers=moderator,
        json={"question": "Moderators run polls?", "options": ["Yes", "No"]},
    )
    other = api.store()
    outsider = other["headers"]
    for method, url, body in [
        ("POST", f"{room['staff_url']}/polls", {"question": "Q?", "options": ["a", "b"]}),
        ("GET", f"{room['staff_url']}/polls", None),
        ("POST", f"{room['staff_url']}/polls/{poll['id']}/close", None),
    ]:
        response = api.client.request(method, url, headers=outsider, json=body)
        assert response.status_code == 404, (url, response.text)
        assert response.json()["code"] == "show_not_found" or "not_found" in response.json()["code"]
    # a shopper of another store cannot vote here, and a staff token is not a shopper
    foreign = api.shopper(other)
    assert _vote(api, room, foreign, poll["id"], 0).status_code == 401
    assert _vote(api, room, {"headers": room["h"]}, poll["id"], 0).status_code == 401
    assert api.client.post(f"{room['staff_url']}/polls", json={}).status_code == 401
    # a poll id of this store under another show is not found
    elsewhere = api.show(room["store"], live=True)
    url = f"/api/v1/shop/{room['slug']}/shows/{elsewhere['id']}/polls/{poll['id']}/votes"
    missing = api.client.post(
        url, headers=api.shopper(room["store"])["headers"], json={"option_index": 0}
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "poll_not_found")
    assert (
        api.client.get(
            f"/api/v1/shop/{other['store']['slug']}/shows/{room['show']['id']}/engagement"
        ).status_code
        == 404
    )
