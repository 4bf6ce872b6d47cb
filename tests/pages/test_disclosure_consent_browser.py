"""What the shopper sees, in real Chromium against a real server: the show's commercial
disclosure in the viewer's market and language (es, ar), the consent banner (keyboard, RTL),
a refusal stored on the server that survives a reload, no optional (analytics/marketing)
request before consent, the US opt-out with "Do Not Sell or Share" and Global Privacy
Control, the widget passing the consent to the host page, and the admin's show form with
its schedule warning, disclosure and iftar countdown option. Screenshots go to
test-artifacts/pages/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.pages.conftest import Site
from tests.pages.test_browser import Watch

PHONE = {"width": 390, "height": 844}
BRAND = "Glow Labs"
# Requests the page makes for its own working (ePrivacy "strictly necessary"): the page, its
# assets and product pictures, the guest session, the show, the cart, engagement, the live
# ticket, the consent decisions themselves. Anything else before consent is optional.
NECESSARY = re.compile(
    r"^/(s/[^/]+/shows/[^/]+|assets/.+|demo-assets/.+|catalog-images/.+|favicon\.ico"
    r"|api/v1/shop/[^/]+/(sessions|me|cart|live-tickets|consents(\?.*)?"
    r"|shows/[^/]+(\?.*)?|shows/[^/]+/engagement|address-form.*|checkout/prefill.*))$"
)
PROBE = "/optional-probe"


def _staff(http: httpx.Client, site: Site) -> dict[str, str]:
    login = {
        "store": site.demo.slug,
        "email": site.demo.owner_email,
        "password": site.demo.password,
    }
    token = http.post("/api/v1/auth/login", json=login).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def sponsored(site: Site) -> Iterator[None]:
    """The demo show, marked as paid for by a brand."""
    with httpx.Client(base_url=site.url, timeout=10) as http:
        staff = _staff(http, site)
        put = http.put(
            f"/api/v1/shows/{site.demo.show_id}/disclosure",
            headers=staff,
            json={"commercial_relationship": "sponsored", "disclosure_brand": BRAND},
        )
        assert put.status_code == 200, put.text
        yield
        http.put(
            f"/api/v1/shows/{site.demo.show_id}/disclosure",
            headers=staff,
            json={"commercial_relationship": "none"},
        )


@pytest.fixture
def watches(browser: Any) -> Iterator[list[Watch]]:
    opened: list[Watch] = []
    yield opened
    for watch in opened:
        watch.close()


def _open(browser: Any, watches: list[Watch], **options: Any) -> Watch:
    watch = Watch(browser, **options)
    watches.append(watch)
    return watch


def _consent_ready(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "() => new Promise((ok) => { const wait = () => window.castcartConsent"
        " ? window.castcartConsent.ready.then(ok) : setTimeout(wait, 50); wait(); })"
    )
    return result


def _stored(site: Site, page: Any) -> dict[str, Any]:
    """The consent decisions on the server, read with the page's own guest token."""
    saved = page.evaluate(f"() => localStorage.getItem('castcart:{site.demo.slug}:shopper')")
    token = json.loads(saved)["token"]
    with httpx.Client(base_url=site.url, timeout=10) as http:
        got = http.get(
            f"/api/v1/shop/{site.demo.slug}/consents",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert got.status_code == 200, got.text
        data: dict[str, Any] = got.json()
        return data


def test_the_disclosure_label_in_spanish_and_arabic(
    browser: Any, site: Site, sponsored: None, watches: list[Watch], artifacts: Path
) -> None:
    es = _open(browser, watches, viewport=PHONE, locale="es-ES").page()
    es.goto(f"{site.show_url}?lang=es&country=ES")
    label = es.locator("#cc-disclosure")
    label.wait_for()
    assert label.is_visible()
    # Spain: the DSA/UCPD label, in Spanish, naming the brand
    assert label.locator(".disclosure-label").inner_text() == "Publicidad"
    assert label.locator(".disclosure-detail").inner_text() == (
        f"Este directo está pagado por {BRAND}."
    )
    es.locator("#cc-consent-banner").wait_for()
    es.screenshot(path=str(artifacts / "disclosure-es.png"), full_page=True)

    # Arabic from Accept-Language (ar-SA: the viewer's market is Saudi Arabia), right to left.
    ar_watch = _open(browser, watches, viewport=PHONE, locale="ar-SA")
    ar = ar_watch.page()
    ar.goto(site.show_url)
    label = ar.locator("#cc-disclosure")
    label.wait_for()
    assert ar.locator("html").get_attribute("dir") == "rtl"
    assert label.locator(".disclosure-label").inner_text() == "مُموَّل"
    assert BRAND in label.locator(".disclosure-detail").inner_text()
    assert label.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    # The accent bar is on the start side: the right in Arabic.
    assert label.evaluate("(el) => getComputedStyle(el).borderRightWidth") == "4px"
    assert label.evaluate("(el) => getComputedStyle(el).borderLeftWidth") == "0px"

    # The consent banner in Arabic mirrors too: the first button sits to the right.
    banner = ar.locator("#cc-consent-banner")
    banner.wait_for()
    assert banner.get_by_role("heading").inner_text() == "خيارات الخصوصية الخاصة بك"
    accept = banner.get_by_role("button", name="قبول الكل").bounding_box()
    reject = banner.get_by_role("button", name="رفض الكل").bounding_box()
    assert accept is not None
    assert reject is not None
    if abs(accept["y"] - reject["y"]) < 5:  # on one line
        assert accept["x"] > reject["x"]
    ar.screenshot(path=str(artifacts / "disclosure-consent-ar.png"), full_page=True)
    assert ar_watch.problems == []


def test_a_refusal_is_stored_survives_reload_and_nothing_optional_leaves_first(
    browser: Any, site: Site, watches: list[Watch], artifacts: Path
) -> None:
    watch = _open(browser, watches, viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = watch.page()
    sent: list[str] = []
    origin = urlsplit(site.url).netloc

    def record(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            where = parts.path + (f"?{parts.query}" if parts.query else "")
            sent.append(where if parts.netloc == origin else request.url)

    page.on("request", record)
    page.goto(f"{site.show_url}?lang=de&country=DE")
    state = _consent_ready(page)
    assert state == {
        "ready": True,
        "model": "opt_in",
        "policy_version": state["policy_version"],
        "necessary": True,
        "analytics": False,
        "marketing": False,
    }
    # What analytics or reminders would do: start only once their purpose is allowed.
    arm = (
        "(probe) => { window.__events = []; document.addEventListener('castcart:consent',"
        " (e) => window.__events.push(e.detail));"
        " for (const p of ['analytics', 'marketing']) window.castcartConsent.whenGranted(p,"
        " () => fetch(probe + '?purpose=' + p, { method: 'POST' })); }"
    )
    page.evaluate(arm, PROBE)
    banner = page.locator("#cc-consent-banner")
    banner.wait_for()
    assert banner.get_by_label("Notwendig (immer aktiv)").is_disabled()
    assert banner.get_by_label("Notwendig (immer aktiv)").is_checked()
    assert not banner.get_by_label("Statistik").is_checked()  # no pre-ticked boxes
    page.wait_for_timeout(1500)  # let the page finish starting (live ticket, cart, ...)

    # Keyboard only: Tab reaches "Alle ablehnen" and Enter presses it.
    page.locator("body").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "cc-consent-reject":
            break
    assert page.evaluate("() => document.activeElement.id") == "cc-consent-reject"
    with page.expect_response(
        lambda r: r.url.endswith("/consents") and r.request.method == "PUT"
    ) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    banner.wait_for(state="hidden")
    # Focus is not lost with the banner: it moves to the "privacy choices" button.
    assert page.evaluate("() => document.activeElement.id") == "cc-consent-open"
    assert page.locator("#cc-consent-status").inner_text() == "Ihre Auswahl ist gespeichert."

    before = [u for u in sent if not NECESSARY.match(u)]
    assert before == [], before
    assert not any(PROBE in u for u in sent)

    stored = _stored(site, page)
    for purpose in ("analytics", "marketing"):
        decision = stored["decisions"][purpose]
        assert decision["decision"] == "refused"
        assert decision["policy_version"] == state["policy_version"]
    refusal = next(r for r in stored["history"] if r["purpose"] == "analytics")
    assert (refusal["jurisdiction"], refusal["source"]) == ("DE", "banner")

    # Reload: the refusal holds, the banner stays closed, still nothing optional.
    sent.clear()
    page.reload()
    state = _consent_ready(page)
    assert (state["analytics"], state["marketing"]) == (False, False)
    page.evaluate(arm, PROBE)
    page.wait_for_timeout(1500)
    assert banner.is_hidden()
    assert [u for u in sent if not NECESSARY.match(u)] == []

    # The visitor changes their mind: analytics only. Now (and only now) it may run.
    page.get_by_role("button", name="Datenschutz-Einstellungen").click()
    banner.wait_for()
    assert page.evaluate("() => document.activeElement.id") == "cc-consent-title"
    banner.get_by_label("Statistik").focus()
    page.keyboard.press("Space")
    with page.expect_request(lambda r: PROBE in r.url) as probe:
        banner.get_by_role("button", name="Auswahl speichern").click()
    assert probe.value.url.endswith("?purpose=analytics")
    page.wait_for_timeout(500)
    assert not any("purpose=marketing" in u for u in sent)
    events = page.evaluate("() => window.__events")
    assert events[-1]["analytics"] is True
    assert events[-1]["marketing"] is False
    assert _stored(site, page)["decisions"]["analytics"]["decision"] == "granted"
    page.screenshot(path=str(artifacts / "consent-de-after.png"), full_page=True)
    assert watch.problems == []


def test_us_viewers_get_do_not_sell_and_gpc_is_honoured(
    browser: Any, site: Site, watches: list[Watch]
) -> None:
    watch = _open(browser, watches, viewport={"width": 1280, "height": 900}, locale="en-US")
    page = watch.page()
    page.goto(f"{site.show_url}?lang=en&country=US")
    state = _consent_ready(page)
    # Opt-out model: runs until refused.
    assert (state["model"], state["analytics"], state["marketing"]) == ("opt_out", True, True)
    assert "opt out at any time" in page.locator("#cc-consent-banner .consent-text").inner_text()
    dns = page.get_by_role("button", name="Do Not Sell or Share My Personal Information")
    with page.expect_response(lambda r: r.url.endswith("/consents") and r.request.method == "PUT"):
        dns.click()
    page.get_by_text("You opted out of the sale and sharing").wait_for()
    assert page.evaluate("() => window.castcartConsent.get('marketing')") is False
    assert page.evaluate("() => window.castcartConsent.get('analytics')") is True
    assert _stored(site, page)["decisions"]["marketing"]["decision"] == "refused"

    # A browser sending Global Privacy Control: refused before the visitor does anything.
    gpc = _open(browser, watches, viewport={"width": 1280, "height": 900}, locale="en-US")
    gpc.context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })"
    )
    other = gpc.page()
    with other.expect_response(
        lambda r: r.url.endswith("/consents") and r.request.method == "PUT"
    ) as answer:
        other.goto(f"{site.show_url}?lang=en&country=US")
    assert answer.value.status == 200
    assert json.loads(answer.value.request.post_data)["source"] == "gpc"
    other.wait_for_function("() => window.castcartConsent.get('marketing') === false")
    history = _stored(site, other)["history"]
    assert [(r["purpose"], r["decision"], r["source"]) for r in history] == [
        ("marketing", "refused", "gpc")
    ]
    assert watch.problems == []
    assert gpc.problems == []


