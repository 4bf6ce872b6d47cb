"""``castcart analytics dashboard``: the figures of a show from the shell, read-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from castcart.analytics.cli import app as cli
from castcart.analytics.recorder import Analytics
from castcart.core.settings import get_settings
from castcart.web.app import create_app
from tests.analytics.fixture import EVENTS, SHOW
from tests.conftest import make_settings
from tests.helpers import Api


def test_dashboard_prints_the_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path)
    app = create_app(settings, background_tasks=False)
    with TestClient(app) as client:
        api = Api(client)
        store = api.store()
        show = api.show(store)
        analytics = app.state.ctx.services.get(Analytics)
        assert analytics is not None
        # the fixture's show, moved into this store and show
        moved = [e for e in EVENTS if e.store_id == "store_a" and e.show_id == SHOW]
        for e in moved:
            e.store_id, e.show_id = store["store"]["id"], show["id"]
        try:
            analytics.record(moved, gated=False)
            assert analytics.flush()
        finally:
            for e in moved:
                e.store_id, e.show_id = "store_a", SHOW
    # the server is gone: the file opens read-only
    monkeypatch.setenv("CASTCART_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CASTCART_ENVIRONMENT", "test")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["dashboard", show["id"]])
        assert result.exit_code == 0, result.output
        figures = json.loads(result.output)
        assert figures["unique_viewers"] == 7
        assert figures["gmv"] == 18000
        assert figures["aov"] == 4500
        assert figures["median_watch_seconds"] == 100.0
        funnel = CliRunner().invoke(cli, ["dashboard", show["id"], "--product", "P1"])
        steps = [s["viewers"] for s in json.loads(funnel.output)["steps"]]
        assert steps == [7, 3, 2, 2, 2]
        missing = CliRunner().invoke(cli, ["dashboard", "nope"])
        assert missing.exit_code == 2
        assert "not found" in missing.output
    finally:
        get_settings.cache_clear()
