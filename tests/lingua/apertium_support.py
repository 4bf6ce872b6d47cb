"""Skip (or, with CASTCART_REQUIRE_MEDIA=1, fail) when Apertium or a pair is missing."""

from __future__ import annotations

import os

import pytest

from castcart.lingua.engines import ApertiumEngine

REQUIRE = os.environ.get("CASTCART_REQUIRE_MEDIA") == "1"
# the Debian packages CI installs: apertium-eng-spa apertium-es-pt apertium-fr-es
# apertium-ind-zlm apertium-spa-cat apertium-spa-ita


def apertium_with(*pairs: tuple[str, str]) -> ApertiumEngine:
    engine = ApertiumEngine()
    missing = [f"{s}-{t}" for s, t in pairs if (s, t) not in engine.pairs()]
    if not engine.binary or missing:
        reason = (
            "apertium is not installed"
            if not engine.binary
            else f"apertium pairs missing: {', '.join(missing)} (apt-get install apertium-...)"
        )
        if REQUIRE:
            pytest.fail(reason)
        pytest.skip(reason)
    return engine
