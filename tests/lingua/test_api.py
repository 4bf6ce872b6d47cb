from __future__ import annotations

from tests.helpers import Api
from tests.lingua.apertium_support import apertium_with


def test_store_languages_default_then_set(api: Api) -> None:
    store = api.store()
    got = api.ok("GET", "/api/v1/lingua/languages", headers=store["headers"])
    assert got["languages"] == ["en"]
    assert {"en", "es", "ar", "zh"} <= set(got["supported"])
    put = api.ok(
        "PUT",
        "/api/v1/lingua/languages",
        headers=store["headers"],
        json={"languages": ["en", "es-MX", "pt_BR", "es"]},
    )
    assert put["languages"] == ["en", "es", "pt"]
    again = api.ok("GET", "/api/v1/lingua/languages", headers=store["headers"])
    assert again["languages"] == ["en", "es", "pt"]


def test_bad_languages_are_4xx_with_codes(api: Api) -> None:
    store = api.store()
    h = store["headers"]
    bad = api.client.put("/api/v1/lingua/languages", headers=h, json={"languages": ["xx"]})
    assert (bad.status_code, bad.json()["code"]) == (422, "unsupported_language")
    bad = api.client.put("/api/v1/lingua/languages", headers=h, json={"languages": ["e$"]})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_language")
    assert (
        api.client.put("/api/v1/lingua/languages", headers=h, json={"languages": []}).status_code
        == 422
    )
    assert api.client.get("/api/v1/lingua/languages").status_code == 401


def test_glossary_crud(api: Api) -> None:
    store = api.store()
    h = store["headers"]
    brand = api.ok("POST", "/api/v1/lingua/glossary", 201, headers=h, json={"term": "Blue  Moon"})
    assert brand["term"] == "Blue Moon"
    assert brand["target_lang"] == ""
    api.ok(
        "POST",
        "/api/v1/lingua/glossary",
        201,
        headers=h,
        json={
            "term": "jacket",
            "source_lang": "en",
            "target_lang": "es",
            "translation": "cazadora",
        },
    )
    dup = api.client.post("/api/v1/lingua/glossary", headers=h, json={"term": "Blue Moon"})
    assert (dup.status_code, dup.json()["code"]) == (409, "duplicate_glossary_term")
    half = api.client.post(
        "/api/v1/lingua/glossary", headers=h, json={"term": "coat", "target_lang": "es"}
    )
    assert (half.status_code, half.json()["code"]) == (422, "incomplete_glossary_entry")
    terms = api.ok("GET", "/api/v1/lingua/glossary", headers=h)
    assert [t["term"] for t in terms] == ["Blue Moon", "jacket"]
    api.ok("DELETE", f"/api/v1/lingua/glossary/{brand['id']}", 204, headers=h)
    gone = api.client.delete(f"/api/v1/lingua/glossary/{brand['id']}", headers=h)
    assert (gone.status_code, gone.json()["code"]) == (404, "glossary_term_not_found")
    # another store cannot see or delete this store's terms
    other = api.store()
    assert api.ok("GET", "/api/v1/lingua/glossary", headers=other["headers"]) == []


def test_detect_endpoint(api: Api) -> None:
    store = api.store()
    h = store["headers"]
    api.ok("PUT", "/api/v1/lingua/languages", headers=h, json={"languages": ["en", "es", "fr"]})
    found = api.ok("POST", "/api/v1/lingua/detect", headers=h, json={"text": "¿Cuánto cuesta?"})
    assert found == {"lang": "es", "detected": True}
    emoji = api.ok(
        "POST", "/api/v1/lingua/detect", headers=h, json={"text": "😍", "fallback": "fr"}
    )
    assert emoji == {"lang": "fr", "detected": False}


def test_translate_endpoint_applies_the_store_glossary(api: Api) -> None:
    apertium_with(("en", "es"))
    store = api.store()
    h = store["headers"]
    api.ok("PUT", "/api/v1/lingua/languages", headers=h, json={"languages": ["en", "es"]})
    api.ok("POST", "/api/v1/lingua/glossary", 201, headers=h, json={"term": "Blue Moon"})
    out = api.ok(
        "POST",
        "/api/v1/lingua/translate",
        headers=h,
        json={"texts": ["The Blue Moon dress is beautiful"], "target": "es"},
    )
    assert out["source"] == "en"
    assert "Blue Moon" in out["texts"][0]
    assert "vestido" in out["texts"][0]
    langs = api.ok("GET", "/api/v1/lingua/languages", headers=h)
    assert set(langs["pairs"]) >= {"en-es", "es-en"}
    nope = api.client.post(
        "/api/v1/lingua/translate",
        headers=h,
        json={"texts": ["hi"], "source": "en", "target": "th"},
    )
    assert (nope.status_code, nope.json()["code"]) == (422, "unsupported_language_pair")
