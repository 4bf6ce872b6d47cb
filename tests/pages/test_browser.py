"""The pages in real Chromium against a real server: two shoppers in different languages
chat, the host pins a product and sees the order the shopper then places, the widget embeds
the show on another site, the video plays. Screenshots go to test-artifacts/pages/."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect as ws_connect

from castcart.core.settings import Settings
from castcart.demo.seed import seed_demo
from castcart.events.types import CaptionSegment
from castcart.web.app import create_app
from tests.conftest import LiveServer
from tests.pages.conftest import Site

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000
REQUIRE_MEDIA = os.environ.get("CASTCART_REQUIRE_MEDIA") == "1"


class Watch:
    """A browser context whose pages report CSP violations and script errors."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.problems: list[str] = []

    def page(self) -> Any:
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))

        def console(message: Any) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                self.problems.append(f"csp: {message.text}")

        page.on("console", console)
        return page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Watch]]:
    opened: list[Watch] = []
    yield opened
    for watch in opened:
        watch.close()


def _open(browser: Any, contexts: list[Watch], **options: Any) -> Watch:
    watch = Watch(browser, **options)
    contexts.append(watch)
    return watch


def _connected(page: Any) -> None:
    """The live channel said hello (the viewer counter was filled from it)."""
    page.wait_for_function("() => document.querySelector('#cc-viewers').textContent !== '0'")


