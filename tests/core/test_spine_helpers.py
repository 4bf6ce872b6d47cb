"""The shared helpers that replaced per-domain copies: the state-machine check, the tenancy
lookup, the staff roles and the host-speech rule."""

from __future__ import annotations

from enum import StrEnum

import pytest
from fastapi import FastAPI

from castcart.accounts.roles import STAFF_ROLES, Role
from castcart.core.errors import InvalidTransitionError, NotFoundError
from castcart.core.states import check_transition
from castcart.core.tenancy import get_owned
from castcart.events.types import CaptionSegment, ChatPosted, ProductPinned
from castcart.shows.speech import is_host_speech
from tests.helpers import Api


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    OFF = "off"


ALLOWED = {
    Light.RED: frozenset({Light.GREEN, Light.OFF}),
    Light.GREEN: frozenset({Light.RED}),
    Light.OFF: frozenset[Light](),
}


def test_an_allowed_move_returns_the_target_state() -> None:
    assert check_transition(ALLOWED, Light, "red", "green", noun="light") is Light.GREEN


def test_a_refused_move_names_the_allowed_ones() -> None:
    with pytest.raises(InvalidTransitionError) as refused:
        check_transition(ALLOWED, Light, "green", "off", noun="light")
    assert refused.value.message == "a green light cannot become off"
    assert refused.value.details == {"from": "green", "to": "off", "allowed": ["red"]}
    assert refused.value.status_code == 409
    with pytest.raises(ValueError, match="blue"):
        check_transition(ALLOWED, Light, "green", "blue", noun="light")


def test_orders_and_shows_use_it() -> None:
    from castcart.commerce.orders import OrderStatus
    from castcart.commerce.orders import check_transition as order_move
    from castcart.shows.lifecycle import ShowStatus
    from castcart.shows.lifecycle import check_transition as show_move

    assert order_move("pending_payment", "paid") is OrderStatus.PAID
    assert show_move("scheduled", "live") is ShowStatus.LIVE
    with pytest.raises(InvalidTransitionError, match="a refunded order cannot become paid"):
        order_move("refunded", "paid")
    with pytest.raises(InvalidTransitionError, match="an? ended show cannot become live"):
        show_move("ended", "live")


def test_get_owned_answers_404_for_a_missing_row_and_another_stores_row(
    api: Api, app: FastAPI
) -> None:
    from castcart.catalog.models import Product

    mine, other = api.store(), api.store()
    product = api.product(mine)
    mine_id, other_id = mine["store"]["id"], other["store"]["id"]
    with app.state.ctx.db.read() as session:
        found = get_owned(
            session, Product, product["id"], mine_id, message="product not found", code="x"
        )
        assert found.id == product["id"]
        for row_id, store_id in ((product["id"], other_id), ("no-such-id", mine_id)):
            with pytest.raises(NotFoundError) as missing:
                get_owned(
                    session,
                    Product,
                    row_id,
                    store_id,
                    message="product not found",
                    code="product_not_found",
                )
            assert (missing.value.code, missing.value.status_code) == ("product_not_found", 404)


def test_staff_roles_are_the_roles() -> None:
    assert STAFF_ROLES == {"owner", "host", "moderator"} == {r.value for r in Role}


def test_host_speech_is_staff_chat_and_final_captions() -> None:
    def chat(role: str) -> ChatPosted:
        return ChatPosted(
            store_id="s", show_id="sh", message_id="m", author_id="a", role=role, text="hi"
        )

    def caption(final: bool) -> CaptionSegment:
        return CaptionSegment(
            store_id="s",
            show_id="sh",
            segment_id="c",
            start_ms=0,
            end_ms=1,
            text="hi",
            lang="en",
            final=final,
        )

    assert [is_host_speech(chat(role)) for role in ("owner", "host", "moderator")] == [True] * 3
    assert is_host_speech(chat("shopper")) is False
    assert (is_host_speech(caption(True)), is_host_speech(caption(False))) == (True, False)
    assert is_host_speech(ProductPinned(store_id="s", show_id="sh", product_id=None)) is False
