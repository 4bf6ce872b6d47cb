"""Fixtures for the page tests: one seeded demo store served by a real uvicorn for the whole
module, and the system Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from castcart.compliance import semantic
from castcart.core.settings import Settings
from castcart.demo.seed import DemoStore, seed_demo
from castcart.pages.routes import DIST_DIR
from castcart.web.app import create_app
from tests.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CASTCART_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Site:
    url: str
    app: FastAPI
    settings: Settings
    demo: DemoStore

    @property
    def show_url(self) -> str:
        return f"{self.url}/s/{self.demo.slug}/shows/{self.demo.show_id}"


@pytest.fixture(scope="session", autouse=True)
def _semantic_layer_loaded() -> None:
    """Page tests wait on requests with timeouts: load the compliance guard's embedding model
    and classifier once up front (tens of seconds on a loaded machine), so the first product
    save or script review in a test does not pay for it."""
    semantic.warm()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("site"))  # type: ignore[call-arg]
    app = create_app(settings, background_tasks=False)
    demo = seed_demo(app.state.ctx.db)
    with LiveServer(app) as server:
        yield Site(server.url, app, settings, demo)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable("/usr/bin/chromium is not installed (apt-get install chromium)")
    if not (DIST_DIR / "shop.js").is_file():
        _unavailable("page scripts are not built: run `make install` (npm ci + build in web/)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
