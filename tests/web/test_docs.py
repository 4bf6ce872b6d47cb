"""/docs works offline: Swagger UI's script, CSS and icon come from this server."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_reference_local_assets_only(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls = re.findall(r"""\b(?:url|openapi_url)\s*:\s*["']([^"']+)["']""", html)
    assert refs, html
    for ref in refs + urls:
        assert ref.startswith("/"), ref
        assert not ref.startswith("//"), ref
    assert "http://" not in html
    assert "https://" not in html  # no CDN, no validator badge, no remote favicon
    assert '"validatorUrl": null' in html
    for ref in refs:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 100, ref
    script = next(r for r in refs if r.endswith(".js"))
    assert "SwaggerUIBundle" in client.get(script).text
    assert client.get("/openapi.json").json()["info"]["title"] == "castcart"
    assert client.get("/redoc").status_code == 404  # its script would come from a CDN
