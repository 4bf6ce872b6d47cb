"""A ``stock.low`` event reaches the host console of the store's open show as an alert, in
the console's language, in real Chromium against a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from castcart.events import StockLow
from tests.pages.conftest import Site
from tests.pages.test_browser import Watch, _open


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Watch]]:
    opened: list[Watch] = []
    yield opened
    for watch in opened:
        watch.close()


def test_low_stock_shows_in_the_consoles_alerts_in_german(
    browser: Any, site: Site, contexts: list[Watch]
) -> None:
    host = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="de-DE")
    console = host.page()
    console.goto(f"{site.url}/console/shows/{site.demo.show_id}")
    console.locator("#cc-login-email").fill(site.demo.host_email)
    console.locator("#cc-login-password").fill(site.demo.password)
    console.locator("#cc-login button[type=submit]").click()
    console.wait_for_url(re.compile(r"/console/shows/"))
    console.locator(".showcase-item").first.wait_for()

    event = StockLow(store_id=site.demo.store_id, variant_id="v-1", sku="SCARF-RED", available=3)
    alert = console.locator("#cc-alerts .stock-low")
    for _ in range(100):  # until the console's live channel is open (no timing asserted)
        site.app.state.ctx.bus.publish(event)
        if alert.count():
            break
        console.wait_for_timeout(100)
    alert.first.wait_for()
    assert alert.first.inner_text() == "Geringer Bestand: SCARF-RED, noch 3 Stück"
    assert alert.first.get_attribute("data-variant") == "v-1"
    assert console.locator("#cc-alerts-empty").is_hidden()
    assert host.problems == []
