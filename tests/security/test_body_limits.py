"""Issue 11 item 8: bodies over the route class's limit get 413 without being parsed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from castcart.web.limits import limit_for
from tests.conftest import LiveServer
from tests.helpers import Api


def test_50_mb_to_public_sessions_is_refused(api: Api, live_server: LiveServer) -> None:
    store = api.store()
    url = f"{live_server.url}/api/v1/shop/{store['store']['slug']}/sessions"
    big = b'{"locale": "en", "pad": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    with httpx.Client(timeout=30) as http:
        declared = http.post(url, content=big, headers={"content-type": "application/json"})
        assert declared.status_code == 413, declared.text
        assert declared.json()["code"] == "payload_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
            for start in range(0, len(big), 1024 * 1024):
                yield big[start : start + 1024 * 1024]

        streamed = http.post(url, content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert streamed.json()["code"] == "payload_too_large"
        ok = http.post(url, json={"locale": "en"})
        assert ok.status_code == 201


def test_route_classes() -> None:
    assert limit_for("/api/v1/shop/acme/sessions") < limit_for("/api/v1/products")
    assert limit_for("/api/v1/webhooks/payments/sandbox") <= 256 * 1024
