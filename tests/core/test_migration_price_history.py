"""Migration 0022 backfills the price history from what the database already holds: each
variant's catalog price since its product's creation, flash sales with their windows, live
prices of shows that went live with the live window, and the show's markets."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from castcart.core.migrate import upgrade


def test_backfill_of_existing_prices(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'castcart.db'}"
    upgrade(url, "0021")
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO stores (id, slug, name, currency, default_locale, country, created_at)"
                " VALUES ('s1', 's1', 'S1', 'EUR', 'de', 'DE', '2026-01-01 00:00:00')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO products (id, store_id, handle, status, attributes, created_at,"
                " updated_at) VALUES ('p1', 's1', 'tote', 'active', '{}',"
                " '2026-03-01 09:00:00', '2026-03-01 09:00:00')"
            )
        )
        for vid, amount in (("v1", 9900), ("v2", 4500)):
            c.execute(
                sa.text(
                    "INSERT INTO variants (id, store_id, product_id, sku, options, price_amount,"
                    " currency) VALUES (:id, 's1', 'p1', :id, '{}', :amount, 'EUR')"
                ),
                {"id": vid, "amount": amount},
            )
        c.execute(
            sa.text(
                "INSERT INTO shows (id, store_id, title, description, status, scheduled_at,"
                " started_at, ended_at, stream_key, markets, created_at) VALUES ('sh1', 's1',"
                " 'Show', '', 'ended', '2026-11-01 18:00:00', '2026-11-01 18:02:00',"
                " '2026-11-01 19:00:00', 'key1', 'FR,DE', '2026-10-01 00:00:00')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO shows (id, store_id, title, description, status, scheduled_at,"
                " stream_key, markets, created_at) VALUES ('sh2', 's1', 'Later', '',"
                " 'scheduled', '2027-01-01 18:00:00', 'key2', '', '2026-10-01 00:00:00')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO live_prices (id, show_id, variant_id, price_amount) VALUES"
                " ('l1', 'sh1', 'v1', 6900), ('l2', 'sh2', 'v1', 5900)"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO flash_sales (id, store_id, show_id, variant_id, price_amount,"
                " quantity_cap, sold, starts_at, ends_at, created_at) VALUES ('f1', 's1', 'sh1',"
                " 'v1', 4900, 10, 3, '2026-11-01 18:30:00', '2026-11-01 18:40:00',"
                " '2026-11-01 18:00:00')"
            )
        )
    upgrade(url, "head")
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT variant_id, kind, amount, currency, show_id, flash_sale_id, markets,"
                " starts_at, ends_at, note FROM price_changes ORDER BY variant_id, kind, amount"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (
            "v1",
            "flash",
            4900,
            "EUR",
            "sh1",
            "f1",
            "FR,DE",
            "2026-11-01 18:30:00.000000",
            "2026-11-01 18:40:00.000000",
            "backfill",
        ),
        ("v1", "list", 9900, "EUR", None, None, "", "2026-03-01 09:00:00.000000", None, "backfill"),
        # the scheduled show's live price has not applied: no window yet
        ("v1", "live", 5900, "EUR", "sh2", None, "", None, None, "backfill"),
        (
            "v1",
            "live",
            6900,
            "EUR",
            "sh1",
            None,
            "FR,DE",
            "2026-11-01 18:02:00.000000",
            "2026-11-01 19:00:00.000000",
            "backfill",
        ),
        ("v2", "list", 4500, "EUR", None, None, "", "2026-03-01 09:00:00.000000", None, "backfill"),
    ]
