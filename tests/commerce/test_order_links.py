"""The order page's signed key: bound to the order and the secret, any other text is a
wrong key (never an error)."""

from __future__ import annotations

import pytest

from castcart.commerce.order_links import check_order_key, order_key, order_page_path

SECRET = "a test secret that is long enough to be real"


def test_key_opens_only_its_order_under_its_secret() -> None:
    key = order_key(SECRET, "order1")
    assert len(key) == 43
    assert check_order_key(SECRET, "order1", key)
    assert not check_order_key(SECRET, "order2", key)
    assert not check_order_key(SECRET + "x", "order1", key)
    assert order_page_path("shop-a", "order1", SECRET) == f"/shop/shop-a/orders/order1?key={key}"


@pytest.mark.parametrize("key", [None, "", "ü" * 43, "\udcff", "A" * 43, "A" * 65])
def test_anything_else_is_a_wrong_key(key: str | None) -> None:
    assert not check_order_key(SECRET, "order1", key)
