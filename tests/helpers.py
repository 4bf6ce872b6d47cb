"""A thin test client for the API: terse set-up for stores, products, shows and shoppers."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"


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
