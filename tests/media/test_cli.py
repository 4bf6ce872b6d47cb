"""``castcart media`` commands through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from castcart.cli import app
from castcart.core.settings import get_settings

runner = CliRunner()


def test_test_stream_wants_an_rtmp_url() -> None:
    result = runner.invoke(app, ["media", "test-stream", "--url", "http://example.com/x"])
    assert result.exit_code == 2
    assert "rtmp://" in result.output


def test_test_stream_reports_a_refused_connection(ffmpeg: str) -> None:
    from tests.media.conftest import free_ports

    (port,) = free_ports(1)  # nothing listens there
    result = runner.invoke(
        app, ["media", "test-stream", "--url", f"rtmp://127.0.0.1:{port}/live/k", "--duration", "1"]
    )
    assert result.exit_code != 0
    assert "ffmpeg exited" in result.output


def test_nginx_config_renders_the_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASTCART_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CASTCART_MEDIA_CALLBACK_SECRET", "abc-123")
    get_settings.cache_clear()
    try:
        out = tmp_path / "nginx.conf"
        result = runner.invoke(
            app,
            ["media", "nginx-config", "--out", str(out), "--run-dir", str(tmp_path / "run")],
        )
        assert result.exit_code == 0, result.output
        text = out.read_text()
        assert (
            "on_publish http://127.0.0.1:8000/api/v1/media/rtmp/on_publish?secret=abc-123;" in text
        )
        assert f"alias {tmp_path.resolve()}/media/shows/;" in text
        assert (tmp_path / "run").is_dir()
    finally:
        get_settings.cache_clear()
