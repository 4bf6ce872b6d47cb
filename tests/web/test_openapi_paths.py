"""The OpenAPI schema declares every path template's parameters (issue 10: the shop's
address-form operation had ``{store_slug}`` in its path but no such parameter, so schema
validators and client generators rejected the document)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def test_every_path_parameter_is_declared(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    missing = []
    for path, item in schema["paths"].items():
        wanted = set(re.findall(r"\{([^}]+)\}", path))
        shared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for method, operation in item.items():
            if method not in METHODS:
                continue
            declared = shared | {
                p["name"] for p in operation.get("parameters", []) if p["in"] == "path"
            }
            missing += [f"{method.upper()} {path}: {n}" for n in sorted(wanted - declared)]
            missing += [f"{method.upper()} {path}: extra {n}" for n in sorted(declared - wanted)]
    assert missing == []


def test_address_form_belongs_to_a_store(client: TestClient) -> None:
    response = client.get("/api/v1/shop/no-such-store/checkout/address-form/DE")
    assert response.status_code == 404
