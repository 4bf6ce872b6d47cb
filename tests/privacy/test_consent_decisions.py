"""The consent banner's API: PUT /api/v1/shop/{store}/consents records grants and refusals
(with time, policy version, market and source), per market model (opt-in EU/UK, opt-out
US), and the server-side check analytics and reminders call (``privacy.service.allows``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from castcart.privacy import service
from castcart.privacy.regimes import POLICY_VERSION, consent_model, effective
from tests.helpers import Api


@pytest.fixture
def shopper(api: Api) -> dict[str, Any]:
    store = api.store()
    slug = store["store"]["slug"]
    created = api.ok(
        "POST", f"/api/v1/shop/{slug}/sessions", 201, json={"locale": "es", "country": "ES"}
    )
    return {
        "slug": slug,
        "store_id": store["store"]["id"],
        "id": created["shopper"]["id"],
        "headers": {"Authorization": f"Bearer {created['token']}"},
    }


def _url(shopper: dict[str, Any], query: str = "") -> str:
    return f"/api/v1/shop/{shopper['slug']}/consents{query}"


def test_a_refusal_is_recorded_with_time_version_and_market(
    api: Api, shopper: dict[str, Any]
) -> None:
    h = shopper["headers"]
    before = api.ok("GET", _url(shopper, "?country=ES"), headers=h)
    assert before["model"] == "opt_in"
    assert before["effective"] == {"marketing": False, "analytics": False, "personalisation": False}
    assert before["decisions"] == {"marketing": None, "analytics": None, "personalisation": None}

    body = {
        "policy_version": POLICY_VERSION,
        "choices": {"necessary": True, "analytics": False, "marketing": False},
        "country": "ES",
    }
    view = api.ok("PUT", _url(shopper), headers=h, json=body)
    assert view["decisions"]["analytics"]["decision"] == "refused"
    assert view["decisions"]["analytics"]["policy_version"] == POLICY_VERSION
    assert view["decisions"]["personalisation"] is None  # not asked, not decided
    assert view["effective"]["analytics"] is False
    rows = {r["purpose"]: r for r in view["history"]}
    assert set(rows) == {"analytics", "marketing"}
    for row in rows.values():
        assert row["decision"] == "refused"
        assert row["decided_at"] is not None
        assert row["withdrawn_at"] is None
        assert (row["jurisdiction"], row["source"]) == ("ES", "banner")

    # The same answer again writes nothing; a change closes the refusal and opens a grant.
    same = api.ok("PUT", _url(shopper), headers=h, json=body)
    assert len(same["history"]) == 2
    body["choices"] = {"analytics": True}
    changed = api.ok("PUT", _url(shopper), headers=h, json=body)
    analytics = [r for r in changed["history"] if r["purpose"] == "analytics"]
    assert [(r["decision"], r["end_reason"]) for r in analytics] == [
        ("refused", "superseded"),
        ("granted", None),
    ]
    assert changed["effective"] == {"marketing": False, "analytics": True, "personalisation": False}
    assert changed["current"]["analytics"] is True

    # Granted -> refused is a withdrawal of the grant, kept in the history.
    body["choices"] = {"analytics": False}
    back = api.ok("PUT", _url(shopper), headers=h, json=body)
    analytics = [r for r in back["history"] if r["purpose"] == "analytics"]
    assert [(r["decision"], r["end_reason"]) for r in analytics] == [
        ("refused", "superseded"),
        ("granted", "withdrawn"),
        ("refused", None),
    ]
    # A refusal is not a grant to withdraw.
    missing = api.ok("DELETE", _url(shopper, "/analytics"), 404, headers=h)
    assert missing["code"] == "consent_not_found"
    # The export carries the refusals too.
    export = api.ok("GET", f"/api/v1/shop/{shopper['slug']}/me/export", headers=h)
    assert [c["decision"] for c in export["consents"] if c["purpose"] == "analytics"] == [
        "refused",
        "granted",
        "refused",
    ]


def test_us_viewers_are_opt_out_and_a_gpc_refusal_stops_marketing(
    api: Api, shopper: dict[str, Any], app: FastAPI
) -> None:
    h = shopper["headers"]
    view = api.ok("GET", _url(shopper, "?country=US"), headers=h)
    assert view["model"] == "opt_out"
    assert view["effective"] == {"marketing": True, "analytics": True, "personalisation": True}
    refused = api.ok(
        "PUT",
        _url(shopper),
        headers=h,
        json={
            "policy_version": POLICY_VERSION,
            "choices": {"marketing": False},
            "country": "US",
            "source": "gpc",
        },
    )
    assert refused["effective"]["marketing"] is False
    assert refused["effective"]["analytics"] is True
    assert refused["history"][0]["source"] == "gpc"
    # The same record read under the EU model: nothing was granted, so nothing runs.
    eu = api.ok("GET", _url(shopper, "?country=DE"), headers=h)
    assert eu["effective"] == {"marketing": False, "analytics": False, "personalisation": False}

    # The server-side check other domains call (analytics, reminders).
    with app.state.ctx.db.read() as session:
        sid, store = shopper["id"], shopper["store_id"]
        assert not service.allows(session, store, sid, "marketing", country="US")
        assert service.allows(session, store, sid, "analytics", country="US")
        assert not service.allows(session, store, sid, "analytics", country="FR")
        # no country: the shopper's own (ES, opt-in)
        assert not service.allows(session, store, sid, "analytics")


@pytest.mark.parametrize(
    ("body", "where", "needle"),
    [
        ({"policy_version": "v1", "choices": {}}, ["body"], "at least one"),
        (
            {"policy_version": "v1", "choices": {"necessary": False, "analytics": True}},
            ["body", "choices", "necessary"],
            "cannot be refused",
        ),
        (
            {"policy_version": "v1", "choices": {"tracking": True}},
            ["body", "choices", "tracking"],
            "",
        ),
        (
            {"policy_version": "v1", "choices": {"analytics": "yes"}},
            ["body", "choices", "analytics"],
            "boolean",
        ),
        (
            {"policy_version": "v1", "choices": {"analytics": 1}},
            ["body", "choices", "analytics"],
            "boolean",
        ),
        (
            {"policy_version": "no spaces!", "choices": {"analytics": True}},
            ["body", "policy_version"],
            "",
        ),
        ({"choices": {"analytics": True}}, ["body", "policy_version"], "required"),
        (
            {"policy_version": "v1", "choices": {"analytics": True}, "country": "spain"},
            ["body", "country"],
            "",
        ),
        (
            {"policy_version": "v1", "choices": {"analytics": True}, "source": "robot"},
            ["body", "source"],
            "",
        ),
        (
            {"policy_version": "v1", "choices": {"analytics": True}, "extra": 1},
            ["body", "extra"],
            "",
        ),
    ],
)
def test_bad_consent_input_is_a_clear_422(
    api: Api, shopper: dict[str, Any], body: dict[str, Any], where: list[str], needle: str
) -> None:
    error = api.ok("PUT", _url(shopper), 422, headers=shopper["headers"], json=body)
    assert error["code"] == "validation_error"
    locs = [d["loc"] for d in error["details"]]
    assert where in locs, locs
    if needle:
        assert any(needle in d["msg"] for d in error["details"]), error["details"]
    # nothing was written
    view = api.ok("GET", _url(shopper), headers=shopper["headers"])
    assert view["history"] == []


def test_bad_country_query_and_no_session(api: Api, shopper: dict[str, Any]) -> None:
    api.ok("GET", _url(shopper, "?country=usa"), 422, headers=shopper["headers"])
    body = {"policy_version": "v1", "choices": {"analytics": True}}
    api.ok("PUT", _url(shopper), 401, json=body)


@pytest.mark.parametrize(
    ("country", "model"),
    [("DE", "opt_in"), ("GB", "opt_in"), ("CH", "opt_in"), ("US", "opt_out"), ("SA", "opt_in"),
     (None, "opt_in"), ("us", "opt_out")],
)  # fmt: skip
def test_consent_model_per_market(country: str | None, model: str) -> None:
    assert consent_model(country) == model


def test_effective_per_model() -> None:
    assert [effective("opt_in", d) for d in (None, "granted", "refused")] == [False, True, False]
    assert [effective("opt_out", d) for d in (None, "granted", "refused")] == [True, True, False]
