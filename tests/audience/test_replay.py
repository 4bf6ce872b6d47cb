"""The shoppable replay over HTTP: chapters from the show's own audit log placed in the
recording (an interruption is a gap the HLS does not have), the product track, caption
tracks, buying at the replay's prices (live prices end with the show unless kept, flash
sales always), the store page's replay list, seller deletion and retention (media gone)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from castcart.audience.replay import Span, media_offset, sweep_expired
from castcart.core.clock import utcnow
from castcart.shows.models import Show
from tests.audience.replays import recorded_show
from tests.helpers import Api


def test_media_offset_skips_the_gaps() -> None:
    t0 = utcnow()
    spans = [Span(t0, t0 + timedelta(seconds=6)), Span(t0 + timedelta(seconds=36), None)]
    assert media_offset(spans, t0 - timedelta(seconds=5)) == 0
    assert media_offset(spans, t0 + timedelta(seconds=2)) == 2
    assert media_offset(spans, t0 + timedelta(seconds=20)) == 6  # in the gap
    assert media_offset(spans, t0 + timedelta(seconds=40)) == 10


@pytest.fixture
def media_dir(app: FastAPI) -> Path:
    return Path(app.state.ctx.settings.effective_media_dir)


def test_the_replay_timeline_comes_from_the_shows_events(
    api: Api, app: FastAPI, media_dir: Path
) -> None:
    rec = recorded_show(api, app.state.ctx.db, media_dir)
    a, b = rec.products
    replay = api.ok("GET", f"/api/v1/shop/{rec.slug}/shows/{rec.show_id}/replay?lang=de")
    assert replay["hls_url"] == f"/media/shows/{rec.show_id}/master.m3u8"
    assert 11.5 <= replay["duration"] <= 12.5
    chapters = [(c["offset"], c["kind"], c["label"], c["product_id"]) for c in replay["chapters"]]
    assert chapters == [
        (1.0, "pin", f"Produkt {a['handle']}", a["id"]),
        (3.0, "flash_sale", f"Produkt {b['handle']}", b["id"]),
        (5.0, "poll", "Which colour next?", None),
        (6.0, "giveaway", "Free beanie", None),  # opened while the encoder was away
        (8.0, "pin", f"Produkt {b['handle']}", b["id"]),
    ]
    assert replay["product_track"] == [[1.0, a["id"]], [3.0, b["id"]], [8.0, b["id"]]]
    assert [c["lang"] for c in replay["captions"]] == ["de", "en"]
    vtt = api.client.get(replay["captions"][0]["url"])
    assert vtt.status_code == 200
    assert "Hallo und willkommen" in vtt.text
    # the page: chapters as buttons, captions as selectable tracks, a replay boot block
    page = api.client.get(f"/s/{rec.slug}/replays/{rec.show_id}?lang=de")
    assert page.status_code == 200
    assert page.text.count('class="chapter chapter-') == 5
    assert 'data-offset="8.0"' in page.text
    assert '<track kind="subtitles" srclang="de" label="Deutsch"' in page.text
    assert '"replay":' in page.text
    # the ended show's page points at its replay; the store page lists it
    assert (
        f"/s/{rec.slug}/replays/{rec.show_id}"
        in api.client.get(f"/s/{rec.slug}/shows/{rec.show_id}").text
    )
    assert f"/s/{rec.slug}/replays/{rec.show_id}" in api.client.get(f"/s/{rec.slug}/shows").text


def test_a_show_pinned_through_the_api_gets_its_chapter(api: Api, app: FastAPI) -> None:
    """The real path: the host pins, the audit recorder writes it, the replay reads it."""
    store = api.store()
    product = api.product(store)
    show = api.show(store, products=[product], live=True)
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/pin",
        headers=store["headers"],
        json={"product_id": product["id"]},
    )
    from castcart.audit.recorder import AuditRecorder

    recorder = app.state.ctx.services.get(AuditRecorder)
    if recorder is not None:
        recorder.flush()
    from castcart.media.models import StreamSession

    with app.state.ctx.db.write() as session:
        session.add(
            StreamSession(
                show_id=show["id"],
                store_id=store["store"]["id"],
                source="embedded",
                started_at=utcnow() - timedelta(seconds=30),
            )
        )
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/transition",
        headers=store["headers"],
        json={"to": "ended"},
    )
    replay = api.ok("GET", f"/api/v1/shop/{store['store']['slug']}/shows/{show['id']}/replay")
    [chapter] = replay["chapters"]
    assert chapter["kind"] == "pin"
    assert chapter["product_id"] == product["id"]
    assert 25 <= chapter["offset"] <= 35


def test_buying_on_the_replay_uses_the_replays_prices(
    api: Api, app: FastAPI, media_dir: Path
) -> None:
    rec = recorded_show(api, app.state.ctx.db, media_dir, captions=False)
    a = rec.products[0]
    shopper = api.shopper(rec.store)
    cart = api.add_to_cart(shopper, a["variants"][0]["id"], 1, show_id=rec.show_id)
    assert (
        cart["lines"][0]["unit_price_amount"] == 5000
    )  # the live price (3900) ended with the show
    page = api.client.get(f"/s/{rec.slug}/replays/{rec.show_id}?lang=en")
    assert "39.00" not in page.text
    assert "50.00" in page.text
    api.ok(
        "PUT",
        f"/api/v1/shows/{rec.show_id}/replay/prices",
        headers=rec.store["headers"],
        json={"keep_live_prices": True},
    )
    again = api.ok("GET", f"/api/v1/shop/{rec.slug}/cart", headers=shopper["headers"])
    assert again["lines"][0]["unit_price_amount"] == 3900  # the seller kept it
    assert "39.00" in api.client.get(f"/s/{rec.slug}/replays/{rec.show_id}?lang=en").text


def test_deleting_a_replay_deletes_its_media(api: Api, app: FastAPI, media_dir: Path) -> None:
    rec = recorded_show(api, app.state.ctx.db, media_dir)
    folder = media_dir / "shows" / rec.show_id
    assert (folder / "360p" / "index.m3u8").is_file()
    host_show = api.show(rec.store)
    early = api.client.delete(
        f"/api/v1/shows/{host_show['id']}/replay", headers=rec.store["headers"]
    )
    assert early.status_code == 409
    other = api.store()
    assert (
        api.client.delete(
            f"/api/v1/shows/{rec.show_id}/replay", headers=other["headers"]
        ).status_code
        == 404
    )
    api.ok("DELETE", f"/api/v1/shows/{rec.show_id}/replay", 204, headers=rec.store["headers"])
    assert not folder.exists()
    assert api.client.get(f"/media/shows/{rec.show_id}/master.m3u8").status_code == 404
    assert api.client.get(f"/api/v1/shop/{rec.slug}/shows/{rec.show_id}/replay").status_code == 404
    assert api.client.get(f"/s/{rec.slug}/replays/{rec.show_id}").status_code == 404
    shown = api.ok("GET", f"/api/v1/shop/{rec.slug}/shows/{rec.show_id}")
    assert shown["hls_url"] is None
    assert shown["show"].get("hls_url") is None
    assert f"/s/{rec.slug}/replays/{rec.show_id}" not in api.client.get(f"/s/{rec.slug}/shows").text


def test_retention_deletes_old_replays(api: Api, app: FastAPI, media_dir: Path) -> None:
    ctx = app.state.ctx
    old = recorded_show(api, ctx.db, media_dir, captions=False)
    headers = old.store["headers"]
    assert api.ok("GET", "/api/v1/replays/retention", headers=headers) == {"days": None}
    bad = api.client.put("/api/v1/replays/retention", headers=headers, json={"days": 0})
    assert bad.status_code == 422
    api.ok("PUT", "/api/v1/replays/retention", headers=headers, json={"days": 30})
    with ctx.db.write() as session:
        session.execute(
            update(Show)
            .where(Show.id == old.show_id)
            .values(ended_at=utcnow() - timedelta(days=31))
        )
    # past retention: not offered any more, then swept with its media
    assert api.client.get(f"/s/{old.slug}/replays/{old.show_id}").status_code == 404
    assert sweep_expired(ctx.db, ctx.settings, utcnow()) == [old.show_id]
    assert not (media_dir / "shows" / old.show_id).exists()
    assert sweep_expired(ctx.db, ctx.settings, utcnow()) == []
