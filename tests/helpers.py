"""A thin test client for the API: terse set-up for stores, products, shows and shoppers."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"

# A deliverable address per destination, for tests that are not about the address itself
# (checkout requires one). `country_area` is the state/province where the country has them.
ADDRESSES: dict[str, dict[str, str]] = {
    "DE": {"street_address": "Torstr. 1", "city": "Berlin", "postal_code": "10119"},
    "FR": {"street_address": "1 rue de Rivoli", "city": "Paris", "postal_code": "75001"},
    "PL": {"street_address": "ul. Marszałkowska 1", "city": "Warszawa", "postal_code": "00-001"},
    "NL": {"street_address": "Damrak 1", "city": "Amsterdam", "postal_code": "1012 JS"},
    "AT": {"street_address": "Ring 1", "city": "Wien", "postal_code": "1010"},
    "IT": {
        "street_address": "Via Roma 1",
        "city": "Roma",
        "country_area": "RM",
        "postal_code": "00184",
    },
    "ES": {
        "street_address": "Calle Mayor 1",
        "city": "Madrid",
        "country_area": "M",
        "postal_code": "28013",
    },
    "GB": {"street_address": "1 High St", "city": "London", "postal_code": "SW1A 1AA"},
    "CH": {"street_address": "Bahnhofstr. 1", "city": "Zürich", "postal_code": "8001"},
    "US": {
        "street_address": "1 Main St",
        "city": "Austin",
        "country_area": "TX",
        "postal_code": "78701",
    },
    "CA": {
        "street_address": "1 King St W",
        "city": "Toronto",
        "country_area": "ON",
        "postal_code": "M5H 1A1",
    },
    "BR": {
        "street_address": "Av. Paulista, 1000",
        "city": "São Paulo",
        "country_area": "SP",
        "postal_code": "01310-100",
    },
    "MX": {
        "street_address": "Av. Reforma 1",
        "city": "Ciudad de México",
        "country_area": "CDMX",
        "postal_code": "06600",
    },
    "AU": {
        "street_address": "1 George St",
        "city": "Sydney",
        "country_area": "NSW",
        "postal_code": "2000",
    },
    "JP": {
        "street_address": "1-1 Marunouchi",
        "city": "Chiyoda-ku",
        "country_area": "Tokyo",
        "postal_code": "100-0005",
    },
    "ID": {
        "street_address": "Jl. Sudirman 1",
        "city": "Jakarta Pusat",
        "country_area": "DKI Jakarta",
        "postal_code": "10220",
    },
    "SA": {"street_address": "King Fahd Rd 1", "city": "Riyadh", "postal_code": "12211"},
    "AE": {"street_address": "Sheikh Zayed Rd 1", "city": "Dubai", "country_area": "Dubai"},
    "SG": {"street_address": "1 Raffles Pl", "city": "Singapore", "postal_code": "048616"},
    "MY": {
        "street_address": "Jalan Ampang 1",
        "city": "Kuala Lumpur",
        "country_area": "Kuala Lumpur",
        "postal_code": "50450",
    },
    "TH": {
        "street_address": "1 Sukhumvit Rd",
        "city": "Bangkok",
        "country_area": "Bangkok",
        "postal_code": "10110",
    },
    "VN": {"street_address": "1 Le Loi", "city": "Quan 1"},
}


# Addresses in another state/province, where a test picks the tax region.
REGION_ADDRESSES: dict[tuple[str, str], dict[str, str]] = {
    ("US", "CA"): {
        "street_address": "1 Market St",
        "city": "San Francisco",
        "postal_code": "94105",
    },
    ("US", "NY"): {"street_address": "1 Broadway", "city": "New York", "postal_code": "10004"},
    ("US", "OR"): {"street_address": "1 SW Main St", "city": "Portland", "postal_code": "97204"},
    ("US", "WA"): {"street_address": "1 Pike St", "city": "Seattle", "postal_code": "98101"},
    ("CA", "QC"): {
        "street_address": "1 rue Sainte-Catherine",
        "city": "Montréal",
        "postal_code": "H3B 1A1",
    },
    ("CA", "BC"): {
        "street_address": "1 Granville St",
        "city": "Vancouver",
        "postal_code": "V6C 1T2",
    },
    ("CA", "AB"): {"street_address": "1 Stephen Ave", "city": "Calgary", "postal_code": "T2P 1J9"},
    ("BR", "RJ"): {
        "street_address": "Av. Atlântica, 1",
        "city": "Rio de Janeiro",
        "postal_code": "22010-000",
    },
    ("BR", "MG"): {
        "street_address": "Av. Afonso Pena, 1",
        "city": "Belo Horizonte",
        "postal_code": "30130-001",
    },
    ("BR", "BA"): {
        "street_address": "Av. Sete de Setembro, 1",
        "city": "Salvador",
        "postal_code": "40060-001",
    },
}


def address_for(country: str, region: str | None = None) -> dict[str, str]:
    address = {"name": "Alex Shopper", **ADDRESSES[country], "country_code": country}
    if region and region != address.get("country_area"):
        address.update(REGION_ADDRESSES.get((country, region), {}), country_area=region)
    return address


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def ok(self, method: str, url: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, url, **kwargs)
        assert response.status_code == expected, (response.status_code, response.text)
        return response.json() if response.content else None

    def store(
        self, slug: str | None = None, currency: str = "EUR", country: str = "DE"
    ) -> dict[str, Any]:
        slug = slug or f"store-{secrets.token_hex(4)}"
        body = {
            "slug": slug,
            "name": slug.title(),
            "currency": currency,
            "country": country,
            "owner_email": f"owner@{slug}.example.com",
            "owner_password": PASSWORD,
        }
        data = self.ok("POST", "/api/v1/stores", 201, json=body)
        data["headers"] = bearer(data["token"])
        return data

    def warehouse(
        self, store: dict[str, Any], code: str = "MAIN", country: str = "DE", priority: int = 100
    ) -> dict[str, Any]:
        return self.ok(
            "POST",
            "/api/v1/warehouses",
            201,
            headers=store["headers"],
            json={"code": code, "name": code, "country": country, "priority": priority},
        )

    def product(
        self,
        store: dict[str, Any],
        *,
        price: int = 2500,
        stock: int = 10,
        warehouse: dict[str, Any] | None = None,
        handle: str | None = None,
        attributes: dict[str, Any] | None = None,
        skus: int = 1,
    ) -> dict[str, Any]:
        handle = handle or f"p-{secrets.token_hex(4)}"
        body = {
            "handle": handle,
            "translations": [
                {"locale": "en", "title": f"Product {handle}"},
                {"locale": "de", "title": f"Produkt {handle}"},
            ],
            "images": [{"url": "https://cdn.example.com/p.jpg", "alt": "front"}],
            "attributes": attributes or {"material": "cotton", "category": "clothing"},
            "variants": [
                {"sku": f"{handle}-{n}", "price_amount": price, "options": {"size": str(n)}}
                for n in range(skus)
            ],
        }
        product = self.ok("POST", "/api/v1/products", 201, headers=store["headers"], json=body)
        if warehouse is not None:
            for variant in product["variants"]:
                self.stock(store, variant["id"], warehouse["id"], stock)
        return product

    def stock(
        self, store: dict[str, Any], variant_id: str, warehouse_id: str, quantity: int
    ) -> dict[str, Any]:
        return self.ok(
            "PUT",
            f"/api/v1/variants/{variant_id}/stock/{warehouse_id}",
            headers=store["headers"],
            json={"quantity": quantity},
        )

    def show(
        self,
        store: dict[str, Any],
        products: list[dict[str, Any]] | None = None,
        live: bool = False,
    ) -> dict[str, Any]:
        show = self.ok(
            "POST",
            "/api/v1/shows",
            201,
            headers=store["headers"],
            json={"title": "Launch night", "scheduled_at": "2026-12-01T18:00:00Z"},
        )
        if products:
            self.ok(
                "PUT",
                f"/api/v1/shows/{show['id']}/showcase",
                headers=store["headers"],
                json={"product_ids": [p["id"] for p in products]},
            )
        if live:
            self.ok(
                "POST",
                f"/api/v1/shows/{show['id']}/transition",
                headers=store["headers"],
                json={"to": "live"},
            )
        return show

    def shopper(self, store: dict[str, Any], country: str = "DE") -> dict[str, Any]:
        data = self.ok(
            "POST",
            f"/api/v1/shop/{store['store']['slug']}/sessions",
            201,
            json={"locale": "en", "country": country},
        )
        data["headers"] = bearer(data["token"])
        data["slug"] = store["store"]["slug"]
        return data

    def add_to_cart(
        self,
        shopper: dict[str, Any],
        variant_id: str,
        quantity: int = 1,
        show_id: str | None = None,
    ) -> dict[str, Any]:
        if show_id:
            self.ok(
                "PATCH",
                f"/api/v1/shop/{shopper['slug']}/cart",
                headers=shopper["headers"],
                json={"show_id": show_id},
            )
        return self.ok(
            "POST",
            f"/api/v1/shop/{shopper['slug']}/cart/lines",
            headers=shopper["headers"],
            json={"variant_id": variant_id, "quantity": quantity},
        )

    def checkout(
        self, shopper: dict[str, Any], key: str | None = None, expected: int = 201, **body: Any
    ) -> Any:
        headers = {**shopper["headers"], "Idempotency-Key": key or secrets.token_hex(8)}
        if "shipping_address" not in body:  # checkout requires where to ship and whom to tell
            country = body.get("country") or shopper["shopper"]["country"] or "DE"
            body["shipping_address"] = address_for(country, body.get("region"))
            body.setdefault("contact_email", "alex@example.com")
        elif body["shipping_address"] is None:
            del body["shipping_address"]
        return self.ok(
            "POST", f"/api/v1/shop/{shopper['slug']}/checkout", expected, headers=headers, json=body
        )

    def pay(self, shopper: dict[str, Any], order_id: str, outcome: str = "succeeded") -> Any:
        payment = self.ok(
            "POST",
            f"/api/v1/shop/{shopper['slug']}/orders/{order_id}/payments",
            201,
            headers=shopper["headers"],
        )
        return self.ok(
            "POST", f"/api/v1/sandbox/payments/{payment['reference']}", json={"outcome": outcome}
        )

    def variant_stock(self, store: dict[str, Any], product_id: str) -> list[dict[str, Any]]:
        product = self.ok("GET", f"/api/v1/products/{product_id}", headers=store["headers"])
        return product["variants"][0]["stock"]  # type: ignore[no-any-return]
