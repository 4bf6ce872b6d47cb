"""Shipping service codes get a label in every page language (issue 10: the order page, the
admin and the shipping mail showed the raw code "standard")."""

from __future__ import annotations

import pytest

from castcart.fulfillment.values import SERVICE_CODES
from castcart.pages.i18n import SUPPORTED, PageLocale, _load
from castcart.pages.order_view import service_key, service_label


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_service_code_has_a_label_in_every_language(lang: str) -> None:
    english, local = _load("en"), _load(lang)
    for code in SERVICE_CODES:
        key = service_key(code)
        assert local.get(key), (lang, key)
        if lang != "en":
            assert local[key] != english[key], (lang, key)
        assert local[key] != code


def test_codes_are_read_loosely_and_unknown_services_stay_as_written() -> None:
    de = PageLocale("de")
    assert service_label(de, "standard") == "Standardversand"
    assert service_label(de, "Express") == "Expressversand"
    assert (
        service_label(de, "same-day") == service_label(de, "same_day") == "Zustellung am selben Tag"
    )
    assert service_label(de, "Paket 24h Plus") == "Paket 24h Plus"
    assert service_label(de, "") == ""
    assert service_label(de, None) == ""