def test_two_languages_and_chat_between_browsers(
    browser: Any, site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    es = _open(browser, contexts, viewport=PHONE, locale="es-ES", is_mobile=True, has_touch=True)
    ar = _open(browser, contexts, viewport=PHONE, locale="ar-SA")
    es_page = es.page()
    es_page.goto(f"{site.show_url}?lang=es")
    ar_page = ar.page()
    ar_page.goto(site.show_url)

    # Each sees the UI in their own language; the Arabic page (from Accept-Language) is RTL.
    assert es_page.locator("html").get_attribute("lang") == "es"
    assert es_page.locator("html").get_attribute("dir") == "ltr"
    assert es_page.get_by_role("heading", name="Chat").is_visible()
    assert es_page.locator("#cc-products .add").first.inner_text() == "Añadir al carrito"
    assert ar_page.locator("html").get_attribute("lang") == "ar"
    assert ar_page.locator("html").get_attribute("dir") == "rtl"
    assert ar_page.locator("#cc-products .add").first.inner_text() == "أضف إلى السلة"
    assert ar_page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Prices written the locale's way (babel on the server): "49,00 €" vs "‏49.00 €".
    assert "49,00" in es_page.locator(".card.is-pinned .price-now").inner_text()

    _connected(es_page)
    _connected(ar_page)
    # The guest shopper was created on first visit and its token kept for the next one.
    stored = es_page.evaluate(f"localStorage.getItem('castcart:{site.demo.slug}:shopper')")
    assert stored
    assert "ccg_" in stored

    # A chat line from one shopper reaches the other, as text: markup stays inert.
    hostile = "¿Viene en azul? <img src=x id=pwned>"
    es_page.get_by_label("Tu mensaje").fill(hostile)
    es_page.get_by_role("button", name="Enviar").click()
    line = ar_page.locator("#cc-chat .chat-text", has_text="¿Viene en azul?")
    line.wait_for()
    assert line.inner_text() == hostile
    assert ar_page.locator("#pwned").count() == 0

    # Captions of the host's speech, each viewer in their own language.
    site.app.state.ctx.bus.publish(
        CaptionSegment(
            store_id=site.demo.store_id,
            show_id=site.demo.show_id,
            segment_id="seg-1",
            start_ms=0,
            end_ms=1800,
            text="Hello everyone",
            lang="en",
            final=True,
            translations={"es": "Hola a todos", "ar": "مرحبا بالجميع"},
        )
    )
    es_page.locator("#cc-caption", has_text="Hola a todos").wait_for()
    ar_page.locator("#cc-caption", has_text="مرحبا بالجميع").wait_for()
    assert ar_page.locator("#cc-caption .caption-line").get_attribute("lang") == "ar"

    # Phone-sized: nothing overflows sideways.
    for page in (es_page, ar_page):
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, width
    es_page.screenshot(path=str(artifacts / "shopper-es-phone.png"), full_page=True)
    ar_page.screenshot(path=str(artifacts / "shopper-ar-phone.png"), full_page=True)
    assert es.problems == []
    assert ar.problems == []


def test_host_pins_shopper_buys_console_counts_the_order(
    browser: Any, site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    host = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="en-GB")
    console = host.page()
    console.goto(f"{site.url}/console/shows/{site.demo.show_id}")
    # Not logged in: the console sends the host to the login page and back.
    assert "/console/login" in console.url
    console.get_by_label("Store").fill(site.demo.slug)
    console.get_by_label("Email").fill(site.demo.host_email)
    console.get_by_label("Password").fill(site.demo.password)
    console.get_by_role("button", name="Log in").click()
    console.wait_for_url(re.compile(r"/console/shows/"))
    console.wait_for_function("() => document.querySelector('#cc-m-viewers') !== null")
    assert console.locator("#cc-orders-count").inner_text() == "0"

    shopper = _open(browser, contexts, viewport=PHONE, locale="de-DE")
    shop = shopper.page()
    shop.goto(site.show_url)
    _connected(shop)

    # The host pins another product; the shopper's card for it lights up.
    item = console.locator(".showcase-item", has_text="Organic cotton tote")
    item.get_by_role("button", name="Pin").click()
    pinned = shop.locator(".card.is-pinned")
    pinned.locator(".card-title", has_text="Bio-Baumwolltasche").wait_for()
    assert pinned.get_attribute("aria-current") == "true"

    # A shopper's chat line reaches the console, where the host deletes it for everyone.
    shop.get_by_label("Deine Nachricht").fill("Gibt es das in Blau?")
    shop.get_by_role("button", name="Senden").click()
    line = console.locator("#cc-chat .chat-line", has_text="Gibt es das in Blau?")
    line.get_by_role("button", name=re.compile("^Delete the message from")).click()
    shop.locator("#cc-chat .is-deleted", has_text="von der Moderation entfernt").wait_for()

    # The host asks a poll; the shopper votes; the console sees the tally.
    console.get_by_label("Question").first.fill("Which colour next?")
    console.locator("#cc-poll-options").fill("Blue\nRed")
    console.get_by_role("button", name="Start poll").click()
    poll = shop.locator("#cc-engagement .widget", has_text="Which colour next?")
    poll.get_by_role("button", name="Red").click()
    poll.get_by_text("Danke fürs Abstimmen!").wait_for()
    console.locator("#cc-engagement-live .widget", has_text="Votes: 1").wait_for()

    # A giveaway: the shopper enters, the host draws, the only entrant is told they won.
    console.get_by_label("What is given away").fill("A silk scarf")
    console.get_by_role("button", name="Start giveaway").click()
    giveaway = shop.locator("#cc-engagement .widget", has_text="A silk scarf")
    giveaway.get_by_role("button", name="Am Gewinnspiel teilnehmen").click()
    giveaway.get_by_text("Du bist dabei. Viel Glück!").wait_for()
    hosted = console.locator("#cc-engagement-live .widget", has_text="A silk scarf")
    hosted.get_by_role("button", name="Draw a winner").click()
    giveaway.locator(".winner.me").wait_for()

    # A quiz: the shopper answers, the host reveals the right option.
    console.locator("#cc-quiz-question").fill("Where is the scarf made?")
    console.locator("#cc-quiz-options").fill("Italy\nSpain")
    console.get_by_role("button", name="Ask the question").click()
    quiz = shop.locator("#cc-engagement .widget", has_text="Where is the scarf made?")
    quiz.get_by_role("button", name="Italy").click()
    quiz.get_by_text("Antwort gespeichert.").wait_for()
    hosted = console.locator("#cc-engagement-live .widget", has_text="Where is the scarf made?")
    hosted.get_by_role("button", name="Reveal the answer").click()
    quiz.get_by_text("Richtige Antwort: Italy").wait_for()

    # The shopper buys it: cart, cross-border quote, order, sandbox payment.
    pinned.get_by_role("button", name="In den Warenkorb").click()
    shop.locator("#cc-cart-count", has_text="1").wait_for()
    shop.get_by_label("Lieferung nach").select_option("DE")
    # The address form follows the German format (no state), labelled in German.
    shop.get_by_label("Vollständiger Name *").fill("Lena Krüger")
    shop.get_by_label("Straße und Hausnummer *").fill("Torstr. 1")
    shop.get_by_label("Postleitzahl *").fill("10119")
    shop.get_by_label("Ort *").fill("Berlin")
    shop.get_by_label("E-Mail", exact=True).fill("lena@example.com")
    assert shop.locator("#cc-addr-country_area").count() == 0
    shop.get_by_role("button", name="Zur Kasse").click()
    quote = shop.locator("#cc-quote")
    quote.wait_for(state="visible")
    assert "MwSt" in quote.inner_text() or "VAT" in quote.inner_text()
    assert shop.locator("#cc-pay-methods input[type=radio]").count() >= 1
    shop.get_by_role("button", name="Bestellen").click()
    shop.get_by_role("button", name="Bezahlen").click()
    shop.locator("#cc-order-status", has_text="bezahlt").wait_for()

    # The host's console counts the paid order (metrics frames or the orders API).
    console.locator("#cc-orders-count", has_text="1").wait_for(timeout=30_000)
    console.locator("#cc-m-carts", has_text="1").wait_for()  # live metrics frames

    # What the host says in chat is checked live: a claim the market forbids raises an alert.
    console.get_by_label("Your message").fill("The best scarf in the world, 100% guaranteed!")
    console.get_by_role("button", name="Send", exact=True).click()
    console.locator("#cc-alerts .alert", has_text="The best scarf in the world").wait_for()
    console.screenshot(path=str(artifacts / "console.png"), full_page=True)
    shop.screenshot(path=str(artifacts / "shopper-paid-de.png"), full_page=True)
    assert host.problems == []
    assert shopper.problems == []


def test_widget_embeds_the_show_on_another_site(
    browser: Any, site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    visitor = _open(browser, contexts, viewport={"width": 1024, "height": 900})
    # Chromium asks before a page reaches a loopback address of another origin; a real
    # brand site and a real castcart server are both public, so grant it here.
    visitor.context.grant_permissions(["local-network-access"])
    page = visitor.page()
    # Another origin and site (localhost vs 127.0.0.1) on the same loopback address space:
    # Chromium refuses a public page loading a script from a private address.
    other_site = site.url.replace("127.0.0.1", "localhost") + "/brand-site/"
    html = (
        "<!doctype html><html><head><title>Brand</title></head><body><h1>Our brand</h1>"
        f'<script src="{site.url}/widget.js" async></script>'
        f'<castcart-show store="{site.demo.slug}" show="{site.demo.show_id}" lang="fr">'
        "</castcart-show></body></html>"
    )
    page.route(
        f"{other_site}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto(other_site)
    frame_el = page.locator("castcart-show iframe")
    frame_el.wait_for()
    frame = page.frame_locator("castcart-show iframe")
    frame.get_by_role("heading", name="Discussion").wait_for()
    frame.locator(".card.is-pinned").wait_for()
    assert frame.locator("html").get_attribute("lang") == "fr"
    # The frame grew to its content (height reported by postMessage).
    page.wait_for_function(
        "() => document.querySelector('castcart-show').shadowRoot.querySelector('iframe')"
        ".getBoundingClientRect().height > 720"
    )
    page.screenshot(path=str(artifacts / "widget-embed.png"), full_page=True)
    assert visitor.problems == []


FFMPEG = shutil.which("ffmpeg")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def streaming_site(tmp_path: Path) -> Iterator[Site]:
    """A server of its own with the media supervisor running (the embedded ffmpeg ingest on
    a free port), for the one test that pushes video."""
    if FFMPEG is None:
        if REQUIRE_MEDIA:
            pytest.fail("ffmpeg is not installed")
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        media_rtmp_port=_free_port(),
        media_preset="ultrafast",
    )  # type: ignore[call-arg]
    app = create_app(settings)  # with background tasks: the ingest supervisor
    demo = seed_demo(app.state.ctx.db)
    with LiveServer(app) as server:
        yield Site(server.url, app, settings, demo)


def test_video_plays_from_a_real_ingest(
    browser: Any, streaming_site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    site = streaming_site
    with httpx.Client(base_url=site.url, timeout=10) as http:
        token = http.post(
            "/api/v1/auth/login",
            json={
                "store": site.demo.slug,
                "email": site.demo.host_email,
                "password": site.demo.password,
            },
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        # The demo show went live before any ingest existed: the host opens one.
        opened = http.post(f"/api/v1/shows/{site.demo.show_id}/stream/open", headers=auth)
        assert opened.status_code == 200, opened.text
        deadline = time.monotonic() + 30
        stream = http.get(
            f"/api/v1/shows/{site.demo.show_id}/stream",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        while not stream["ingest_url"] and time.monotonic() < deadline:
            time.sleep(0.2)  # the supervisor opens the listener for the live show
            stream = http.get(
                f"/api/v1/shows/{site.demo.show_id}/stream",
                headers={"Authorization": f"Bearer {token}"},
            ).json()
    assert stream["ingest_url"], stream

    viewer = _open(browser, contexts, viewport=PHONE)
    page = viewer.page()
    page.goto(site.show_url)
    # No stream yet: "starting soon", then the player takes over when the encoder connects.
    assert page.locator("#cc-soon").is_visible()
    encoder = subprocess.Popen(  # the CLI a host would use to test their setup
        [
            sys.executable, "-m", "castcart.cli", "media", "test-stream",
            "--url", f"{stream['ingest_url']}/{stream['stream_key']}",
            "--duration", "60", "--size", "640x360",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        page.locator("#cc-video").wait_for(state="visible", timeout=60_000)
        page.wait_for_function(
            "() => document.querySelector('#cc-video').currentTime > 0.5", timeout=60_000
        )
        first = page.evaluate("document.querySelector('#cc-video').currentTime")
        page.wait_for_function(
            f"() => document.querySelector('#cc-video').currentTime > {first + 0.5}",
            timeout=30_000,
        )
        assert page.locator("#cc-soon").is_hidden()
        page.screenshot(path=str(artifacts / "shopper-video.png"))
    finally:
        encoder.terminate()
        encoder.wait(timeout=10)
    assert viewer.problems == []


def test_admin_creates_a_translated_product(
    browser: Any, site: Site, contexts: list[Watch], artifacts: Path
) -> None:
    owner = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="en-US")
    login = owner.context.request.post(
        f"{site.url}/api/v1/auth/session",
        data={
            "store": site.demo.slug,
            "email": site.demo.owner_email,
            "password": site.demo.password,
        },
    )
    assert login.status == 204
    page = owner.page()
    page.goto(f"{site.url}/admin")
    page.locator("#cc-products tr").first.wait_for()
    page.get_by_label("Handle").fill("linen-scarf")
    page.get_by_label("SKU").fill("LINEN-SCARF")
    page.get_by_label("Price (EUR)").fill("34.50")
    page.locator(".tr-title").first.fill("Linen scarf")
    page.get_by_role("button", name="Add a language").click()
    page.locator(".tr-locale").nth(1).select_option("es")
    page.locator(".tr-title").nth(1).fill("Pañuelo de lino")
    page.get_by_role("button", name="Save").click()
    row = page.locator("#cc-products tr", has_text="linen-scarf")
    row.wait_for()
    assert "€34.50" in row.inner_text()
    # The tabs work from the keyboard (ARIA tabs pattern): → moves to "Shows".
    page.get_by_role("tab", name="Catalog").focus()
    page.keyboard.press("ArrowRight")
    shows = page.get_by_role("tabpanel", name="Shows")
    shows.get_by_role("link", name="Autumn drop: live from Berlin").wait_for()
    page.screenshot(path=str(artifacts / "admin.png"), full_page=True)
    assert owner.problems == []
    with httpx.Client(base_url=site.url) as http:
        products = http.get(f"/api/v1/shop/{site.demo.slug}/products").json()
    titles = {
        t["locale"]: t["title"]
        for p in products
        if p["handle"] == "linen-scarf"
        for t in p["translations"]
    }
    assert titles == {"en": "Linen scarf", "es": "Pañuelo de lino"}


def test_reconnect_resumes_from_the_last_seq(
    browser: Any, site: Site, contexts: list[Watch]
) -> None:
    """Frames lost while a connection was dying come back through the ``last_seq`` resume."""
    viewer = _open(browser, contexts, viewport=PHONE)
    page = viewer.page()
    routes: list[Any] = []
    dropping = {"on": False}

    def relay(ws: Any) -> None:
        routes.append(ws)
        server = ws.connect_to_server()
        if len(routes) == 1:  # the first link can be made to lose frames
            server.on_message(lambda message: None if dropping["on"] else ws.send(message))

    page.route_web_socket(re.compile(r"/live\?"), relay)
    page.goto(site.show_url)
    _connected(page)

    # Another shopper writes while this viewer's link silently loses frames; then it drops.
    with httpx.Client(base_url=site.url) as http:
        other = http.post(f"/api/v1/shop/{site.demo.slug}/sessions", json={}).json()
    path = f"/api/v1/shop/{site.demo.slug}/shows/{site.demo.show_id}/live"
    dropping["on"] = True
    with ws_connect(f"{site.url.replace('http', 'ws', 1)}{path}?token={other['token']}") as sock:
        sock.recv(timeout=10)  # hello
        sock.send('{"type": "chat.send", "text": "sent during the outage"}')
        while "sent during the outage" not in str(sock.recv(timeout=10)):
            pass
    assert page.locator("#cc-chat", has_text="sent during the outage").count() == 0
    routes[0].close(code=4000, reason="test drop")

    page.locator("#cc-chat .chat-text", has_text="sent during the outage").wait_for()
    assert len(routes) == 2
    assert "last_seq=" in routes[1].url
    assert "epoch=" in routes[1].url
    assert viewer.problems == []
