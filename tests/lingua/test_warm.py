"""At start-up the app loads the language models of stores with a show on air or due, so the
first chat lines of a show are not held up while lingua loads them (it holds the GIL)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from castcart.lingua.service import StoreChatTranslators
from castcart.web.app import create_app
from tests.conftest import make_settings
from tests.helpers import Api


def test_stores_with_a_show_due_have_their_detectors_built_before_serving(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, media_ingest="off")
    with TestClient(create_app(settings, background_tasks=False)) as client:
        api = Api(client)
        due, idle = api.store(), api.store()
        api.ok(
            "PUT",
            "/api/v1/lingua/languages",
            headers=due["headers"],
            json={"languages": ["en", "es", "pt"]},
        )
        api.show(due)  # scheduled: due
        ended = api.show(idle, live=True)  # a show that has ended: nothing to warm
        api.ok(
            "POST",
            f"/api/v1/shows/{ended['id']}/transition",
            headers=idle["headers"],
            json={"to": "ended"},
        )

    app = create_app(settings, background_tasks=True)
    with TestClient(app):
        translators = app.state.ctx.services.get(StoreChatTranslators)
        built = translators._built
        assert set(built) == {due["store"]["id"]}
        translator = built[due["store"]["id"]][1]
        assert translator.languages == {"en", "es", "pt"}
        # a detection right away needs no further model load and answers correctly
        assert translator.detect("¿cuánto cuesta el envío a México?") == "es"
