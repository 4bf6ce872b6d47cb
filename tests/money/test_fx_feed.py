"""The FX feed: `castcart fx refresh` fetches an ECB eurofxref-daily.xml from a real local
HTTP server (or reads a file), checks it and keeps it with its date; quotes then convert at
it and say its date; the admin warns when the rates in use are older than N days."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from castcart.commerce.taxsettings import fx_snapshot
from castcart.core.settings import Settings
from castcart.money.feed import LATEST, age_days, fx_dir, stored
from tests.helpers import PASSWORD, Api

FIXTURE = Path(__file__).parent / "fixtures" / "eurofxref-2026-12-04.xml"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[str]:
    """A real HTTP server serving the fixture as /eurofxref-daily.xml (and 404 elsewhere)."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "eurofxref-daily.xml").write_bytes(FIXTURE.read_bytes())
    (root / "broken.xml").write_text("<gesmes:Envelope><Cube>")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASTCART_DATA_DIR": str(data_dir), "PYTHONPATH": str(SRC)}
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "castcart.cli", "fx", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_refresh_from_a_url_keeps_the_rates_with_their_date(tmp_path: Path, feed: str) -> None:
    done = _cli(tmp_path, "refresh", "--url", f"{feed}/eurofxref-daily.xml")
    assert done.returncode == 0, done.stderr
    assert "2026-12-04" in done.stdout
    assert (fx_dir(tmp_path) / "ecb-2026-12-04.xml").is_file()
    snap = stored(fx_dir(tmp_path))
    assert snap is not None
    assert snap.as_of.date().isoformat() == "2026-12-04"
    assert snap.rates["IDR"] == Decimal("20000.00")
    assert "SAR" in snap.rates  # the USD-pegged supplement is crossed through the new USD
    # Quotes now convert at the kept rates, not the bundled 2025-10-21 snapshot.
    used = fx_snapshot(Settings(environment="test", data_dir=tmp_path))  # type: ignore[call-arg]
    assert used.rate("EUR", "IDR") == Decimal("20000.00")
    assert "rates of 2026-12-04" in _cli(tmp_path, "status").stdout


def test_refresh_from_a_file_and_bad_sources_change_nothing(tmp_path: Path, feed: str) -> None:
    assert _cli(tmp_path, "refresh", "--file", str(FIXTURE)).returncode == 0
    kept = (fx_dir(tmp_path) / LATEST).read_bytes()
    for args in (
        ("--url", f"{feed}/broken.xml"),  # not well-formed
        ("--url", f"{feed}/missing.xml"),  # HTTP 404
        ("--url", "ftp://example.invalid/x.xml"),
        ("--file", str(tmp_path / "nope.xml")),
    ):
        done = _cli(tmp_path, "refresh", *args)
        assert done.returncode == 1, (args, done.stdout)
        assert "FX refresh failed" in done.stderr
    older = FIXTURE.read_text().replace("2026-12-04", "2026-11-01")
    (tmp_path / "older.xml").write_text(older)
    done = _cli(tmp_path, "refresh", "--file", str(tmp_path / "older.xml"))
    assert done.returncode == 1
    assert "older than the kept 2026-12-04" in done.stderr
    assert (fx_dir(tmp_path) / LATEST).read_bytes() == kept
    assert _cli(tmp_path, "refresh").returncode == 2  # no source configured


def test_age_in_days() -> None:
    snap = stored(FIXTURE.parent.parent / "nowhere")
    assert snap is None
    from castcart.money.fx import parse_ecb_xml

    parsed = parse_ecb_xml(FIXTURE.read_bytes())
    assert age_days(parsed, datetime(2026, 12, 4, 20, tzinfo=UTC)) == 0
    assert age_days(parsed, datetime(2026, 12, 11, 9, tzinfo=UTC)) == 7


def _login(client: TestClient, store: dict[str, Any]) -> None:
    slug = store["store"]["slug"]
    response = client.post(
        "/api/v1/auth/session",
        json={"store": slug, "email": f"owner@{slug}.example.com", "password": PASSWORD},
    )
    assert response.status_code == 204


def test_quote_states_the_rate_date_and_admin_warns_when_stale(
    api: Api, client: TestClient, settings: Settings
) -> None:
    store = api.store()
    product = api.product(store, price=1900, warehouse=api.warehouse(store), stock=5)
    _login(client, store)
    # Bundled rates (2025-10-21) are more than fx_max_age_days old: the admin says so.
    page = client.get("/admin", params={"lang": "de"}).text
    assert 'id="cc-fx-stale"' in page
    assert "Kurse vom 2025-10-21" in page

    # After a refresh (today's file) the quote converts at the new rates with their date,
    # and the admin warning is gone.
    today = datetime.now(UTC).date().isoformat()
    todays = settings.data_dir / "today.xml"
    todays.write_text(FIXTURE.read_text().replace("2026-12-04", today))
    done = _cli(settings.data_dir, "refresh", "--file", str(todays))
    assert done.returncode == 0, done.stderr
    shopper = api.shopper(store, country="ID")
    api.add_to_cart(shopper, product["variants"][0]["id"], 1)
    quote = api.ok(
        "POST",
        f"/api/v1/shop/{shopper['slug']}/cart/quote",
        json={"country": "ID", "locale": "id"},
        headers=shopper["headers"],
    )
    assert quote["currency"] == "IDR"
    assert quote["fx_rate"] == "20000"
    assert quote["fx_as_of"].startswith(today)
    assert 'id="cc-fx-stale"' not in client.get("/admin").text
