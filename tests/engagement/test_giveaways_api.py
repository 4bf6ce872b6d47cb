"""Giveaways through HTTP: commitment at opening, one entry each, a draw anyone can check."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.orm import Session

from castcart.accounts.models import Shopper
from castcart.engagement.eligibility import register_ban_check
from tests.engagement.conftest import named_shopper, staff_member
from tests.helpers import Api

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _open(api: Api, room: dict[str, Any], winners: int = 2, expected: int = 201) -> Any:
    return api.ok(
        "POST",
        f"{room['staff_url']}/giveaways",
        expected,
        headers=room["h"],
        json={"title": "Launch giveaway", "prize": "A silk scarf", "winners_count": winners},
    )


def _enter(api: Api, room: dict[str, Any], shopper: dict[str, Any], gid: str) -> Any:
    return api.client.post(
        f"{room['shop_url']}/giveaways/{gid}/entries", headers=shopper["headers"]
    )


def _recompute(seed: str, tickets: list[str], n: int) -> list[str]:
    """The documented algorithm, from the published values only."""
    key = bytes.fromhex(seed)
    ranked = sorted(
        tickets, key=lambda t: (hmac.new(key, t.encode(), hashlib.sha256).hexdigest(), t)
    )
    return ranked[:n]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_commit_enter_draw_verify(api: Api, room: dict[str, Any]) -> None:
    giveaway = _open(api, room, winners=2)
    gid, commitment = giveaway["id"], giveaway["commitment"]
    assert giveaway["seed"] is None
    assert giveaway["winners"] is None
    assert giveaway["algorithm"] == "hmac-sha256-rank-v1"
    assert len(commitment) == 64

    shoppers = [named_shopper(api, room["store"], f"Viewer {n}") for n in range(6)]
    tickets = {}
    for shopper in shoppers:
        response = _enter(api, room, shopper, gid)
        assert response.status_code == 201, response.text
        tickets[response.json()["ticket"]] = shopper
    twice = _enter(api, room, shoppers[0], gid)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_entered")

    page = api.ok("GET", f"{room['shop_url']}/engagement", headers=shoppers[0]["headers"])
    assert page["giveaway"]["commitment"] == commitment
    assert page["giveaway"]["entered"] is True
    assert page["giveaway"]["entrant_count"] == 6
    assert page["giveaway"]["seed"] is None
    late_comer = named_shopper(api, room["store"], "Late")
    mine = api.ok("GET", f"{room['shop_url']}/engagement", headers=late_comer["headers"])
    assert mine["giveaway"]["entered"] is False
    # nobody sees the seed before the draw: not staff either
    assert api.ok("GET", f"{room['staff_url']}/giveaways", headers=room["h"])[0]["seed"] is None
    early = api.client.get(f"{room['shop_url']}/giveaways/{gid}/verify")
    assert (early.status_code, early.json()["code"]) == (409, "giveaway_not_drawn")

    drawn = api.ok("POST", f"{room['staff_url']}/giveaways/{gid}/draw", headers=room["h"])
    seed = drawn["seed"]
    assert drawn["status"] == "drawn"
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == commitment
    assert drawn["entrant_count"] == 6
    winner_tickets = [w["ticket"] for w in drawn["winners"]]
    assert winner_tickets == _recompute(seed, sorted(tickets), 2)
    assert [w["display_name"] for w in drawn["winners"]] == [
        tickets[t]["name"] for t in winner_tickets
    ]

    # the draw is idempotent
    again = api.ok("POST", f"{room['staff_url']}/giveaways/{gid}/draw", headers=room["h"])
    assert (again["seed"], again["winners"], again["drawn_at"]) == (
        seed,
        drawn["winners"],
        drawn["drawn_at"],
    )

    verify = api.ok("GET", f"{room['shop_url']}/giveaways/{gid}/verify")
    assert verify["verified"] is True
    assert verify["commitment_matches"] is True
    assert verify["tickets"] == sorted(tickets)
    assert verify["recomputed_winner_tickets"] == winner_tickets
    assert verify["seed"] == seed
    assert verify["commitment"] == commitment
    assert verify["entrant_count"] == 6

    late = _enter(api, room, late_comer, gid)
    assert (late.status_code, late.json()["code"]) == (409, "giveaway_drawn")
    mine = api.ok("GET", f"{room['shop_url']}/giveaways/{gid}", headers=shoppers[0]["headers"])
    assert mine["my_ticket"] in tickets
    assert mine["winners"] == drawn["winners"]
    # the drawn giveaway is no longer "open now"; a new one may open
    assert api.ok("GET", f"{room['shop_url']}/engagement")["giveaway"] is None
    _open(api, room)


def test_one_open_giveaway_and_empty_draw(api: Api, room: dict[str, Any]) -> None:
    first = _open(api, room, winners=3)
    assert _open(api, room, expected=409)["code"] == "giveaway_already_open"
    drawn = api.ok("POST", f"{room['staff_url']}/giveaways/{first['id']}/draw", headers=room["h"])
    assert (drawn["winners"], drawn["entrant_count"]) == ([], 0)
    assert api.ok("GET", f"{room['shop_url']}/giveaways/{first['id']}/verify")["verified"] is True


def test_bad_input_roles_and_other_stores(api: Api, room: dict[str, Any]) -> None:
    url = f"{room['staff_url']}/giveaways"
    for body in [
        {"title": ""},
        {"title": "x", "winners_count": 0},
        {"title": "x", "winners_count": 101},
    ]:
        response = api.client.post(url, headers=room["h"], json=body)
        assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    moderator = staff_member(api, room["store"], "moderator")
    giveaway = api.ok("POST", url, 201, headers=moderator, json={"title": "By the moderator"})
    outsider = api.store()["headers"]
    assert api.client.post(f"{url}/{giveaway['id']}/draw", headers=outsider).status_code == 404
    assert api.client.post(url, headers=outsider, json={"title": "x"}).status_code == 404
    other = api.store()
    foreign = api.shopper(other)
    assert _enter(api, room, foreign, giveaway["id"]).status_code == 401
    wrong_store = api.client.get(
        f"/api/v1/shop/{other['store']['slug']}/shows/{room['show']['id']}/giveaways/{giveaway['id']}/verify"
    )
    assert wrong_store.status_code == 404


@pytest.fixture
def banned_ids() -> Iterator[set[str]]:
    banned: set[str] = set()

    def check(_session: Session, _store: str, _show: str, shopper_id: str) -> bool:
        return shopper_id in banned

    remove = register_ban_check(check)
    yield banned
    remove()


def test_banned_shoppers_cannot_enter(api: Api, room: dict[str, Any], banned_ids: set[str]) -> None:
    giveaway = _open(api, room)
    troll = api.shopper(room["store"])
    me = api.ok("GET", f"/api/v1/shop/{room['slug']}/me", headers=troll["headers"])
    banned_ids.add(me["id"])
    refused = _enter(api, room, troll, giveaway["id"])
    assert (refused.status_code, refused.json()["code"]) == (403, "banned")
    assert _enter(api, room, api.shopper(room["store"]), giveaway["id"]).status_code == 201


def test_purged_guests_leave_the_draw_verifiable(
    app: FastAPI, api: Api, room: dict[str, Any]
) -> None:
    """The guest-retention job deletes inactive guests: their tickets and votes stay, with no
    one behind them, so the published draw and poll results still add up."""
    giveaway = _open(api, room, winners=2)
    shoppers = [named_shopper(api, room["store"], f"Guest {n}") for n in range(4)]
    for shopper in shoppers:
        assert _enter(api, room, shopper, giveaway["id"]).status_code == 201
    drawn = api.ok(
        "POST", f"{room['staff_url']}/giveaways/{giveaway['id']}/draw", headers=room["h"]
    )
    gone = [
        api.ok("GET", f"/api/v1/shop/{room['slug']}/me", headers=s["headers"])["id"]
        for s in shoppers
    ]
    with app.state.ctx.db.write() as session:
        session.execute(delete(Shopper).where(Shopper.id.in_(gone)))
    verify = api.ok("GET", f"{room['shop_url']}/giveaways/{giveaway['id']}/verify")
    assert verify["verified"] is True
    assert verify["entrant_count"] == 4
    assert [w["ticket"] for w in verify["winners"]] == [w["ticket"] for w in drawn["winners"]]
    assert {w["display_name"] for w in verify["winners"]} == {"Guest"}


def test_viewers_banned_by_moderation_cannot_take_part(api: Api, room: dict[str, Any]) -> None:
    giveaway = _open(api, room)
    poll = api.ok(
        "POST",
        f"{room['staff_url']}/polls",
        201,
        headers=room["h"],
        json={"question": "Q?", "options": ["A", "B"]},
    )
    troll = api.shopper(room["store"])
    troll_id = api.ok("GET", f"/api/v1/shop/{room['slug']}/me", headers=troll["headers"])["id"]
    api.ok(
        "POST",
        f"{room['staff_url']}/moderation/ban",
        headers=room["h"],
        json={"viewer_id": troll_id, "reason": "spam"},
    )
    refused = _enter(api, room, troll, giveaway["id"])
    assert (refused.status_code, refused.json()["code"]) == (403, "banned")
    vote = api.client.post(
        f"{room['shop_url']}/polls/{poll['id']}/votes",
        headers=troll["headers"],
        json={"option_index": 0},
    )
    assert (vote.status_code, vote.json()["code"]) == (403, "banned")
    api.ok("POST", "/api/v1/moderation/unban", headers=room["h"], json={"viewer_id": troll_id})
    assert _enter(api, room, troll, giveaway["id"]).status_code == 201
