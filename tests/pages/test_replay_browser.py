"""The shoppable replay in real Chromium (issue 15): the recorded HLS plays (hls.js), the
show's pins, flash sale, poll and giveaway are chapters on the seek bar; clicking a pin's
chapter seeks the video there and the product card follows (the pinned card changes);
the caption files are selectable text tracks; "add to cart" buys at the replay price.
Screenshot: test-artifacts/pages/replay-chapters.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from castcart.core.settings import Settings
from castcart.web.app import create_app
from tests.audience.replays import Recorded, recorded_show
from tests.conftest import LiveServer
from tests.helpers import Api
from tests.pages.test_browser import Watch


@pytest.fixture(scope="module")
def replay_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Recorded]]:
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("replay"))  # type: ignore[call-arg]
    app = create_app(settings, background_tasks=False)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        rec = recorded_show(
            Api(client),  # type: ignore[arg-type]
            app.state.ctx.db,
            Path(settings.effective_media_dir),
        )
        yield live.url, rec


def test_chapters_seek_to_the_pin_and_the_product_card_follows(
    browser: Any, replay_site: tuple[str, Recorded], artifacts: Path
) -> None:
    url, rec = replay_site
    a, b = rec.products
    watch = Watch(browser, locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = watch.page()
        page.goto(f"{url}/s/{rec.slug}/replays/{rec.show_id}?lang=en")
        page.wait_for_function("() => document.querySelector('#cc-video').readyState >= 1")
        page.wait_for_function(
            "() => document.querySelectorAll('#cc-seekbar .marker').length === 5"
            " && !document.querySelector('#cc-seekbar').hidden"
        )
        chapters = page.locator("#cc-chapters .chapter")
        assert chapters.count() == 5
        assert page.locator("#cc-video track").count() == 2
        labels = page.evaluate(
            "() => Array.from(document.querySelector('#cc-video').textTracks).map(t => t.language)"
        )
        assert sorted(labels) == ["de", "en"]

        # the second pin (gloves, 8 s into the recording after the interruption)
        page.locator('#cc-chapters .chapter-pin[data-offset="8.0"]').click()
        page.wait_for_function(
            "() => Math.abs(document.querySelector('#cc-video').currentTime - 8) < 1.5"
        )
        card_b = page.locator(f"#card-{b['id']}")
        card_b.and_(page.locator(".is-pinned")).wait_for()
        assert "is-pinned" not in (page.locator(f"#card-{a['id']}").get_attribute("class") or "")
        assert b["handle"] in page.locator("#cc-now-title").inner_text()
        page.screenshot(path=str(artifacts / "replay-chapters.png"), full_page=True)

        # back to the first pin (the scarf, 1 s in): the card changes back
        page.locator('#cc-chapters .chapter-pin[data-offset="1.0"]').click()
        page.wait_for_function(
            "() => Math.abs(document.querySelector('#cc-video').currentTime - 1) < 1.5"
        )
        page.locator(f"#card-{a['id']}.is-pinned").wait_for()
        assert "is-pinned" not in (card_b.get_attribute("class") or "")
        assert a["handle"] in page.locator("#cc-now-title").inner_text()

        # a marker on the seek bar seeks too (the poll at 5 s)
        page.locator("#cc-seekbar .marker-poll").click()
        page.wait_for_function(
            "() => Math.abs(document.querySelector('#cc-video').currentTime - 5) < 1.5"
        )
        # buy from the replay: the list price (the live one ended with the show)
        page.locator(f"#card-{a['id']} button.add").click()
        page.wait_for_function("() => document.querySelector('#cc-cart-count').textContent === '1'")
        cart = page.evaluate(
            """async (slug) => {
                const saved = JSON.parse(localStorage.getItem(`castcart:${slug}:shopper`));
                const r = await fetch(`/api/v1/shop/${slug}/cart`,
                    {headers: {Authorization: `Bearer ${saved.token}`}});
                return r.json();
            }""",
            rec.slug,
        )
        [line] = cart["lines"]
        assert (line["unit_price_amount"], line["price_source"]) == (5000, "list")
        assert cart["show_id"] == rec.show_id
        assert watch.problems == []
    finally:
        watch.close()
