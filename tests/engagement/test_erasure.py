"""``shopper.erased`` reaches engagement: an erased shopper's vote and giveaway entry stay
counted (results and the draw's ticket list remain verifiable) with no one behind them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from castcart.engagement.models import GiveawayEntry, PollVote
from tests.helpers import Api

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_an_erased_shoppers_vote_and_entry_stay_counted_but_name_no_one(
    api: Api, app: FastAPI, room: dict[str, Any]
) -> None:
    poll = api.ok(
        "POST",
        f"{room['staff_url']}/polls",
        201,
        headers=room["h"],
        json={"question": "Which colour next?", "options": ["Red", "Blue"]},
    )
    giveaway = api.ok(
        "POST",
        f"{room['staff_url']}/giveaways",
        201,
        headers=room["h"],
        json={"title": "Launch giveaway", "prize": "A silk scarf", "winners_count": 1},
    )
    erased, kept = api.shopper(room["store"]), api.shopper(room["store"])
    for shopper in (erased, kept):
        api.ok(
            "POST",
            f"{room['shop_url']}/polls/{poll['id']}/votes",
            201,
            headers=shopper["headers"],
            json={"option_index": 1},
        )
        api.ok(
            "POST",
            f"{room['shop_url']}/giveaways/{giveaway['id']}/entries",
            201,
            headers=shopper["headers"],
        )

    erased_id = erased["shopper"]["id"]
    api.ok("POST", f"/api/v1/privacy/shoppers/{erased_id}/erase", headers=room["h"])

    with app.state.ctx.db.read() as session:
        for table in (PollVote, GiveawayEntry):
            owners = sorted(str(s) for s in session.scalars(select(table.shopper_id)))
            assert owners == sorted(["None", kept["shopper"]["id"]]), table.__tablename__
    now = api.ok("GET", f"{room['shop_url']}/engagement", headers=kept["headers"])
    assert (now["poll"]["counts"], now["poll"]["total"]) == ([0, 2], 2)
    assert now["poll"]["my_vote"] == 1  # the other shopper's data is untouched
    drawn = api.ok(
        "POST", f"{room['staff_url']}/giveaways/{giveaway['id']}/draw", headers=room["h"]
    )
    assert drawn["entrant_count"] == 2
