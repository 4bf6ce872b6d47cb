"""Quizzes through HTTP: the answer stays hidden until the reveal, winners get a coupon."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.engagement.conftest import staff_member
from tests.helpers import Api

QUIZ = {
    "question": "What is the scarf made of?",
    "options": ["Cotton", "Silk", "Wool"],
    "correct_index": 1,
    "reward_percent_off": 20,
    "reward_valid_hours": 24,
}

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _answer(api: Api, room: dict[str, Any], shopper: dict[str, Any], qid: str, option: int) -> Any:
    return api.client.post(
        f"{room['shop_url']}/quizzes/{qid}/answers",
        headers=shopper["headers"],
        json={"option_index": option},
    )


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_answer_never_leaks_before_reveal_and_winners_get_coupons(
    api: Api, room: dict[str, Any]
) -> None:
    warehouse = api.warehouse(room["store"])
    product = api.product(room["store"], price=10000, warehouse=warehouse, stock=10)
    quiz = api.ok("POST", f"{room['staff_url']}/quizzes", 201, headers=room["h"], json=QUIZ)
    qid = quiz["id"]
    assert quiz["correct_index"] == 1  # staff see it

    right, wrong, silent = (api.shopper(room["store"]) for _ in range(3))
    shopper_payloads = [
        api.ok("GET", f"{room['shop_url']}/engagement", headers=right["headers"]),
        api.ok("GET", f"{room['shop_url']}/engagement"),
        api.ok("GET", f"{room['shop_url']}/quizzes/{qid}", headers=right["headers"]),
    ]
    assert _answer(api, room, right, qid, 1).json() == {"quiz_id": qid, "option_index": 1}
    shopper_payloads.append(_answer(api, room, wrong, qid, 0).json())
    shopper_payloads.append(
        api.ok("GET", f"{room['shop_url']}/engagement", headers=right["headers"])
    )
    shopper_payloads.append(
        api.ok("GET", f"{room['shop_url']}/quizzes/{qid}", headers=wrong["headers"])
    )
    early = api.client.get(f"{room['shop_url']}/quizzes/{qid}/reward", headers=right["headers"])
    assert (early.status_code, early.json()["code"]) == (409, "quiz_not_revealed")
    shopper_payloads.append(early.json())
    for payload in shopper_payloads:
        text = json.dumps(payload)
        assert '"correct_index": 1' not in text
        assert '"correct_count": 1' not in text
        quiz_view = payload.get("quiz", payload) if isinstance(payload, dict) else payload
        if isinstance(quiz_view, dict) and "correct_index" in quiz_view:
            assert quiz_view["correct_index"] is None
            assert quiz_view["answer_count"] is None  # no side channel on how many answered
    mid = shopper_payloads[-3]
    assert mid["quiz"]["my_answer"] == 1
    assert mid["quiz"]["question"] == QUIZ["question"]

    again = _answer(api, room, right, qid, 2)
    assert (again.status_code, again.json()["code"]) == (409, "already_answered")
    bad = _answer(api, room, silent, qid, 3)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_option")

    revealed = api.ok("POST", f"{room['staff_url']}/quizzes/{qid}/reveal", headers=room["h"])
    assert (revealed["status"], revealed["correct_count"], revealed["answer_count"]) == (
        "revealed",
        1,
        2,
    )
    twice = api.ok("POST", f"{room['staff_url']}/quizzes/{qid}/reveal", headers=room["h"])
    assert twice["revealed_at"] == revealed["revealed_at"]
    public = api.ok("GET", f"{room['shop_url']}/quizzes/{qid}")
    assert (public["correct_index"], public["correct_count"]) == (1, 1)

    late = _answer(api, room, silent, qid, 1)
    assert (late.status_code, late.json()["code"]) == (409, "quiz_revealed")
    none = api.client.get(f"{room['shop_url']}/quizzes/{qid}/reward", headers=silent["headers"])
    assert (none.status_code, none.json()["code"]) == (404, "not_answered")
    lost = api.ok("GET", f"{room['shop_url']}/quizzes/{qid}/reward", headers=wrong["headers"])
    assert (lost["won"], lost["coupon_code"], lost["correct_index"]) == (False, None, 1)
    won = api.ok("GET", f"{room['shop_url']}/quizzes/{qid}/reward", headers=right["headers"])
    assert won["won"] is True
    assert won["percent_off"] == 20
    code = won["coupon_code"]
    assert code.startswith("QZ-")
    expires = datetime.fromisoformat(won["expires_at"])
    assert expires - datetime.fromisoformat(revealed["revealed_at"]) == timedelta(hours=24)

    coupons = api.ok("GET", "/api/v1/coupons", headers=room["h"])
    [coupon] = [c for c in coupons if c["code"] == code]
    assert (coupon["kind"], coupon["percent_off"], coupon["max_uses_total"]) == ("percent", 20, 1)
    assert datetime.fromisoformat(coupon["ends_at"]) == expires

    # the coupon works once at checkout
    variant_id = product["variants"][0]["id"]
    api.add_to_cart(right, variant_id, 1)
    cart = f"/api/v1/shop/{room['slug']}/cart"
    api.ok("PATCH", cart, headers=right["headers"], json={"coupon_code": code})
    order = api.checkout(right)
    assert (order["discount_amount"], order["total_amount"]) == (2000, 8000)
    api.add_to_cart(wrong, variant_id, 1)
    api.ok("PATCH", cart, headers=wrong["headers"], json={"coupon_code": code})
    assert api.checkout(wrong, expected=422)["code"] == "coupon_exhausted"


def test_quiz_rules_roles_and_input(api: Api, room: dict[str, Any]) -> None:
    url = f"{room['staff_url']}/quizzes"
    for change in [
        {"correct_index": 3},
        {"reward_percent_off": 0},
        {"reward_percent_off": 101},
        {"options": ["One"]},
        {"reward_valid_hours": 0},
    ]:
        response = api.client.post(url, headers=room["h"], json={**QUIZ, **change})
        assert (response.status_code, response.json()["code"]) == (422, "validation_error"), change
    moderator = staff_member(api, room["store"], "moderator")
    denied = api.client.post(url, headers=moderator, json=QUIZ)
    assert (denied.status_code, denied.json()["code"]) == (403, "forbidden")
    host = staff_member(api, room["store"], "host")
    quiz = api.ok("POST", url, 201, headers=host, json=QUIZ)
    conflict = api.client.post(url, headers=room["h"], json=QUIZ)
    assert (conflict.status_code, conflict.json()["code"]) == (409, "quiz_already_open")
    outsider = api.store()["headers"]
    assert api.client.post(f"{url}/{quiz['id']}/reveal", headers=outsider).status_code == 404
    assert api.client.get(url, headers=outsider).status_code == 404
    # revealing with nobody right mints nothing
    revealed = api.ok("POST", f"{url}/{quiz['id']}/reveal", headers=host)
    assert (revealed["correct_count"], revealed["answer_count"]) == (0, 0)
    assert not [
        c
        for c in api.ok("GET", "/api/v1/coupons", headers=room["h"])
        if c["code"].startswith("QZ-")
    ]
