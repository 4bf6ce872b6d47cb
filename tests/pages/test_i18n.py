"""Language choice, catalogs and locale formatting of the pages (pure logic)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from castcart.pages.i18n import (
    SUPPORTED,
    PageLocale,
    _load,
    catalog,
    negotiate,
    parse_accept_language,
    region_of,
)

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_accept_language_is_ranked_by_quality_then_order() -> None:
    header = "fr-CH;q=0.4, de;q=0.9, *;q=0.1, es-MX, en;q=0"
    assert parse_accept_language(header) == ["es-MX", "de", "fr-CH"]
    assert parse_accept_language("") == []
    assert parse_accept_language("de;q=abc, fr") == ["fr"]


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("es", "de", "fr", "es"),  # ?lang= wins
        (None, "de", "fr", "de"),  # then the visitor's earlier choice
        (None, None, "pt-BR,pt;q=0.9", "pt"),  # then the browser
        ("xx", None, "ja, ar-SA;q=0.5", "ar"),  # unsupported ones fall through
        (None, None, None, "en"),
        ("ZH-hans", None, None, "zh"),
    ],
)
def test_negotiate(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(query, cookie, header) == expected


def test_region_guess_from_accept_language() -> None:
    assert region_of("es-MX,es;q=0.9") == "MX"
    assert region_of("zh-Hans-CN") == "CN"
    assert region_of("de") is None


def test_every_catalog_has_every_key_with_the_same_placeholders() -> None:
    english = _load("en")
    for lang in SUPPORTED:
        strings = _load(lang)
        assert set(strings) == set(english), lang
        for key, text in strings.items():
            assert text.strip(), (lang, key)
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (
                lang,
                key,
            )


def test_translated_catalogs_are_translations() -> None:
    """Guards against a copied English file: most strings must differ from English."""
    english = _load("en")
    for lang in SUPPORTED:
        if lang == "en":
            continue
        same = sum(1 for k, v in _load(lang).items() if v == english[k])
        assert same < len(english) * 0.15, (lang, same)


def test_direction_and_strings() -> None:
    assert PageLocale("ar").direction == "rtl"
    assert PageLocale("de").direction == "ltr"
    assert PageLocale("es").t("shop.add_to_cart") == "Añadir al carrito"
    assert (
        PageLocale("fr").t("shop.order_paid", number="A-7") == "Merci ! La commande A-7 est payée."
    )
    assert catalog("th")["shop.send"] == "ส่ง"


def test_money_from_minor_units_follows_the_locale_and_currency() -> None:
    assert PageLocale("en").money(4900, "EUR") == "€49.00"
    assert PageLocale("de").money(4900, "EUR") == "49,00\xa0€"
    assert PageLocale("en").money(1500, "JPY") == "¥1,500"  # no minor unit
    assert PageLocale("ar").money(12345, "KWD").replace("\u200f", "").startswith("12.345")


def test_dates_and_language_names() -> None:
    when = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert "2026" in PageLocale("vi").datetime(when, UTC)
    assert PageLocale("en").language_name("vi") == "Tiếng Việt"
    assert PageLocale("en").language_name("de") == "Deutsch"
