"""The host console's OBS panel in real Chromium: server URL and stream key copied to the
clipboard (and the select-all fallback where the clipboard is refused), the key masked until
revealed, the recommended settings, nothing overflowing at 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.pages.conftest import Site
from tests.pages.test_browser import Watch, _open


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Watch]]:
    opened: list[Watch] = []
    yield opened
    for watch in opened:
        watch.close()


def _login(site: Site, watch: Watch) -> Any:
    page = watch.page()
    page.goto(f"{site.url}/console/shows/{site.demo.show_id}")
    page.locator("#cc-login-email").fill(site.demo.host_email)
    page.locator("#cc-login-password").fill(site.demo.password)
    page.locator("#cc-login button[type=submit]").click()
    page.wait_for_url(re.compile(r"/console/shows/"))
    return page


def _stream_key(site: Site) -> str:
    with httpx.Client(base_url=site.url, timeout=10) as http:
        token = http.post(
            "/api/v1/auth/login",
            json={
                "store": site.demo.slug,
                "email": site.demo.host_email,
                "password": site.demo.password,
            },
        ).json()["token"]
        stream = http.get(
            f"/api/v1/shows/{site.demo.show_id}/stream",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    return str(stream["stream_key"])


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
    )


def test_obs_panel_copies_url_and_key_and_fits_1280_px(
    browser: Any, site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    key = _stream_key(site)
    host = _open(
        browser,
        contexts,
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = _login(site, host)
    url = page.locator("#cc-ingest-url")
    open_ingest = page.locator("#cc-open-ingest")
    if url.inner_text() == "—":
        open_ingest.click()  # the demo show went live before any ingest existed
    page.wait_for_function("() => document.querySelector('#cc-ingest-url').textContent !== '—'")
    assert url.inner_text() == f"rtmp://127.0.0.1:{site.settings.media_rtmp_port}/live"

    copy_url = page.locator("#cc-copy-url")
    copy_url.click()
    page.wait_for_function("() => document.querySelector('#cc-copy-url').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == url.inner_text()
    assert page.locator("#cc-copy-status").inner_text() == "Ingest URL: copied to the clipboard"
    # the "Copied" state goes back to "Copy"
    page.wait_for_function("() => document.querySelector('#cc-copy-url').textContent === 'Copy'")

    # the key is masked; copying it copies the key, not the dots, and keeps it masked
    shown = page.locator("#cc-stream-key")
    assert key not in shown.inner_text()
    page.locator("#cc-copy-key").click()
    page.wait_for_function("() => document.querySelector('#cc-copy-key').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert key not in shown.inner_text()
    page.locator("#cc-reveal-key").click()
    assert shown.inner_text() == key
    page.locator("#cc-reveal-key").click()
    assert key not in shown.inner_text()

    # the recommended settings
    obs = page.locator("#cc-obs")
    assert obs.is_visible()
    text = obs.inner_text()
    for expected in ("x264", "CBR", "Keyframe interval", "2 s", "1280×720", "30 fps"):
        assert expected in text, expected
    assert "AAC · 128 kbps · 48 kHz" in text

    # nothing in the stream panel is wider than the panel at 1280 px
    panel = page.locator("section[aria-labelledby=stream-title]")
    panel_box = panel.bounding_box()
    assert panel_box is not None
    overflow = page.evaluate(
        """() => { const panel = document.querySelector('section[aria-labelledby=stream-title]');
        return panel.scrollWidth - panel.clientWidth; }"""
    )
    assert overflow <= 0, overflow
    for selector in (
        "#cc-ingest-url",
        "#cc-stream-key",
        "#cc-copy-url",
        "#cc-copy-key",
        "#cc-reveal-key",
        "#cc-rotate-key",
        "#cc-obs",
    ):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert _inside(box, panel_box), (selector, box, panel_box)
    page.locator("#cc-reveal-key").click()  # the revealed key (32 characters) fits too
    box = page.locator("#cc-stream-key").bounding_box()
    assert box is not None
    assert _inside(box, panel_box), (box, panel_box)
    panel.screenshot(path=str(artifacts / "console-obs-1280.png"))
    assert host.problems == []


def test_copy_falls_back_to_a_selection_when_the_clipboard_is_refused(
    browser: Any, site: Site, contexts: list[Watch]
) -> None:
    key = _stream_key(site)
    host = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="de-DE")
    host.context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied'));"
    )
    page = _login(site, host)
    page.locator("#cc-copy-key").click()
    status = page.locator("#cc-copy-status")
    page.wait_for_function("() => document.querySelector('#cc-copy-status').textContent !== ''")
    assert "Strg+C" in status.inner_text()  # German, from the locale file
    assert page.evaluate("window.getSelection().toString()") == key
    assert page.locator("#cc-stream-key").inner_text() == key  # revealed to be copied
    assert page.locator("#cc-reveal-key").get_attribute("aria-pressed") == "true"
    assert page.locator("#cc-copy-key").inner_text() == "Kopieren"  # not "copied"
    assert host.problems == []
