"""Health, readiness, settings safety, the error shape for unknown routes, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from castcart.cli import app as cli_app
from castcart.core.settings import Settings
from castcart.web.app import create_app


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_readiness_reports_unmigrated_database(tmp_path: Path) -> None:
    app = create_app(
        Settings(environment="test", data_dir=tmp_path), migrate=False, background_tasks=False
    )
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "migrating"


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "Not Found", "details": None}
    wrong = client.delete("/api/v1/products")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY is the development default"):
        Settings(environment="production")
    strong = "9f3Kq-Zt7Lm2Xw8Rb4Nc6Vd1Hy5Gp0Ja"
    Settings(environment="production", secret_key=strong, payment_webhook_secret=strong[::-1])


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CASTCART_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CASTCART_RESERVATION_TTL_SECONDS", "60")
    settings = Settings()
    assert settings.reservation_ttl_seconds == 60
    assert settings.effective_database_url == f"sqlite:///{tmp_path.as_posix()}/castcart.db"


def test_cli_migrate_creates_the_schema(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CASTCART_DATABASE_URL", url)
    from castcart.core import settings as settings_module

    settings_module.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["migrate"])
    finally:
        settings_module.get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"stores", "orders", "stock_levels", "alembic_version"} <= tables


def test_sqlite_runs_in_wal_mode(client: TestClient) -> None:
    from castcart.web.context import AppContext

    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
