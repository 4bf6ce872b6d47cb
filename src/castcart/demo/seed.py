"""Seed data: a cross-border accessories brand with a dozen products in several locales,
two warehouses, a live show with a showcase, a pinned product, live prices, a flash sale,
a coupon and a share-to-unlock offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.accounts.service import Role, add_staff, create_store
from castcart.assistant import service as assistant
from castcart.catalog import service as catalog
from castcart.catalog.schemas import ProductIn, WarehouseIn
from castcart.commerce import promotions
from castcart.commerce.schemas import CouponIn, ShareOfferIn
from castcart.commerce.taxsettings import save_settings
from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.demo.catalog_data import FAQ, PRODUCTS
from castcart.events import DomainEvent
from castcart.fulfillment.service import create_lane
from castcart.lingua import service as lingua
from castcart.shows import service as shows
from castcart.shows.schemas import FlashSaleIn, LivePriceIn, ShowIn

DEMO_SLUG = "lumen-demo"
DEMO_PASSWORD = "castcart-demo-password"  # noqa: S105 - printed for the demo on purpose


def _seed_shipping(session: Session, store: Store, berlin_id: str, jakarta_id: str) -> None:
    """Lanes from Berlin (Europe free at home, the rest by weight or flat express, Japan
    included) and from Jakarta (Southeast Asia): quotes show shipping and a delivery promise
    per market."""
    lanes: list[dict[str, Any]] = [
        {"warehouse_id": berlin_id, "carrier": "dhl", "destinations": ["DE"],
         "transit_days_min": 1, "transit_days_max": 2, "flat_amount": 0},
        {"warehouse_id": berlin_id, "carrier": "dhl", "destinations": ["EU", "CH", "GB", "NO"],
         "transit_days_min": 2, "transit_days_max": 4,
         "weight_bands": [[1000, 490], [5000, 790]], "extra_per_kg_amount": 100},
        {"warehouse_id": berlin_id, "carrier": "dhl-express", "service": "express",
         "destinations": ["US", "CA", "SA", "AE", "BR", "MX", "AU", "JP"],
         "transit_days_min": 3, "transit_days_max": 6, "flat_amount": 2500},
        {"warehouse_id": jakarta_id, "carrier": "ninjavan",
         "destinations": ["ID", "MY", "SG", "TH", "PH", "VN"],
         "transit_days_min": 1, "transit_days_max": 4, "flat_amount": 400},
    ]  # fmt: skip
    for lane in lanes:
        create_lane(
            session,
            store.id,
            **{
                "service": "standard",
                "currency": "EUR",
                "flat_amount": None,
                "weight_bands": None,
                "extra_per_kg_amount": None,
                "customs": None,
                **lane,
            },
        )
    save_settings(
        session,
        store,
        {
            "legal_name": "Lumen Accessories GmbH (demo)",
            "address": "Torstrasse 1, 10119 Berlin, Germany",
            "vat_number": "DE136695976",
        },
    )


@dataclass(frozen=True)
class DemoStore:
    store_id: str
    slug: str
    show_id: str
    owner_email: str
    host_email: str
    password: str


def seed_demo(db: Database) -> DemoStore:
    """Idempotent: a second run finds the demo store and returns it."""
    with db.write() as session:
        existing = session.scalar(select(Store).where(Store.slug == DEMO_SLUG))
        if existing is not None:
            show = shows.list_shows(session, existing.id)[0]
            return DemoStore(
                existing.id,
                DEMO_SLUG,
                show.id,
                "owner@lumen.example.com",
                "host@lumen.example.com",
                DEMO_PASSWORD,
            )
        store, _ = create_store(
            session,
            slug=DEMO_SLUG,
            name="Lumen Accessories",
            currency="EUR",
            country="DE",
            default_locale="en",
            owner_email="owner@lumen.example.com",
            owner_password=DEMO_PASSWORD,
        )
        add_staff(
            session,
            store.id,
            email="host@lumen.example.com",
            password=DEMO_PASSWORD,
            role=Role.HOST,
            display_name="Mia (host)",
        )
        add_staff(
            session,
            store.id,
            email="mod@lumen.example.com",
            password=DEMO_PASSWORD,
            role=Role.MODERATOR,
            display_name="Sam (moderator)",
        )
        berlin = catalog.create_warehouse(
            session,
            store.id,
            WarehouseIn(
                code="BER", name="Berlin", country="DE", priority=1, subdivision="BE", city="Berlin"
            ),
        )
        jakarta = catalog.create_warehouse(
            session,
            store.id,
            # no time zone given: Indonesia has four, Jakarta's (WIB) is derived from the city
            WarehouseIn(code="CGK", name="Jakarta", country="ID", priority=2, city="Jakarta"),
        )
        _seed_shipping(session, store, berlin.id, jakarta.id)
        # the audience's languages: chat and captions are translated into each of them;
        # the brand name is never translated
        lingua.set_store_languages(session, store.id, ["en", "es", "pt", "fr", "de", "id", "ar"])
        lingua.add_term(
            session, store.id, term="Lumen", source_lang=None, target_lang=None, translation=None
        )
        product_ids: list[str] = []
        variant_ids: list[str] = []
        handles: dict[str, str] = {}
        for n, item in enumerate(PRODUCTS):
            handle = item["handle"]
            titles: dict[str, str] = item["titles"]
            descriptions: dict[str, str] = item["descriptions"]
            product = catalog.create_product(
                session,
                store.id,
                store.currency,
                ProductIn.model_validate(
                    {
                        "handle": handle,
                        "attributes": item["attributes"],
                        "translations": [
                            {
                                "locale": loc,
                                "title": title,
                                "description": descriptions.get(loc, ""),
                            }
                            for loc, title in titles.items()
                        ],
                        "variants": [
                            {
                                "sku": f"{handle.upper()}-{suffix}" if suffix else handle.upper(),
                                "price_amount": item["price"],
                                "options": options,
                            }
                            for suffix, options in item["variants"]
                        ],
                        "images": [{"url": f"/demo-assets/{handle}.svg", "alt": titles["en"]}],
                    }
                ),
            )
            # the first variant (SKU ``HANDLE``, sorting first) is the card's default
            for m, variant in enumerate(product.variants):
                catalog.set_stock(
                    session, store.id, variant.id, berlin.id, (40 + 5 * n) if m == 0 else 12
                )
                catalog.set_stock(session, store.id, variant.id, jakarta.id, 15 if m == 0 else 4)
            variant = product.variants[0]
            product_ids.append(product.id)
            variant_ids.append(variant.id)
            handles[handle] = product.id
        for entry in FAQ:
            assistant.create_faq(
                session,
                store.id,
                topic=entry["topic"],
                product_id=handles.get(entry.get("handle", "")),
                texts={loc: {"question": q, "answer": a} for loc, (q, a) in entry["texts"].items()},
            )

        now = utcnow()
        outbox: list[DomainEvent] = []
        show = shows.create_show(
            session,
            store.id,
            ShowIn(
                title="Autumn drop: live from Berlin",
                description="New scarves, totes and travel gear, with live-only prices.",
                scheduled_at=now,
                markets=["DE", "FR", "US", "ID", "SA"],
            ),
        )
        shows.set_showcase(session, store.id, show.id, product_ids[:6])
        shows.transition(session, store.id, show.id, "live", outbox)
        shows.pin(session, store.id, show.id, product_ids[0], outbox)
        shows.set_live_prices(
            session,
            store.id,
            show.id,
            [
                LivePriceIn(variant_id=variant_ids[0], price_amount=4900),
                LivePriceIn(variant_id=variant_ids[1], price_amount=1900),
            ],
        )
        shows.create_flash_sale(
            session,
            store.id,
            show.id,
            FlashSaleIn(
                variant_id=variant_ids[2],
                price_amount=1999,
                quantity_cap=25,
                starts_at=now,
                ends_at=now + timedelta(hours=2),
            ),
            outbox,
        )
        promotions.create_coupon(
            session,
            store.id,
            CouponIn(code="LIVE10", kind="percent", percent_off=10, max_uses_per_customer=1),
        )
        promotions.create_share_offer(
            session, store.id, show.id, ShareOfferIn(percent_off=15, invites_required=3)
        )
        return DemoStore(
            store.id,
            DEMO_SLUG,
            show.id,
            "owner@lumen.example.com",
            "host@lumen.example.com",
            DEMO_PASSWORD,
        )
