"""Issue 11 item 7 (and the guest-session part of item 10): failed logins are throttled per
account and per client address with 429 + Retry-After; an unknown e-mail costs the same
password-hash verification as a known one; guest sessions are limited per address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from castcart.accounts import service
from castcart.core.throttle import SlidingWindow
from castcart.web.app import create_app
from tests.conftest import make_settings
from tests.helpers import PASSWORD, Api


@pytest.fixture
def strict(tmp_path: Path) -> Any:
    settings = make_settings(
        tmp_path,
        login_max_failures=3,
        login_max_failures_per_address=5,
        guest_sessions_per_address=4,
    )
    with TestClient(create_app(settings, background_tasks=False)) as client:
        yield Api(client)


def _staff_login(api: Api, slug: str, email: str, password: str) -> Any:
    return api.client.post(
        "/api/v1/auth/login", json={"store": slug, "email": email, "password": password}
    )


def test_staff_login_locks_the_account_after_failures(strict: Api) -> None:
    store = strict.store()
    slug, email = store["store"]["slug"], store["owner"]["email"]
    codes = [_staff_login(strict, slug, email, "wrong password!").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    locked = _staff_login(strict, slug, email, PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["code"] == "rate_limited"


def test_address_is_throttled_across_accounts(strict: Api) -> None:
    store = strict.store()
    slug = store["store"]["slug"]
    codes = [
        _staff_login(strict, slug, f"nobody{n}@example.com", "wrong password!").status_code
        for n in range(6)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429


def test_shopper_login_is_throttled(strict: Api) -> None:
    store = strict.store()
    url = f"/api/v1/shop/{store['store']['slug']}/login"
    body = {"email": "ghost@example.com", "password": "wrong password!"}
    codes = [strict.client.post(url, json=body).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_unknown_shopper_email_still_verifies_a_hash(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = api.store()
    calls: list[str | None] = []
    real = service.verify_password

    def spy(password_hash: str | None, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(service, "verify_password", spy)
    url = f"/api/v1/shop/{store['store']['slug']}/login"
    response = api.client.post(url, json={"email": "ghost@example.com", "password": "x" * 12})
    assert response.status_code == 401
    assert calls == [None]  # the dummy hash was verified, as for a known e-mail
    staff = _staff_login(api, store["store"]["slug"], "ghost@example.com", "x" * 12)
    assert staff.status_code == 401
    assert calls == [None, None]


def test_guest_sessions_are_limited_per_address(strict: Api) -> None:
    store = strict.store()
    url = f"/api/v1/shop/{store['store']['slug']}/sessions"
    codes = [strict.client.post(url, json={"locale": "en"}).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 201, 429]


def test_sliding_window_forgets_old_events() -> None:
    now = [0.0]
    window = SlidingWindow(2, 10, clock=lambda: now[0])
    window.hit(["k"])
    window.hit(["k"])
    assert window.retry_after(["k"]) == 10
    now[0] = 10.5
    assert window.retry_after(["k"]) == 0
