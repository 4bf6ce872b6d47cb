"""Machine-translated product copy: drafts off the storefront until approved; the merchant's
own translations are never overwritten; brand names stay as they are."""

from __future__ import annotations

from tests.helpers import Api
from tests.lingua.apertium_support import apertium_with


def test_machine_drafts_wait_for_approval(api: Api) -> None:
    apertium_with(("en", "es"))
    store = api.store()
    h = store["headers"]
    api.ok("POST", "/api/v1/lingua/glossary", 201, headers=h, json={"term": "Lumen"})
    product = api.ok(
        "POST",
        "/api/v1/products",
        201,
        headers=h,
        json={
            "handle": "scarf",
            "translations": [
                {"locale": "en", "title": "Lumen red scarf", "description": "A warm scarf."},
                {"locale": "de", "title": "Roter Schal von Lumen"},
            ],
            "variants": [{"sku": "SC-1", "price_amount": 2500}],
        },
    )
    url = f"/api/v1/products/{product['id']}"
    result = api.ok(
        "POST",
        f"{url}/machine-translations",
        headers=h,
        json={"locales": ["es", "de"], "source_locale": "en"},
    )
    assert result == {"drafted": ["es"], "kept": ["de"]}
    staff_view = {t["locale"]: t for t in api.ok("GET", url, headers=h)["translations"]}
    spanish = staff_view["es"]
    assert (spanish["origin"], spanish["status"]) == ("machine", "draft")
    assert "Lumen" in spanish["title"]  # protected by the glossary
    assert "bufanda" in spanish["title"].lower()  # Apertium: scarf -> bufanda
    assert staff_view["de"]["title"] == "Roter Schal von Lumen"  # the merchant's, untouched

    slug = store["store"]["slug"]
    public = api.ok("GET", f"/api/v1/shop/{slug}/products/{product['id']}")
    assert {t["locale"] for t in public["translations"]} == {"en", "de"}
    api.ok("POST", f"{url}/translations/es/approve", 204, headers=h)
    public = api.ok("GET", f"/api/v1/shop/{slug}/products/{product['id']}")
    assert {t["locale"] for t in public["translations"]} == {"en", "de", "es"}

    missing = api.client.post(f"{url}/translations/fr/approve", headers=h)
    assert (missing.status_code, missing.json()["code"]) == (404, "translation_not_found")
    no_source = api.client.post(
        f"{url}/machine-translations", headers=h, json={"locales": ["es"], "source_locale": "fr"}
    )
    assert (no_source.status_code, no_source.json()["code"]) == (422, "source_locale_missing")
