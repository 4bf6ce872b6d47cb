"""Products, variants, localized content, attributes, warehouses and stock through HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import Api


def test_create_and_read_product(api: Api) -> None:
    store = api.store()
    product = api.ok(
        "POST",
        "/api/v1/products",
        201,
        headers=store["headers"],
        json={
            "handle": "power-bank",
            "translations": [
                {"locale": "en", "title": "Power bank 5000"},
                {"locale": "es", "title": "Batería externa 5000"},
                {"locale": "ar", "title": "باور بانك"},
            ],
            "images": [
                {"url": "https://cdn.example.com/pb.jpg", "alt": "front"},
                {"url": "/static/pb-side.jpg"},
            ],
            "attributes": {
                "capacity": "5000 mAh",
                "power": "20 W",
                "origin": "CN",
                "certifications": ["CE", "FCC"],
                "category": "electronics",
            },
            "variants": [
                {
                    "sku": "PB-BLK",
                    "options": {"colour": "black"},
                    "price_amount": 2999,
                    "weight_grams": 180,
                },
                {"sku": "PB-WHT", "options": {"colour": "white"}, "price_amount": 2999},
            ],
        },
    )
    assert [t["locale"] for t in product["translations"]] == ["ar", "en", "es"]
    assert product["attributes"]["certifications"] == ["CE", "FCC"]
    assert {v["currency"] for v in product["variants"]} == {"EUR"}
    fetched = api.ok("GET", f"/api/v1/products/{product['id']}", headers=store["headers"])
    assert fetched == product


def test_product_input_errors(client: TestClient, api: Api) -> None:
    store = api.store()
    h = store["headers"]
    good = {
        "handle": "mug",
        "translations": [{"locale": "en", "title": "Mug"}],
        "variants": [{"sku": "MUG-1", "price_amount": 1200}],
    }
    cases = [
        ({**good, "handle": "Bad Handle"}, 422),
        ({**good, "variants": []}, 422),
        ({**good, "translations": []}, 422),
        ({**good, "attributes": {"colour_of_sky": "blue"}}, 422),
        ({**good, "variants": [{"sku": "MUG-1", "price_amount": -1}]}, 422),
        ({**good, "variants": [{"sku": "MUG-1", "price_amount": 12.5}]}, 422),
        ({**good, "unexpected": True}, 422),
        (
            {
                **good,
                "translations": [{"locale": "en", "title": "A"}, {"locale": "en", "title": "B"}],
            },
            409,
        ),
        (
            {
                **good,
                "variants": [{"sku": "D", "price_amount": 1}, {"sku": "D", "price_amount": 1}],
            },
            409,
        ),
    ]
    for body, status in cases:
        response = client.post("/api/v1/products", headers=h, json=body)
        assert response.status_code == status, (body, response.text)
    api.ok("POST", "/api/v1/products", 201, headers=h, json=good)
    again = client.post("/api/v1/products", headers=h, json=good)
    assert again.json()["code"] == "handle_taken"
    sku_clash = client.post("/api/v1/products", headers=h, json={**good, "handle": "mug-2"})
    assert sku_clash.json()["code"] == "sku_taken"
    # Nothing of the rejected requests was written.
    assert len(api.ok("GET", "/api/v1/products", headers=h)) == 1
    not_json = client.post(
        "/api/v1/products", headers={**h, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert not_json.status_code == 422


def test_update_product_and_variants(client: TestClient, api: Api) -> None:
    store = api.store()
    h = store["headers"]
    product = api.product(store)
    updated = api.ok(
        "PATCH",
        f"/api/v1/products/{product['id']}",
        headers=h,
        json={"translations": [{"locale": "fr", "title": "Écharpe"}], "status": "draft"},
    )
    assert [t["locale"] for t in updated["translations"]] == ["fr"]
    assert updated["status"] == "draft"
    variant = api.ok(
        "POST",
        f"/api/v1/products/{product['id']}/variants",
        201,
        headers=h,
        json={"sku": "EXTRA-1", "price_amount": 999, "options": {"size": "XL"}},
    )
    assert variant["currency"] == "EUR"
    patched = api.ok(
        "PATCH", f"/api/v1/variants/{variant['id']}", headers=h, json={"price_amount": 899}
    )
    assert patched["price_amount"] == 899
    assert client.get("/api/v1/products/" + "0" * 32, headers=h).status_code == 404


def test_stock_per_warehouse(client: TestClient, api: Api) -> None:
    store = api.store()
    h = store["headers"]
    berlin = api.warehouse(store, "BER", "DE", priority=1)
    jakarta = api.warehouse(store, "CGK", "ID", priority=2)
    dup = client.post(
        "/api/v1/warehouses", headers=h, json={"code": "BER", "name": "again", "country": "DE"}
    )
    assert dup.status_code == 409
    product = api.product(store, stock=0)
    variant_id = product["variants"][0]["id"]
    api.stock(store, variant_id, berlin["id"], 7)
    api.stock(store, variant_id, jakarta["id"], 3)
    stock = api.variant_stock(store, product["id"])
    assert [(s["warehouse_code"], s["quantity"]) for s in stock] == [("BER", 7), ("CGK", 3)]
    negative = client.put(
        f"/api/v1/variants/{variant_id}/stock/{berlin['id']}", headers=h, json={"quantity": -1}
    )
    assert negative.status_code == 422

    shopper = api.shopper(store)
    api.add_to_cart(shopper, variant_id, 6)
    api.checkout(shopper)
    below = client.put(
        f"/api/v1/variants/{variant_id}/stock/{berlin['id']}", headers=h, json={"quantity": 2}
    )
    assert below.status_code == 409
    assert below.json() == {
        "code": "stock_below_reserved",
        "message": "6 units are reserved by unpaid orders; stock cannot go below that",
        "details": {"reserved": 6},
    }
    api.stock(store, variant_id, berlin["id"], 6)


def test_storefront_hides_drafts_and_warehouse_detail(client: TestClient, api: Api) -> None:
    store = api.store("shopfront")
    warehouse = api.warehouse(store)
    visible = api.product(store, warehouse=warehouse, stock=4)
    hidden = api.product(store)
    api.ok(
        "PATCH",
        f"/api/v1/products/{hidden['id']}",
        headers=store["headers"],
        json={"status": "draft"},
    )
    listing = api.ok("GET", "/api/v1/shop/shopfront/products")
    assert [p["id"] for p in listing] == [visible["id"]]
    assert listing[0]["variants"][0]["available"] == 4
    assert listing[0]["variants"][0]["stock"] == []
    assert client.get(f"/api/v1/shop/shopfront/products/{hidden['id']}").status_code == 404
    assert client.get("/api/v1/shop/shopfront/products?limit=0").status_code == 422
