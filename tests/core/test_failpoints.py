"""Fail points: the spec grammar, inert unless armed, refused in production, and a firing
point really SIGKILLs its process (a child Python, so this test process survives)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from castcart.core import failpoints
from castcart.core.failpoints import FailpointError, arm, failpoint, parse
from castcart.core.settings import Settings
from tests.cluster import CLI, ROOT

STRONG = "Zq8-vT3pW_k9LmN2xR7yB4cD6eF1gH5jK0sU"


@pytest.fixture(autouse=True)
def _disarmed() -> Iterator[None]:
    yield
    arm("", environment="test")


def test_the_spec_grammar() -> None:
    assert parse("") == {}
    assert parse("checkout.after_reserve") == {"checkout.after_reserve": 0}
    assert parse(" checkout.after_reserve=kill , outbox.after_publish=kill:after=3 ") == {
        "checkout.after_reserve": 0,
        "outbox.after_publish": 3,
    }
    with pytest.raises(FailpointError, match="unknown fail point"):
        parse("checkout.after_reserv")
    with pytest.raises(FailpointError, match="only action is 'kill'"):
        parse("checkout.after_reserve=sleep")
    with pytest.raises(FailpointError, match="kill:after=N"):
        parse("checkout.after_reserve=kill:after=x")


def test_unarmed_points_do_nothing() -> None:
    arm("", environment="test")
    for name in failpoints.POINTS:
        failpoint(name)  # we are still here
    assert failpoints.armed() == []


def test_arming_is_refused_in_production() -> None:
    with pytest.raises(FailpointError, match="refused in production"):
        arm("checkout.after_reserve", environment="production")
    assert failpoints.armed() == []
    arm("", environment="production")  # disarming is always fine


def test_settings_refuse_failpoints_in_production_and_typos_anywhere() -> None:
    with pytest.raises(ValidationError, match="CASTCART_FAILPOINTS is set in production"):
        Settings(
            environment="production",
            secret_key=STRONG,
            payment_webhook_secret=STRONG[::-1],
            failpoints="checkout.after_reserve",
        )
    with pytest.raises(ValidationError, match="unknown fail point"):
        Settings(environment="test", failpoints="nope")
    assert Settings(environment="test", failpoints="expiry.after_release").failpoints


def _child(spec: str, passes: int) -> subprocess.CompletedProcess[str]:
    code = (
        "from castcart.core.failpoints import arm, failpoint\n"
        f"arm({spec!r}, environment='test')\n"
        f"for n in range({passes}):\n"
        "    failpoint('checkout.after_reserve')\n"
        "    print('passed', n, flush=True)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_an_armed_point_kills_its_process_after_its_passes() -> None:
    killed = _child("checkout.after_reserve=kill:after=2", 5)
    assert killed.returncode == -signal.SIGKILL
    assert killed.stdout.split("\n") == ["passed 0", "passed 1", ""]
    first = _child("checkout.after_reserve", 5)
    assert first.returncode == -signal.SIGKILL
    assert first.stdout == ""
    other = _child("expiry.after_release", 3)  # another point armed: this one passes
    assert other.returncode == 0
    assert other.stdout.count("passed") == 3


def test_serve_refuses_to_start_in_production_with_failpoints(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CASTCART_ENVIRONMENT": "production",
        "CASTCART_SECRET_KEY": STRONG,
        "CASTCART_PAYMENT_WEBHOOK_SECRET": STRONG[::-1],
        "CASTCART_DATA_DIR": str(tmp_path),
        "CASTCART_FAILPOINTS": "checkout.after_reserve",
    }
    result = subprocess.run(
        [*CLI, "serve", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "CASTCART_FAILPOINTS is set in production" in result.stderr
    assert not (tmp_path / "castcart.db").exists()  # refused before touching the database
