"""The shopping assistant in real Chromium on the demo store: a Spanish-speaking shopper in
Mexico asks in the chat whether the store ships to Mexico and reads the lane (carrier,
warehouse, business days) and the delivery window in Spanish; then asks on a product card
what it is made of; the host sees a question the assistant could not answer in the console's
queue, with the draft, and answers it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date
from sqlalchemy import select

from castcart.catalog.models import Warehouse as WarehouseRow
from castcart.fulfillment.models import ShippingLane
from castcart.fulfillment.promise import delivery_promise
from castcart.fulfillment.service import to_lane, to_warehouse
from tests.pages.conftest import Site
from tests.pages.test_browser import PHONE, Watch, _connected, _open, contexts  # noqa: F401 (fixture)

FIRST_ANSWER_MS = 120_000  # the first question builds the store's knowledge base (embeddings)


def _mexico_promise(site: Site) -> tuple[Any, Any]:
    with site.app.state.ctx.db.read() as session:
        lanes = session.scalars(
            select(ShippingLane).where(ShippingLane.store_id == site.demo.store_id)
        )
        lane = next(row for row in lanes if "MX" in row.destinations)
        warehouse = session.get(WarehouseRow, lane.warehouse_id)
        assert warehouse is not None
        promise = delivery_promise(
            datetime.now(UTC),
            to_warehouse(warehouse),
            to_lane(lane, warehouse, ["MX"]),
            destination_country="MX",
        )
        return lane, promise


def test_spanish_shopper_asks_about_shipping_to_mexico(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
    artifacts: Path,
) -> None:
    shopper = _open(browser, contexts, viewport=PHONE, locale="es-MX", is_mobile=True)
    page = shopper.page()
    page.goto(f"{site.show_url}?lang=es")
    _connected(page)
    page.get_by_label("Tu mensaje").fill("¿Hacen envíos a México?")
    page.get_by_role("button", name="Enviar").click()
    answer = page.locator("#cc-chat .chat-line.role-assistant .chat-text", has_text="México")
    answer.wait_for(timeout=FIRST_ANSWER_MS)
    text = answer.inner_text()
    lane, promise = _mexico_promise(site)
    assert "Enviamos a México desde Berlin con DHL Express" in text
    assert f"de {lane.transit_days_min} a {lane.transit_days_max} días hábiles" in text
    assert format_date(promise.latest_date, format="medium", locale="es") in text
    assert "Fuente: tabla de envíos" in text
    assert page.locator("#cc-chat .chat-line.role-assistant .chat-author").first.inner_text() == (
        "Asistente"
    )

    # the Ask box of the pinned card (the silk scarf): answered in the card, not the chat
    card = page.locator(".card.is-pinned")
    card.get_by_label("Pregunta por este producto").fill("¿De qué material es?")
    card.get_by_role("button", name="Preguntar").click()
    reply = card.locator(".ask-answer")
    reply.filter(has_text="seda").wait_for()
    assert "Pañuelo de seda está hecho de seda" in reply.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(artifacts / "assistant-es-mx.png"), full_page=True)
    assert shopper.problems == []


def test_host_answers_a_handed_off_question_from_the_console(
    browser: Any,
    site: Site,
    contexts: list[Watch],  # noqa: F811
) -> None:
    shopper = _open(browser, contexts, viewport=PHONE, locale="en-US")
    page = shopper.page()
    page.goto(f"{site.show_url}?lang=en")
    _connected(page)
    page.get_by_label("Your message").fill("@assistant is the scarf waterproof?")
    page.get_by_role("button", name="Send", exact=True).click()
    said = page.locator(
        "#cc-chat .chat-line.role-assistant .chat-text", has_text="passed your question"
    )
    said.wait_for(timeout=FIRST_ANSWER_MS)
    assert "waterproof" not in said.inner_text().lower()

    host = _open(browser, contexts, viewport={"width": 1280, "height": 900}, locale="en-GB")
    console = host.page()
    console.goto(f"{site.url}/console/shows/{site.demo.show_id}")
    console.get_by_label("Store").fill(site.demo.slug)
    console.get_by_label("Email").fill(site.demo.host_email)
    console.get_by_label("Password").fill(site.demo.password)
    console.get_by_role("button", name="Log in").click()
    question = console.locator("#cc-questions .question", has_text="is the scarf waterproof?")
    question.wait_for()
    question.locator("textarea").fill("Silk is not waterproof; keep it out of the rain.")
    question.get_by_role("button", name="Send answer").click()
    question.wait_for(state="detached")
    page.locator(
        "#cc-chat .chat-line.role-host .chat-text", has_text="keep it out of the rain"
    ).wait_for()
    assert shopper.problems == []
    assert host.problems == []
