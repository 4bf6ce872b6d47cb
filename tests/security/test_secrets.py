"""Issue 11 item 2: production refuses empty, short or low-entropy secrets at start-up, and an
HMAC made with an empty key never verifies."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from castcart.captions import publish
from castcart.commerce.payments import sign, verify_signature
from castcart.core.errors import AuthenticationError
from castcart.core.settings import DEV_SECRET, Settings

GOOD = secrets.token_urlsafe(48)


def _prod(tmp_path: Path, **secrets_: str) -> Settings:
    values = {"secret_key": GOOD, "payment_webhook_secret": GOOD, **secrets_}
    return Settings(environment="production", data_dir=tmp_path, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("secret_key", "", "is empty"),
        ("secret_key", DEV_SECRET, "development default"),
        ("secret_key", "short-but-random-Zq9", "shorter than"),
        ("payment_webhook_secret", "", "is empty"),
        ("payment_webhook_secret", "ab" * 40, "low entropy"),
    ],
)
def test_weak_secret_refused_naming_the_variable(
    tmp_path: Path, name: str, value: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as error:
        _prod(tmp_path, **{name: value})
    assert f"CASTCART_{name.upper()}" in str(error.value)
    assert reason in str(error.value)


def test_media_callback_secret_checked_when_nginx_calls_back(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="CASTCART_MEDIA_CALLBACK_SECRET"):
        Settings(
            environment="production",
            data_dir=tmp_path,
            secret_key=GOOD,
            payment_webhook_secret=GOOD,
            media_ingest="nginx",
            media_callback_secret="",
        )


def test_strong_secrets_start(tmp_path: Path) -> None:
    assert _prod(tmp_path).secret_key == GOOD


def test_development_keeps_defaults(tmp_path: Path) -> None:
    assert Settings(environment="development", data_dir=tmp_path).secret_key == DEV_SECRET


def test_empty_key_webhook_signature_is_rejected() -> None:
    body = json.dumps({"id": "evt_1"}).encode()
    header = sign("", body, int(time.time()))
    with pytest.raises(AuthenticationError):
        verify_signature("", header, body)


def test_empty_key_caption_signature_is_rejected() -> None:
    now = time.time()
    stamp = str(int(now))
    body = b'{"text": "FORGED CAPTION"}'
    assert not publish.verify("", stamp, body, publish.sign("", stamp, body), now)
    assert publish.verify(GOOD, stamp, body, publish.sign(GOOD, stamp, body), now)
