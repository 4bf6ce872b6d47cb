"""A real local SMTP server (aiosmtpd) and a store with an upcoming show, for the reminder
tests; the reminder sender is run with a clock the test sets."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from castcart.core.settings import Settings
from tests.cluster import free_port
from tests.conftest import make_settings
from tests.helpers import Api, bearer


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.02)  # aiosmtpd hands the message over on its own loop
        return list(self.messages)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp_port: int) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="Atelier <shows@atelier.example>",
        public_base_url="https://atelier.example",
        reminders_retry_seconds=1,
    )


class Clock:
    """The sender's clock, moved by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def upcoming_show(api: Api, starts_in: timedelta = timedelta(days=2)) -> dict[str, Any]:
    store = api.store()
    product = api.product(store, price=4900)
    starts = (datetime.now(UTC) + starts_in).replace(microsecond=0)
    show = api.ok(
        "POST",
        "/api/v1/shows",
        201,
        headers=store["headers"],
        json={"title": "Winter knits", "scheduled_at": starts.isoformat()},
    )
    api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/showcase",
        headers=store["headers"],
        json={"product_ids": [product["id"]]},
    )
    slug = store["store"]["slug"]
    shopper = api.ok(
        "POST", f"/api/v1/shop/{slug}/sessions", 201, json={"locale": "de", "country": "DE"}
    )
    shopper["headers"] = bearer(shopper["token"])
    return {
        "store": store,
        "slug": slug,
        "product": product,
        "show": show,
        "starts": starts,
        "shopper": shopper,
    }
