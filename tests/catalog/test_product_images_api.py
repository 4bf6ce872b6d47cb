"""Product images uploaded through the API: real images only, resized, served immutable."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from tests.helpers import Api


def _png(width: int = 1200, height: int = 800, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(client: TestClient, store: dict, product_id: str, data: bytes, **form: str):  # type: ignore[no-untyped-def,type-arg]
    return client.post(
        f"/api/v1/products/{product_id}/images",
        headers=store["headers"],
        files={"file": ("photo.png", data, "image/png")},
        data=form,
    )


def test_upload_resizes_stores_and_serves_with_cache_headers(client: TestClient, api: Api) -> None:
    store = api.store()
    product = api.product(store)
    response = _upload(client, store, product["id"], _png(), alt="Red tote, front")
    assert response.status_code == 201, response.text
    image = response.json()["images"][-1]
    assert image["alt"] == "Red tote, front"
    assert image["id"]
    assert image["url"].startswith("/catalog-images/")
    assert image["url"].endswith("-480.webp")

    served = client.get(image["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/webp"
    assert "immutable" in served.headers["cache-control"]
    assert "max-age=31536000" in served.headers["cache-control"]
    etag = served.headers["etag"]
    with Image.open(io.BytesIO(served.content)) as img:
        assert img.format == "WEBP"
        assert img.size == (480, 320)  # aspect ratio kept
    # the other renditions exist too; none is wider than the original
    for width, height in ((160, 107), (960, 640)):
        other = client.get(image["url"].replace("-480.", f"-{width}."))
        with Image.open(io.BytesIO(other.content)) as img:
            assert img.size == (width, height)
    again = client.get(image["url"], headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag

    # the shopper's product listing carries it
    public = api.ok("GET", f"/api/v1/shop/{store['store']['slug']}/products/{product['id']}")
    assert image["url"] in [i["url"] for i in public["images"]]


def test_small_image_is_not_upscaled(client: TestClient, api: Api) -> None:
    store = api.store()
    product = api.product(store)
    out = _upload(client, store, product["id"], _png(300, 300, "RGBA")).json()
    url = out["images"][-1]["url"]
    assert url.endswith("-160.webp")  # the widest rendition not above the original
    assert client.get(url.replace("-160.", "-480.")).status_code == 404


def test_not_an_image_is_refused_and_nothing_is_added(client: TestClient, api: Api) -> None:
    store = api.store()
    product = api.product(store)
    for data in (b"<svg onload=alert(1)>", b"GIF89a not really", _png()[:200], b""):
        response = _upload(client, store, product["id"], data)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_image"
    after = api.ok("GET", f"/api/v1/products/{product['id']}", headers=store["headers"])
    assert len(after["images"]) == len(product["images"])


def test_delete_image_and_other_store_cannot_upload(client: TestClient, api: Api) -> None:
    store, other = api.store(), api.store()
    product = api.product(store)
    added = _upload(client, store, product["id"], _png()).json()["images"][-1]
    assert _upload(client, other, product["id"], _png()).status_code == 404
    out = api.ok(
        "DELETE", f"/api/v1/products/{product['id']}/images/{added['id']}", headers=store["headers"]
    )
    assert added["id"] not in [i["id"] for i in out["images"]]
    assert client.get("/catalog-images/..%2Fcastcart.db").status_code == 404
    assert client.get("/catalog-images/not-a-digest-480.webp").status_code == 404