def test_the_widget_shows_the_label_and_banner_and_tells_the_host(
    browser: Any, site: Site, sponsored: None, watches: list[Watch]
) -> None:
    visitor = _open(browser, watches, viewport={"width": 1024, "height": 900})
    visitor.context.grant_permissions(["local-network-access"])
    page = visitor.page()
    other_site = site.url.replace("127.0.0.1", "localhost") + "/brand-site/"
    html = (
        "<!doctype html><html><head><title>Brand</title></head><body><h1>Our brand</h1>"
        f'<script src="{site.url}/widget.js" async></script>'
        f'<castcart-show store="{site.demo.slug}" show="{site.demo.show_id}" lang="es"'
        ' country="ES"></castcart-show></body></html>'
    )
    page.route(
        f"{other_site}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto(other_site)
    page.evaluate(
        "() => { window.__consent = []; document.addEventListener('castcart:consent',"
        " (e) => window.__consent.push(e.detail)); }"
    )
    frame = page.frame_locator("castcart-show iframe")
    assert frame.locator(".disclosure-label").inner_text() == "Publicidad"
    frame.locator("#cc-consent-banner").wait_for()
    frame.get_by_role("button", name="Aceptar todo").click()
    frame.locator("#cc-consent-banner").wait_for(state="hidden")
    page.wait_for_function("() => window.__consent.some((c) => c.analytics && c.marketing)")
    assert page.evaluate("() => document.querySelector('castcart-show').consent.analytics")
    assert visitor.problems == []


RAMADAN_NOW = datetime(2027, 2, 19, 10, 0, tzinfo=UTC)  # Friday 13:00 in Riyadh, in Ramadan


def test_admin_show_form_warns_and_offers_disclosure_and_iftar(
    browser: Any,
    site: Site,
    watches: list[Watch],
    artifacts: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner = _open(
        browser,
        watches,
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        timezone_id="Asia/Riyadh",
    )
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
    page.get_by_role("tab", name="Shows").click()
    form = page.locator("#cc-show-form")
    form.get_by_label("Title").fill("Ramadan gift sets")
    form.get_by_label("Scheduled for").fill("2027-02-19T12:30")  # Friday prayer, fasting
    form.get_by_label("Saudi Arabia (SA)").check()
    form.locator(".show-market").first.wait_for()
    others = form.locator(".show-market:checked").evaluate_all(
        "(boxes) => boxes.map((b) => b.value).filter((v) => v !== 'SA')"
    )
    for code in others:
        form.locator(f'.show-market[value="{code}"]').uncheck()
    iftar = form.get_by_label("Show an iftar countdown on the shopper page")
    assert iftar.is_hidden()
    form.get_by_label("Commercial relationship").select_option("gifted")
    form.get_by_label("Brand", exact=True).fill(BRAND)
    form.get_by_role("button", name="Check the time").click()
    warnings = page.locator("#cc-schedule-check .warn")
    warnings.first.wait_for()
    texts = " | ".join(warnings.all_inner_texts())
    assert "Jumuah in Riyadh" in texts
    assert "Ramadan fast in Riyadh" in texts
    assert page.locator("#cc-schedule-check .hint").count() >= 1  # a better slot
    iftar.wait_for()
    iftar.check()
    page.screenshot(path=str(artifacts / "admin-show-ramadan.png"), full_page=True)
    form.get_by_role("button", name="Schedule").click()
    page.get_by_role("link", name="Ramadan gift sets").wait_for()
    with httpx.Client(base_url=site.url, timeout=10) as http:
        staff = _staff(http, site)
        created = next(
            s
            for s in http.get("/api/v1/shows", headers=staff).json()
            if s["title"] == "Ramadan gift sets"
        )
    assert created["markets"] == ["SA"]
    assert (created["commercial_relationship"], created["disclosure_brand"]) == ("gifted", BRAND)
    assert created["iftar_countdown"] is True

    # On the shopper page, during Ramadan (the server's clock moved there), in Arabic.
    from castcart.pages import routes

    monkeypatch.setattr(routes, "utcnow", lambda: RAMADAN_NOW)
    shop = owner.page()
    shop.goto(f"{site.url}/s/{site.demo.slug}/shows/{created['id']}?lang=ar&country=SA")
    line = shop.locator("#cc-iftar")
    line.wait_for()
    assert "الإفطار في Riyadh" in line.inner_text()
    timer = line.locator(".iftar-countdown")
    shop.wait_for_function("(el) => el.textContent.length >= 5", arg=timer.element_handle())
    first = timer.inner_text()
    shop.wait_for_timeout(1200)
    assert timer.inner_text() != first  # it counts down
    assert shop.locator(".disclosure-label").inner_text() == "منتج مُهدى"  # gifted, SA
    shop.screenshot(path=str(artifacts / "shop-iftar-ar.png"), full_page=True)
    assert owner.problems == []
