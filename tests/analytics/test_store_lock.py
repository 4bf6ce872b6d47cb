"""A DuckDB analytics file takes one writing process: an app process that finds it held by
another (a second worker or node on the same data directory) starts anyway, records no
analytics and says why, instead of failing its start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from castcart.analytics.recorder import Analytics
from castcart.core.settings import Settings
from castcart.web.app import create_app


def test_a_node_that_finds_the_duckdb_file_held_starts_without_analytics(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    location = tmp_path / "analytics.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(60)",
            str(location),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        settings = Settings(  # type: ignore[call-arg]
            environment="test", data_dir=tmp_path, analytics_location=str(location)
        )
        app = create_app(settings, background_tasks=False)
        with caplog.at_level("ERROR"), TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            analytics = app.state.ctx.services.get(Analytics)
            assert analytics is not None
            assert not analytics.enabled
        assert any("held by another process" in r.getMessage() for r in caplog.records)
    finally:
        holder.kill()
        holder.wait()
