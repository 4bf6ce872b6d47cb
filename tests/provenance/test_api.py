"""The provenance log over HTTP: staff record EPCIS events; a shopper reads an item's
journey with a signed checkpoint and checks each event's inclusion, and the log's growth,
with the verifiers alone (nothing the server says is taken on trust)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from castcart.provenance.checkpoint import open_note, parse_checkpoint
from castcart.provenance.merkle import ProofError, verify_consistency, verify_inclusion
from tests.helpers import Api

LOT = "urn:epc:class:lgtin:4012345.012345.LOT-7"
ITEM = "https://id.gs1.org/01/04012345123456/21/A1"


def _event(n: int, *, code: str = ITEM, temperature: float | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "ObjectEvent",
        "eventTime": f"2026-11-0{n}T08:00:00+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizStep": "shipping" if n > 1 else "commissioning",
        "readPoint": {"id": f"urn:epc:id:sgln:4012345.00001.{n}"},
        "epcList": [code],
        "quantityList": [{"epcClass": LOT, "quantity": 1}],
    }
    if temperature is not None:
        doc["sensorElementList"] = [
            {"sensorReport": [{"type": "gs1:Temperature", "value": temperature, "uom": "CEL"}]}
        ]
    return doc


def _check_journey(journey: dict[str, Any], api: Api, slug: str) -> None:
    head = journey["checkpoint"]
    cp = parse_checkpoint(open_note(head["note"], head["verifier_key"]))
    assert cp.size == head["size"]
    for event in journey["events"]:
        leaf = hashlib.sha256(b"\x00" + event["canonical"].encode()).digest()
        assert leaf.hex() == event["leaf_hash"]
        proof = api.ok(
            "GET",
            f"/api/v1/shop/{slug}/provenance/proofs/inclusion"
            f"?index={event['leaf_index']}&tree_size={cp.size}",
        )
        verify_inclusion(
            event["leaf_index"],
            cp.size,
            leaf,
            [base64.b64decode(p) for p in proof["proof"]],
            cp.root,
        )


def test_a_journey_is_recorded_and_verifiable_by_anyone(api: Api) -> None:
    store = api.store()
    slug = store["store"]["slug"]
    h = store["headers"]
    first = api.ok("POST", "/api/v1/provenance/events", 201, headers=h, json=_event(1))
    assert first["leaf_index"] == 0
    assert set(first["codes"]) == {ITEM, LOT}
    api.ok("POST", "/api/v1/provenance/events", 201, headers=h, json=_event(2, code="other"))
    api.ok("POST", "/api/v1/provenance/events", 201, headers=h, json=_event(3, temperature=4.5))

    old = api.ok("GET", f"/api/v1/shop/{slug}/provenance/checkpoint")
    assert old["size"] == 3
    journey = api.ok("GET", f"/api/v1/shop/{slug}/provenance/journey", params={"code": ITEM})
    assert [e["leaf_index"] for e in journey["events"]] == [0, 2]
    assert (
        journey["events"][1]["document"]["sensorElementList"][0]["sensorReport"][0]["value"] == 4.5
    )
    assert "@context" not in journey["events"][0]["document"]  # stored without the context
    _check_journey(journey, api, slug)
    lot = api.ok("GET", f"/api/v1/shop/{slug}/provenance/journey", params={"code": LOT})
    assert [e["leaf_index"] for e in lot["events"]] == [0, 1, 2]

    # the log grows; the new head is consistent with the one a shopper saw before
    for n in range(4, 8):
        api.ok("POST", "/api/v1/provenance/events", 201, headers=h, json=_event(n))
    new = api.ok("GET", f"/api/v1/shop/{slug}/provenance/checkpoint")
    assert new["size"] == 7
    assert new["verifier_key"] == old["verifier_key"]
    proof = api.ok("GET", f"/api/v1/shop/{slug}/provenance/proofs/consistency?first=3&second=7")
    old_cp = parse_checkpoint(open_note(old["note"], old["verifier_key"]))
    new_cp = parse_checkpoint(open_note(new["note"], new["verifier_key"]))
    hashes = [base64.b64decode(p) for p in proof["proof"]]
    verify_consistency(3, 7, old_cp.root, new_cp.root, hashes)
    # a head that is not an extension of the old one fails that check
    try:
        verify_consistency(3, 7, bytes(32), new_cp.root, hashes)
    except ProofError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a forged old head passed")


def test_an_altered_event_no_longer_verifies(api: Api) -> None:
    store = api.store()
    slug = store["store"]["slug"]
    for n in (1, 2, 3):
        api.ok(
            "POST",
            "/api/v1/provenance/events",
            201,
            headers=store["headers"],
            json=_event(n, temperature=4.0),
        )
    journey = api.ok("GET", f"/api/v1/shop/{slug}/provenance/journey", params={"code": ITEM})
    event = journey["events"][1]
    altered = event["canonical"].replace('"value":4.0', '"value":2.0')
    assert altered != event["canonical"]
    cp = parse_checkpoint(
        open_note(journey["checkpoint"]["note"], journey["checkpoint"]["verifier_key"])
    )
    proof = api.ok(
        "GET", f"/api/v1/shop/{slug}/provenance/proofs/inclusion?index=1&tree_size={cp.size}"
    )
    leaf = hashlib.sha256(b"\x00" + altered.encode()).digest()
    try:
        verify_inclusion(1, cp.size, leaf, [base64.b64decode(p) for p in proof["proof"]], cp.root)
    except ProofError:
        pass
    else:  # pragma: no cover
        raise AssertionError("an altered reading passed")


def test_bad_events_and_proof_requests_are_refused_clearly(api: Api) -> None:
    store = api.store()
    slug = store["store"]["slug"]
    h = store["headers"]
    bad = [
        [],
        {"type": "Nope"},
        {**_event(1), "action": "MOVE"},
        {**_event(1), "eventTime": "yesterday"},
        {**_event(1), "eventTime": "2026-11-01T08:00:00"},
        {**_event(1), "eventTimeZoneOffset": "CET"},
        {**_event(1), "epcList": [], "quantityList": []},
        {**_event(1), "epcList": [3]},
        {
            **_event(1),
            "sensorElementList": [{"sensorReport": [{"type": "gs1:Temperature", "value": "warm"}]}],
        },
        {**_event(1), "readPoint": "dock 4"},
    ]
    for body in bad:
        response = api.client.post("/api/v1/provenance/events", headers=h, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] in ("invalid_event", "validation_error"), response.text
    # nothing half-written: the log is still empty
    assert api.ok("GET", f"/api/v1/shop/{slug}/provenance/checkpoint")["size"] == 0
    api.ok("POST", "/api/v1/provenance/events", 201, headers=h, json=_event(1))
    for query in ("index=1&tree_size=1", "index=0&tree_size=2", "index=-1&tree_size=1"):
        r = api.client.get(f"/api/v1/shop/{slug}/provenance/proofs/inclusion?{query}")
        assert r.status_code == 422, r.text
    r = api.client.get(f"/api/v1/shop/{slug}/provenance/proofs/consistency?first=2&second=1")
    assert r.status_code == 422
    assert api.client.post("/api/v1/provenance/events", json=_event(1)).status_code == 401


def test_each_store_has_its_own_log_and_key(api: Api) -> None:
    a, b = api.store(), api.store()
    api.ok("POST", "/api/v1/provenance/events", 201, headers=a["headers"], json=_event(1))
    head_a = api.ok("GET", f"/api/v1/shop/{a['store']['slug']}/provenance/checkpoint")
    head_b = api.ok("GET", f"/api/v1/shop/{b['store']['slug']}/provenance/checkpoint")
    assert (head_a["size"], head_b["size"]) == (1, 0)
    assert head_a["verifier_key"] != head_b["verifier_key"]
    journey = api.ok(
        "GET", f"/api/v1/shop/{b['store']['slug']}/provenance/journey", params={"code": ITEM}
    )
    assert journey["events"] == []
