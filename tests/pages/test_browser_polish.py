"""Shopper page and console details in real Chromium against a real server: the two-line
caption overlay (frames through the signed internal captions endpoint, as the worker posts
them), bidi isolation on the Arabic page, the console at 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from castcart.captions.publish import HttpPublisher
from castcart.core.settings import Settings
from castcart.demo.seed import seed_demo
from castcart.events.types import CaptionSegment
from castcart.media.models import StreamSession
from castcart.web.app import create_app
from tests.conftest import LiveServer
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch, _connected, _open

LONG = [
    "Welcome back everyone, today we are showing the linen dress in three colours",
    "It is made in Portugal from organic flax and it washes at forty degrees",
    "The sizes run from extra small to extra large and shipping is free this week",
    "If you have a question about the fit, write it in the chat and I will answer",
]


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Watch]]:
    opened: list[Watch] = []
    yield opened
    for watch in opened:
        watch.close()


def _segment(site: Site, index: int, text: str, final: bool, ar: str | None) -> CaptionSegment:
    return CaptionSegment(
        store_id=site.demo.store_id,
        show_id=site.demo.show_id,
        segment_id=f"polish-{index}",
        start_ms=index * 4000,
        end_ms=index * 4000 + 3500,
        text=text,
        lang="en",
        final=final,
        translations={"ar": ar} if ar else {},
    )


def _lines(page: Any) -> list[str]:
    return page.locator("#cc-caption .caption-line").all_inner_texts()


def test_captions_roll_in_two_lines_with_translated_drafts_and_bidi(
    browser: Any, site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    ar = _open(browser, contexts, viewport=PHONE, locale="ar-SA")
    page = ar.page()
    page.goto(site.show_url)
    _connected(page)
    worker = HttpPublisher(site.url, site.settings.secret_key, site.demo.show_id)

    # Four long finals: only the newest two are on screen, in at most two lines of text.
    for i, text in enumerate(LONG):
        worker.publish([_segment(site, i, text, True, None)])
    page.locator("#cc-caption .caption-line", has_text="If you have a question").wait_for()
    assert worker.failures == 0
    assert len(_lines(page)) <= 2
    assert not any("Welcome back" in line for line in _lines(page))
    box = page.evaluate(
        """() => { const el = document.querySelector('#cc-caption'); const s = getComputedStyle(el);
        return {h: el.getBoundingClientRect().height, lh: parseFloat(s.lineHeight),
                pad: parseFloat(s.paddingTop) + parseFloat(s.paddingBottom)}; }"""
    )
    assert box["h"] <= 2 * box["lh"] + box["pad"] + 1, box
    video = page.locator(".video-wrap").bounding_box()
    assert box["h"] < video["height"] / 3  # no longer covers half the video
    # The newest line is the one fully shown (the overflow rolls off the top).
    last = page.locator("#cc-caption .caption-line").last.bounding_box()
    caption = page.locator("#cc-caption").bounding_box()
    assert last["y"] + last["height"] <= caption["y"] + caption["height"] + 1

    # An English caption on the Arabic page is isolated: laid out left to right.
    assert page.locator("html").get_attribute("dir") == "rtl"
    line = page.locator("#cc-caption .caption-line").last
    assert line.get_attribute("dir") == "auto"
    assert line.evaluate("el => getComputedStyle(el).direction") == "ltr"

    # A draft is shown translated; a later draft the worker did not translate keeps the
    # translation; the final replaces it; a draft arriving after its final is ignored.
    worker.publish([_segment(site, 9, "The blue one is", False, "الأزرق هو")])
    page.locator("#cc-caption .caption-line", has_text="الأزرق هو").wait_for()
    assert page.locator("#cc-caption .caption-line.is-tentative").last.get_attribute("lang") == "ar"
    worker.publish([_segment(site, 9, "The blue one is my", False, None)])
    final_ar = "الأزرق هو المفضل لدي."
    worker.publish([_segment(site, 9, "The blue one is my favourite.", True, final_ar)])
    page.locator("#cc-caption .caption-line", has_text=final_ar).wait_for()
    worker.publish([_segment(site, 9, "The blue one", False, "الأزرق")])
    worker.publish([_segment(site, 10, "Next", False, "التالي")])
    page.locator("#cc-caption .caption-line", has_text="التالي").wait_for()
    assert _lines(page) == [final_ar, "التالي"]
    assert worker.failures == 0

    # A poll question in English on the Arabic page: isolated too.
    with httpx.Client(base_url=site.url, timeout=10) as http:
        token = http.post(
            "/api/v1/auth/login",
            json={
                "store": site.demo.slug,
                "email": site.demo.host_email,
                "password": site.demo.password,
            },
        ).json()["token"]
        opened = http.post(
            f"/api/v1/shows/{site.demo.show_id}/polls",
            json={"question": "Which colour next?", "options": ["Blue!", "Red?"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert opened.status_code == 201, opened.text
    question = page.locator("#cc-engagement .widget-q", has_text="Which colour next?")
    question.wait_for()
    assert question.evaluate("el => getComputedStyle(el).direction") == "ltr"
    option = page.locator("#cc-engagement .option", has_text="Red?")
    assert option.evaluate("el => getComputedStyle(el).direction") == "ltr"

    # A chat line with an RLO reaches the page without it.
    page.locator("#cc-chat-input").fill("pay \u202eereh kcilc")
    page.locator("#cc-chat-form button[type=submit]").click()
    sent = page.locator("#cc-chat .chat-text", has_text=re.compile("pay"))
    sent.wait_for()
    assert sent.inner_text() == "pay ereh kcilc"
    page.screenshot(path=str(artifacts / "shopper-ar-captions.png"))
    assert ar.problems == []


def test_widget_height_without_a_unit_is_pixels(
    browser: Any, site: Site, contexts: list[Watch]
) -> None:
    visitor = _open(browser, contexts, viewport={"width": 1024, "height": 900})
    visitor.context.grant_permissions(["local-network-access"])
    page = visitor.page()
    other_site = site.url.replace("127.0.0.1", "localhost") + "/brand-site/"
    html = (
        "<!doctype html><html><head><title>Brand</title></head><body>"
        f'<script src="{site.url}/widget.js" async></script>'
        f'<castcart-show id="fixed" store="{site.demo.slug}" show="{site.demo.show_id}"'
        ' height="900"></castcart-show>'
        f'<castcart-show id="bad" store="{site.demo.slug}" show="{site.demo.show_id}"'
        ' height="tall"></castcart-show></body></html>'
    )
    page.route(
        f"{other_site}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto(other_site)
    page.locator("#fixed iframe").wait_for()
    height = "(id) => document.getElementById(id).shadowRoot.querySelector('iframe')"
    height += ".getBoundingClientRect().height"
    assert page.evaluate(f"({height})('fixed')") == 900
    # an invalid height is ignored: the frame starts at 720 px and grows to its content
    page.wait_for_function(f"() => ({height})('bad') >= 720")
    assert visitor.problems == []


def test_api_docs_render_with_no_outside_network(
    browser: Any, site: Site, contexts: list[Watch]
) -> None:
    reader = _open(browser, contexts, viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    reader.context.route("**/*", only_this_server)
    page = reader.page()
    page.goto(f"{site.url}/docs")
    page.locator(".swagger-ui .info .title", has_text="castcart").wait_for()
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert outside == []


@pytest.fixture
def streamed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server of its own whose demo show has had a stream (so the console shows the
    preview), kept apart from the other tests' site."""
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("streamed"))  # type: ignore[call-arg]
    app = create_app(settings, background_tasks=False)
    demo = seed_demo(app.state.ctx.db)
    with app.state.ctx.db.write() as session:
        session.add(StreamSession(show_id=demo.show_id, store_id=demo.store_id, source="embedded"))
    with LiveServer(app) as server:
        yield Site(server.url, app, settings, demo)


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_console_at_1280_px_login_prefilled_preview_clear_of_pin_finding_labels(
    browser: Any, streamed_site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    site = streamed_site
    host = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="de-DE")
    console = host.page()
    # A show link, not logged in: the login form has the show's store filled in.
    console.goto(f"{site.url}/console/shows/{site.demo.show_id}")
    assert "/console/login" in console.url
    assert console.locator("#cc-login-store").input_value() == site.demo.slug
    console.locator("#cc-login-email").fill(site.demo.host_email)
    console.locator("#cc-login-password").fill(site.demo.password)
    console.locator("#cc-login button[type=submit]").click()
    console.wait_for_url(re.compile(r"/console/shows/"))

    # The stream preview is shown (the show has had a stream) and stays inside its panel.
    preview = console.locator("#cc-preview")
    preview.wait_for(state="visible")
    pin = console.locator(".showcase-item").first.locator("button[data-action=pin]")
    pin.wait_for()
    # the showcase sits below the stream panel's OBS settings at 900 px high: scroll to it
    console.evaluate(
        "document.querySelector('section[aria-labelledby=showcase-title]')"
        ".scrollIntoView({block: 'center'})"
    )
    console.wait_for_timeout(300)  # let the preview's layout settle
    preview_box = preview.bounding_box()
    pin_box = pin.bounding_box()
    panel_box = console.locator("section[aria-labelledby=stream-title]").bounding_box()
    assert preview_box is not None
    assert pin_box is not None
    assert panel_box is not None
    assert not _overlap(preview_box, pin_box), (preview_box, pin_box)
    assert preview_box["y"] + preview_box["height"] <= panel_box["y"] + panel_box["height"] + 1
    assert preview_box["x"] + preview_box["width"] <= panel_box["x"] + panel_box["width"] + 1
    # ...and the Pin button is what a click at its centre reaches.
    hit = console.evaluate(
        """([x, y]) => { const el = document.elementFromPoint(x, y);
        return el && el.closest('button[data-action=pin]') !== null; }""",
        [pin_box["x"] + pin_box["width"] / 2, pin_box["y"] + pin_box["height"] / 2],
    )
    assert hit
    before = pin.get_attribute("aria-pressed")
    pin.click(timeout=5000)  # no trial: a covered button would time out here
    console.locator(".showcase-item").first.locator(
        f"button[data-action=pin][aria-pressed={'false' if before == 'true' else 'true'}]"
    ).wait_for()

    # Pin the silk scarf and contradict its catalog record: the finding reads in German.
    with httpx.Client(base_url=site.url) as http:
        products = http.get(f"/api/v1/shop/{site.demo.slug}/products").json()
    scarf = next(p["id"] for p in products if p["handle"] == "silk-scarf")
    item = f".showcase-item[data-product-id='{scarf}']"
    scarf_pin = console.locator(f"{item} button[data-action=pin]")
    if scarf_pin.get_attribute("aria-pressed") != "true":
        scarf_pin.click()
        console.locator(f"{item} button[aria-pressed=true]").wait_for()
    console.locator("#cc-chat-input").fill("This scarf is made of 100% cotton.")
    console.locator("#cc-chat-form button[type=submit]").click()
    label = console.locator("#cc-alerts .alert strong[data-category=fact_contradiction]")
    label.wait_for()
    assert label.inner_text() == "Widerspricht den Produktangaben"
    assert "fact_contradiction" not in console.locator("#cc-alerts").inner_text()
    console.screenshot(path=str(artifacts / "console-1280-de.png"), full_page=True)
    assert host.problems == []
