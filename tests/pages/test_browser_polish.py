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
from castcart.events.types import CaptionSegment
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
