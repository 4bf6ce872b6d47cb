"""Upcoming shows in real Chromium (issue 15): a shopper in Berlin opens the store's shows
page, sees the show in her time zone, books "remind me" with the consent box, and the
reminder mail arrives at a real local SMTP server (aiosmtpd) when the sender's clock
(controlled by the test) reaches 24 hours before the show, not a minute earlier; the
one-click unsubscribe link in it works in the browser. Screenshot:
test-artifacts/pages/reminder-booked.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiosmtpd.controller import Controller

from castcart.audience.sender import ReminderSender
from castcart.core.settings import Settings
from castcart.web.app import create_app
from tests.audience.conftest import Clock, Inbox
from tests.cluster import free_port
from tests.conftest import LiveServer
from tests.helpers import Api
from tests.pages.test_browser import Watch


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, inbox: tuple[Inbox, int]
) -> Iterator[tuple[str, Any]]:
    settings = Settings(  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path_factory.mktemp("reminders"),
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_starttls=False,
        smtp_from="Atelier <shows@atelier.example>",
    )
    app = create_app(settings, background_tasks=False)  # the test runs the sender
    with LiveServer(app) as live:
        yield live.url, app


def test_book_a_reminder_and_get_the_mail_on_time(
    browser: Any, server: tuple[str, Any], inbox: tuple[Inbox, int], artifacts: Path
) -> None:
    url, app = server
    box = inbox[0]
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    with httpx.Client(base_url=url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        store = api.store()
        product = api.product(store, price=5900)
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
    watch = Watch(browser, locale="de-DE", timezone_id="Europe/Berlin")
    try:
        page = watch.page()
        page.goto(f"{url}/s/{slug}/shows?lang=de")
        item = page.locator(f"#show-{show['id']}")
        berlin = starts.astimezone(ZoneInfo("Europe/Berlin"))
        page.wait_for_function(
            "() => document.querySelector('#cc-tz-note').textContent.includes('Europe/Berlin')"
        )
        assert f"{berlin:%H:%M}" in item.locator("time").inner_text()
        assert f"Produkt {product['handle']}" in item.inner_text()
        form = item.locator(".remind-form")
        form.locator("input[name=email]").fill("lena@example.com")
        form.locator("button.remind-email").click()  # no consent yet: refused on the page
        status = form.locator(".remind-status")
        status.filter(has_text="Häkchen").wait_for()
        form.locator("input[name=consent]").check()
        form.locator("button.remind-email").click()
        status.filter(has_text="lena@example.com").wait_for()
        page.screenshot(path=str(artifacts / "reminder-booked.png"), full_page=True)
        assert watch.problems == []

        ctx = app.state.ctx
        clock = Clock(starts - timedelta(hours=24, minutes=1))
        sender = ReminderSender(ctx.db, ctx.settings, clock=clock)
        assert sender.run_once().sent == []
        assert box.wait_for(1, timeout=0.5) == []  # a minute early: nothing
        clock.at = starts - timedelta(hours=24)
        assert len(sender.run_once().sent) == 1
        [mail] = box.wait_for(1)
        assert mail["To"] == "lena@example.com"
        assert mail["Subject"] == f"Morgen: Winter knits bei {store['store']['name']}"
        text = str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
        assert f"{berlin:%H:%M}" in text
        assert "Europe/Berlin" in text

        # the unsubscribe link of the mail, opened in the browser
        link = urlsplit(str(mail["List-Unsubscribe"]).strip("<>"))
        page.goto(f"{url}{link.path}?lang=de")
        page.get_by_role("button", name="Abbestellen").click()
        page.locator("#cc-unsubscribed").wait_for()
        clock.at = starts - timedelta(minutes=10)
        assert sender.run_once().sent == []
        assert len(box.wait_for(2, timeout=0.5)) == 1
        assert watch.problems == []
    finally:
        watch.close()
