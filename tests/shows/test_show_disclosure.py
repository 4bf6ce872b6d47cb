"""A show marked sponsored / gifted / affiliate (API and its validation), the label each
market's viewer gets on the shopper page in their language, and the iftar countdown option
(only for a show aimed at a market that observes prayer times, on a Ramadan day there)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from castcart.compliance import scheduling
from castcart.compliance.disclosure import disclosure_for, label_keys, regime_for
from castcart.pages.i18n import SUPPORTED, _load
from tests.helpers import Api

RAMADAN_DAY = "2027-02-20T19:00:00Z"  # 1448-09-13 (Umm al-Qura), 22:00 in Riyadh


def _show(api: Api, store: dict[str, Any], expected: int = 201, **fields: Any) -> Any:
    body = {"title": "Serum night", "scheduled_at": "2026-12-18T18:00:00Z", **fields}
    return api.ok("POST", "/api/v1/shows", expected, headers=store["headers"], json=body)


def test_a_sponsored_show_is_stored_and_public(api: Api) -> None:
    store = api.store()
    show = _show(api, store, commercial_relationship="sponsored", disclosure_brand="  Glow Labs ")
    assert (show["commercial_relationship"], show["disclosure_brand"]) == ("sponsored", "Glow Labs")
    slug = store["store"]["slug"]
    public = api.ok("GET", f"/api/v1/shop/{slug}/shows/{show['id']}")
    assert public["show"]["commercial_relationship"] == "sponsored"
    assert public["show"]["disclosure_brand"] == "Glow Labs"

    changed = api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/disclosure",
        headers=store["headers"],
        json={"commercial_relationship": "affiliate", "disclosure_brand": "Shopsy"},
    )
    assert changed["commercial_relationship"] == "affiliate"
    cleared = api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/disclosure",
        headers=store["headers"],
        json={"commercial_relationship": "none"},
    )
    assert (cleared["commercial_relationship"], cleared["disclosure_brand"]) == ("none", "")
    default = _show(api, store)
    assert default["commercial_relationship"] == "none"


@pytest.mark.parametrize(
    ("fields", "loc", "needle"),
    [
        ({"commercial_relationship": "paid"}, ["body", "commercial_relationship"], ""),
        ({"commercial_relationship": "sponsored"}, ["body"], "must name the brand"),
        ({"commercial_relationship": "gifted", "disclosure_brand": "   "}, ["body"], "brand"),
        ({"disclosure_brand": "Glow Labs"}, ["body"], "'none'"),
        ({"commercial_relationship": "affiliate", "disclosure_brand": "x" * 121},
         ["body", "disclosure_brand"], "120"),
        ({"iftar_countdown": "yes"}, ["body", "iftar_countdown"], "boolean"),
    ],
)  # fmt: skip
def test_bad_disclosure_input_is_a_clear_422(
    api: Api, fields: dict[str, Any], loc: list[str], needle: str
) -> None:
    store = api.store()
    error = _show(api, store, 422, **fields)
    assert error["code"] == "validation_error"
    assert loc in [d["loc"] for d in error["details"]], error["details"]
    if needle:
        assert any(needle in d["msg"] for d in error["details"]), error["details"]
    show = _show(api, store)
    put = api.ok(
        "PUT", f"/api/v1/shows/{show['id']}/disclosure", 422, headers=store["headers"], json=fields
    )
    assert put["code"] == "validation_error"


def test_disclosure_needs_write_permission_and_an_own_show(api: Api) -> None:
    store, other = api.store(), api.store()
    show = _show(api, store)
    body = {"commercial_relationship": "gifted", "disclosure_brand": "Glow Labs"}
    missing = api.ok(
        "PUT", f"/api/v1/shows/{show['id']}/disclosure", 404, headers=other["headers"], json=body
    )
    assert missing["code"] == "show_not_found"
    api.ok("PUT", f"/api/v1/shows/{show['id']}/disclosure", 401, json=body)


def test_iftar_countdown_only_for_ramadan_in_a_prayer_market(api: Api) -> None:
    store = api.store(country="DE")
    # Germany does not observe prayer times in the scheduling table: refused, with why.
    refused = _show(api, store, 422, scheduled_at=RAMADAN_DAY, iftar_countdown=True)
    assert refused["code"] == "iftar_not_applicable"
    assert refused["details"]["markets"] == ["DE"]
    # Saudi Arabia, but in December (not Ramadan): refused.
    december = _show(api, store, 422, markets=["SA"], iftar_countdown=True)
    assert december["code"] == "iftar_not_applicable"
    # Saudi Arabia in Ramadan: accepted.
    show = _show(api, store, markets=["SA", "DE"], scheduled_at=RAMADAN_DAY, iftar_countdown=True)
    assert show["iftar_countdown"] is True
    # The schedule check tells the form to offer it.
    check = api.ok(
        "POST",
        "/api/v1/shows/schedule-check",
        headers=store["headers"],
        json={"market": "SA", "starts_at": RAMADAN_DAY},
    )
    assert (check["observes_prayer_times"], check["ramadan"]) == (True, True)
    check = api.ok(
        "POST",
        "/api/v1/shows/schedule-check",
        headers=store["headers"],
        json={"market": "DE", "starts_at": RAMADAN_DAY},
    )
    assert (check["observes_prayer_times"], check["ramadan"]) == (False, False)


def test_next_iftar_is_todays_maghrib_then_tomorrows() -> None:
    morning = datetime(2027, 2, 20, 6, 0, tzinfo=UTC)
    found = scheduling.next_iftar("SA", morning)
    assert found is not None
    assert found.city == "Riyadh"
    maghrib = scheduling.prayer_times(scheduling.PRAYER_MARKETS["SA"][0], morning.date())
    assert found.at == maghrib["maghrib"]
    assert found.local_time == found.at.astimezone(scheduling.ZoneInfo("Asia/Riyadh")).strftime(
        "%H:%M"
    )
    after = scheduling.next_iftar("SA", found.at)
    assert after is not None
    assert after.at.date().isoformat() == "2027-02-21"
    assert scheduling.next_iftar("SA", datetime(2026, 12, 20, tzinfo=UTC)) is None
    assert scheduling.next_iftar("DE", morning) is None
    # the last day of Ramadan 1448 (2027-03-08) after Maghrib: the next day is Shawwal
    last = scheduling.next_iftar("SA", datetime(2027, 3, 8, 20, 0, tzinfo=UTC))
    assert last is None


@pytest.mark.parametrize(
    ("country", "regime"),
    [("US", "ftc"), ("GB", "asa"), ("ES", "dsa"), ("DE", "dsa"), ("NO", "dsa"), ("SA", "general"),
     (None, "general"), ("gb", "asa")],
)  # fmt: skip
def test_regime_per_viewer_market(country: str | None, regime: str) -> None:
    assert regime_for(country) == regime


def test_every_disclosure_label_is_in_every_language() -> None:
    english = _load("en")
    for key in label_keys():
        assert key in english, key
        for lang in SUPPORTED:
            assert _load(lang)[key].strip(), (lang, key)
    assert disclosure_for("none", "", "US") is None
    with pytest.raises(ValueError, match="unknown commercial relationship"):
        disclosure_for("paid", "x", "US")


@pytest.mark.parametrize(
    ("lang", "country", "label", "detail"),
    [
        ("es", "ES", "Publicidad", "Este directo está pagado por Glow Labs."),
        ("ar", "SA", "مُموَّل", "هذا البث مدفوع من Glow Labs."),
        ("en", "US", "Paid partnership", "This show is paid for by Glow Labs."),
        ("en", "GB", "Ad", "This show is paid for by Glow Labs."),
        ("de", "DE", "Werbung", "Diese Show wird von Glow Labs bezahlt."),
        ("es", "US", "Colaboración pagada", "Este directo está pagado por Glow Labs."),
    ],
)
def test_shopper_page_shows_the_markets_label_in_the_viewers_language(
    api: Api, lang: str, country: str, label: str, detail: str
) -> None:
    store = api.store()
    show = _show(api, store, commercial_relationship="sponsored", disclosure_brand="Glow Labs")
    page = api.client.get(
        f"/s/{store['store']['slug']}/shows/{show['id']}?lang={lang}&country={country}"
    )
    assert page.status_code == 200
    html = page.text
    assert f'<strong class="disclosure-label">{label}</strong>' in html
    assert detail in html
    embed = api.client.get(
        f"/s/{store['store']['slug']}/shows/{show['id']}?lang={lang}&country={country}&embed=1"
    )
    assert f'<strong class="disclosure-label">{label}</strong>' in embed.text


def test_no_label_without_a_relationship(api: Api) -> None:
    store = api.store()
    show = _show(api, store)
    html = api.client.get(f"/s/{store['store']['slug']}/shows/{show['id']}?lang=es").text
    assert 'id="cc-disclosure"' not in html
    assert 'id="cc-consent-banner"' in html  # the banner is there on every show page


def test_shopper_page_counts_down_to_iftar_in_ramadan(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from castcart.pages import routes

    store = api.store(country="DE")
    show = _show(api, store, markets=["SA"], scheduled_at=RAMADAN_DAY, iftar_countdown=True)
    url = f"/s/{store['store']['slug']}/shows/{show['id']}"
    monkeypatch.setattr(routes, "utcnow", lambda: datetime(2027, 2, 20, 10, 0, tzinfo=UTC))
    html = api.client.get(f"{url}?lang=en").text
    assert "Iftar in Riyadh at 17:50" in html
    assert 'data-at="2027-02-20T14:50:00+00:00"' in html
    assert "الإفطار في Riyadh الساعة 17:50" in api.client.get(f"{url}?lang=ar").text
    # Outside Ramadan the option stays stored but nothing is shown.
    monkeypatch.setattr(routes, "utcnow", lambda: datetime(2027, 4, 1, 10, 0, tzinfo=UTC))
    assert 'id="cc-iftar"' not in api.client.get(f"{url}?lang=en").text


def test_every_eu_member_and_the_eea_states_get_the_dsa_label() -> None:
    """The EU list is the tax table's one list (a hand copy here once left out Hungary)."""
    from castcart.compliance.disclosure import regime_for
    from castcart.tax.table import EU_MEMBERS

    assert {regime_for(c) for c in EU_MEMBERS | {"NO", "IS", "LI"}} == {"dsa"}
    assert regime_for("HU") == "dsa"
