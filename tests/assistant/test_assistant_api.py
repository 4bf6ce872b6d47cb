"""The assistant over HTTP on the demo store: grounded answers in the shopper's language with
their source, live price and stock read at answer time, the knowledge base following catalog
changes, hand-offs to the host's queue, refusals to invent, and the merchant's FAQ."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date
from fastapi.testclient import TestClient
from sqlalchemy import select

from castcart.catalog.models import Product, Variant
from castcart.catalog.models import Warehouse as WarehouseRow
from castcart.demo.seed import DemoStore
from castcart.fulfillment.models import ShippingLane
from castcart.fulfillment.promise import delivery_promise
from castcart.fulfillment.service import to_lane, to_warehouse
from castcart.web.context import AppContext
from tests.assistant.conftest import ask, shopper
from tests.helpers import Api


def _ctx(client: TestClient) -> AppContext:
    return client.app.state.ctx  # type: ignore[attr-defined,no-any-return]


def test_spanish_shopper_gets_the_lane_and_promise_to_mexico(
    client: TestClient, api: Api, demo: DemoStore
) -> None:
    lucia = shopper(api, demo, "es", "MX")
    answer = ask(api, demo, lucia, "¿Hacen envíos a México?")
    assert answer["status"] == "answered", answer
    assert answer["lang"] == "es"
    with _ctx(client).db.read() as session:
        lanes = session.scalars(select(ShippingLane).where(ShippingLane.store_id == demo.store_id))
        lane = next(row for row in lanes if "MX" in row.destinations)
        warehouse = session.get(WarehouseRow, lane.warehouse_id)
        assert warehouse is not None
        promise = delivery_promise(
            datetime.now(UTC), to_warehouse(warehouse), to_lane(lane, warehouse, ["MX"]),
            destination_country="MX",
        )  # fmt: skip
    text = answer["text"]
    assert "México" in text
    assert "DHL Express" in text
    assert "Berlin" in text
    assert f"de {lane.transit_days_min} a {lane.transit_days_max} días hábiles" in text
    assert format_date(promise.latest_date, format="medium", locale="es") in text
    assert "25,00" in text  # the lane's flat rate, in Spanish notation
    assert answer["sources"] == [
        {"kind": "shipping", "label": "tabla de envíos", "ref": f"lane:{lane.id}"}
    ]
    assert f"lane:{lane.id}" in answer["retrieved"]


def test_price_and_stock_are_read_live_not_from_the_index(
    client: TestClient, api: Api, demo: DemoStore, owner: dict[str, str]
) -> None:
    maya = shopper(api, demo, "en", "DE")
    first = ask(api, demo, maya, "How much is the leather wallet?")
    assert first["status"] == "answered", first
    assert "€45.00" in first["text"], first
    with _ctx(client).db.read() as session:
        variant = session.scalars(select(Variant).where(Variant.sku == "LEATHER-WALLET")).one()
    api.ok("PATCH", f"/api/v1/variants/{variant.id}", headers=owner, json={"price_amount": 3990})
    second = ask(api, demo, maya, "How much is the leather wallet?")
    assert "€39.90" in second["text"], second
    assert "45.00" not in second["text"], second
    assert second["sources"][0]["kind"] == "price"
    stock = ask(api, demo, maya, "Is the leather wallet in stock?")
    assert stock["status"] == "answered"
    assert stock["sources"][0]["kind"] == "stock"


def test_the_knowledge_base_follows_a_catalog_change(
    client: TestClient, api: Api, demo: DemoStore, owner: dict[str, str]
) -> None:
    maya = shopper(api, demo, "en", "DE")
    before = ask(api, demo, maya, "What is the notebook made of?")
    assert "paper" in before["text"], before
    with _ctx(client).db.read() as session:
        product = session.scalars(select(Product).where(Product.handle == "notebook-a5")).one()
        attributes = dict(product.attributes)
    attributes["material"] = "recycled paper"
    api.ok(
        "PATCH", f"/api/v1/products/{product.id}", headers=owner, json={"attributes": attributes}
    )
    after = ask(api, demo, maya, "What is the notebook made of?")
    assert "recycled paper" in after["text"], after


def test_a_property_nobody_wrote_down_is_never_invented_and_goes_to_the_host(
    api: Api, demo: DemoStore, host: dict[str, str]
) -> None:
    maya = shopper(api, demo, "en", "DE")
    answer = ask(api, demo, maya, "Is the kids raincoat waterproof?")
    assert answer["status"] == "handoff", answer
    assert answer["reason"] == "not_in_data", answer
    assert "waterproof" not in answer["text"].lower()
    assert "host" in answer["text"]
    queue = api.ok("GET", f"/api/v1/assistant/handoffs?show_id={demo.show_id}", headers=host)
    entry = next(q for q in queue if q["id"] == answer["handoff_id"])
    assert entry["question"] == "Is the kids raincoat waterproof?"
    assert entry["reason"] == "not_in_data"
    assert entry["status"] == "open"
    # the host answers; the queue entry is closed and cannot be answered twice
    done = api.ok(
        "POST",
        f"/api/v1/assistant/handoffs/{entry['id']}/answer",
        headers=host,
        json={"answer": "It is made of polyester; we have not tested it for waterproofness."},
    )
    assert done["status"] == "answered"
    again = api.client.post(
        f"/api/v1/assistant/handoffs/{entry['id']}/answer", headers=host, json={"answer": "x"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "handoff_closed"


def test_ambiguous_and_comparison_questions(api: Api, demo: DemoStore) -> None:
    maya = shopper(api, demo, "en", "DE")
    blue = ask(api, demo, maya, "Does the blue one come in M?")
    assert blue["status"] == "clarify", blue
    assert "Linen shirt" in blue["text"]
    assert "Silk scarf" in blue["text"]
    cheaper = ask(api, demo, maya, "Which is cheaper, the scarf or the wallet?")
    assert cheaper["status"] == "answered", cheaper
    # the scarf's live show price (€49.00) against the wallet's list price (€45.00)
    assert cheaper["text"].startswith("Leather wallet (€45.00) is cheaper than Silk scarf (€49.00)")
    on_card = ask(api, demo, maya, "What is it made of?", product_id=blue_product(api, demo))
    assert on_card["status"] == "answered"
    assert "linen" in on_card["text"]


def blue_product(api: Api, demo: DemoStore) -> str:
    products = api.ok("GET", f"/api/v1/shop/{demo.slug}/products")
    return next(p["id"] for p in products if p["handle"] == "linen-shirt")


def test_answers_come_in_the_shoppers_language_with_their_source(api: Api, demo: DemoStore) -> None:
    cases = [
        ("de", "DE", "Wie schwer ist die Powerbank?", "120 g", "attribute"),
        ("fr", "FR", "Quelle est la garantie de la batterie externe ?", "24 mois", "attribute"),
        ("id", "ID", "Berapa harga syalnya?", "€49,00", "price"),
        ("ar", "SA", "ما هي سياسة الإرجاع؟", "30", "faq"),
        ("es", "ES", "¿Se puede lavar la taza en el lavavajillas?", "lavavajillas", "attribute"),
    ]
    for locale, country, question, expected, source in cases:
        who = shopper(api, demo, locale, country)
        answer = ask(api, demo, who, question)
        assert answer["status"] == "answered", (question, answer)
        assert answer["lang"] == locale
        assert expected in answer["text"], (question, answer["text"])
        assert answer["sources"][0]["kind"] == source


def test_faq_admin_validates_and_is_store_private(
    api: Api, demo: DemoStore, owner: dict[str, str], host: dict[str, str]
) -> None:
    bad = api.client.post(
        "/api/v1/assistant/faq",
        headers=owner,
        json={"topic": "returns", "texts": {"en": {"question": "Q?", "answer": " "}}},
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_faq"
    wrong_topic = api.client.post(
        "/api/v1/assistant/faq",
        headers=owner,
        json={"topic": "gossip", "texts": {"en": {"question": "Q?", "answer": "A."}}},
    )
    assert wrong_topic.status_code == 422
    assert (
        api.client.post(
            "/api/v1/assistant/faq",
            headers=host,
            json={"topic": "general", "texts": {"en": {"question": "Q?", "answer": "A."}}},
        ).status_code
        == 403
    )  # hosts read, owners write
    entry = api.ok(
        "POST",
        "/api/v1/assistant/faq",
        201,
        headers=owner,
        json={
            "topic": "payment",
            "texts": {"en": {"question": "Do you take gift cards?", "answer": "Not yet."}},
        },
    )
    other = api.store()
    assert (
        api.client.delete(
            f"/api/v1/assistant/faq/{entry['id']}", headers=other["headers"]
        ).status_code
        == 404
    )
    maya = shopper(api, demo, "en", "DE")
    answer = ask(api, demo, maya, "Do you take gift cards?")
    assert answer["status"] == "answered", answer
    assert "Not yet." in answer["text"], answer
    assert answer["sources"][0] == {"kind": "faq", "label": "FAQ", "ref": f"faq:{entry['id']}"}
    api.ok("DELETE", f"/api/v1/assistant/faq/{entry['id']}", 204, headers=owner)
    assert all(e["id"] != entry["id"] for e in api.ok("GET", "/api/v1/assistant/faq", headers=host))


def test_an_answer_the_compliance_checker_refuses_is_not_sent(
    api: Api, demo: DemoStore, owner: dict[str, str]
) -> None:
    api.ok(
        "POST",
        "/api/v1/assistant/faq",
        201,
        headers=owner,
        json={
            "topic": "general",
            "product_id": blue_product(api, demo),
            "texts": {
                "en": {
                    "question": "Is the linen shirt good for eczema?",
                    "answer": "Yes, linen cures eczema.",
                }
            },
        },  # fmt: skip
    )
    maya = shopper(api, demo, "en", "US")
    answer = ask(api, demo, maya, "Is the linen shirt good for eczema?")
    assert answer["status"] == "handoff", answer
    assert answer["reason"] == "compliance", answer
    assert "cures" not in answer["text"]
    assert any(f["category"] == "medical_claim" for f in answer["findings"])


def test_bad_questions_get_clear_errors(api: Api, demo: DemoStore) -> None:
    maya = shopper(api, demo, "en", "DE")
    url = f"/api/v1/shop/{demo.slug}/assistant/ask"
    empty = api.client.post(url, headers=maya["headers"], json={"question": ""})
    assert empty.status_code == 422
    only_mention = api.client.post(url, headers=maya["headers"], json={"question": "@assistant"})
    assert only_mention.status_code == 422
    assert only_mention.json()["code"] == "invalid_question"
    unknown_show = api.client.post(
        url, headers=maya["headers"], json={"question": "price?", "show_id": "nope"}
    )
    assert unknown_show.status_code == 404
    assert api.client.post(url, json={"question": "price?"}).status_code == 401
