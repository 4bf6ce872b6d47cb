"""With Redis configured the login and guest-session throttles are shared by every app node
(issue 11: in-memory throttles let an attacker spread guesses over N nodes). Two apps on one
database and one Redis stand for two nodes behind a load balancer."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from castcart.core.errors import RateLimitedError
from castcart.core.throttle_redis import RedisSlidingWindow
from castcart.web.app import create_app
from tests.conftest import make_settings
from tests.helpers import Api

pytestmark = pytest.mark.redis


@pytest.fixture
def two_nodes(tmp_path: Path, redis_url: str) -> Iterator[tuple[Api, Api]]:
    settings = make_settings(
        tmp_path,
        f"sqlite:///{tmp_path / 'shared.db'}",
        redis_url=redis_url,
        login_max_failures=4,
        login_max_failures_per_address=1000,
        guest_sessions_per_address=3,
    )
    first = TestClient(create_app(settings, background_tasks=False))
    second = TestClient(create_app(settings, background_tasks=False))
    with first, second:
        yield Api(first), Api(second)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("castcart:throttle:*"):
        client.delete(key)


def test_failed_logins_spread_over_two_nodes_are_counted_together(
    two_nodes: tuple[Api, Api],
) -> None:
    first, second = two_nodes
    store = first.store(slug=f"shared-{secrets.token_hex(3)}")
    body = {"store": store["store"]["slug"], "email": store["owner"]["email"], "password": "nope"}
    codes = [
        (first if n % 2 == 0 else second).client.post("/api/v1/auth/login", json=body).status_code
        for n in range(5)
    ]
    # 4 failures in all (2 on each node) lock the account on both
    assert codes == [401, 401, 401, 401, 429]
    assert first.client.post("/api/v1/auth/login", json=body).status_code == 429


def test_guest_sessions_per_address_are_counted_across_nodes(two_nodes: tuple[Api, Api]) -> None:
    first, second = two_nodes
    store = first.store(slug=f"guests-{secrets.token_hex(3)}")
    url = f"/api/v1/shop/{store['store']['slug']}/sessions"
    body = {"locale": "en", "country": "DE"}
    codes = [
        (first if n % 2 == 0 else second).client.post(url, json=body).status_code for n in range(4)
    ]
    assert codes == [201, 201, 201, 429]


def test_the_window_falls_back_to_memory_when_redis_is_unreachable() -> None:
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    window = RedisSlidingWindow(dead, "test", limit=2, window=60)
    window.take(["k"], "slow down")
    window.take(["k"], "slow down")
    with pytest.raises(RateLimitedError):
        window.take(["k"], "slow down")
