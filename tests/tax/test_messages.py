"""Every tax name and note the engine (and commerce's cross-border quote) can put before a
shopper has a message key, and every page language translates it (issue 10: "VAT reverse
charge", de minimis, Swiss VAT, US duty and CUSMA notes stayed English on pt/id/ar pages).

The grid below quotes every jurisdiction of the tax table from several seller and origin
countries, with every category, low and high values, valid, foreign and broken VAT numbers,
DDP on and off and the distance-sales figures given or not: whatever name or note comes out
must be known to ``castcart.tax.messages``."""

from __future__ import annotations

import json
import re
import string
from functools import cache
from importlib import resources
from typing import Any

import pytest

from castcart.pages.i18n import SUPPORTED
from castcart.tax.engine import quote
from castcart.tax.messages import NOTES, TAX_NAMES, NoteMessage, note_message, tax_name_key
from castcart.tax.values import Category, TaxCase, TaxError

# Identical to English where that is right: none today (acronyms get a gloss or, in French,
# their French name: TPS, TVH, TVQ). A (lang, key) pair here must say why.
SAME_AS_ENGLISH: frozenset[tuple[str, str]] = frozenset()


@cache
def _locale(lang: str) -> dict[str, str]:
    text = resources.files("castcart.pages").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)
    return data


@cache
def _grid() -> tuple[frozenset[str], frozenset[str]]:
    table = json.loads(
        resources.files("castcart.tax").joinpath("data", "tax-table.json").read_text("utf-8")
    )
    regions: dict[str, list[str | None]] = {
        "US": list(table["us_states"]),
        "CA": list(table["ca_provinces"]),
        "BR": [None, "SP", "AC"],
    }
    names: set[str] = set()
    notes: set[str] = set()
    for seller, origin in [("DE", None), ("DE", "PL"), ("US", None), ("CN", None)]:
        for buyer in table["jurisdictions"]:
            for region in regions.get(buyer, [None]):
                for category in Category:
                    for value in (500, 9000, 200000):
                        for vat_id in (None, "DE811907980", "FR40303265045", "XX123"):
                            for ddp, sales in ((False, None), (True, 0)):
                                case = TaxCase(
                                    seller_country=seller,
                                    origin_country=origin,
                                    buyer_country=buyer,
                                    buyer_region=region,
                                    goods_value=value,
                                    shipping_value=500,
                                    currency="EUR",
                                    category=category,
                                    buyer_vat_id=vat_id,
                                    ddp=ddp,
                                    seller_eu_distance_sales_prior_year=sales,
                                    seller_eu_distance_sales_current_year=sales,
                                )
                                try:
                                    result = quote(case)
                                except TaxError:
                                    continue
                                names.update(ln.name for ln in (*result.lines, *result.duties))
                                notes.update(result.notes)
    return frozenset(names), frozenset(notes)


# What commerce's cross-border quote adds, as its code writes it (crossborder.py and
# crossborder_api.py), with the key and values each must read into.
COMMERCE_NOTES: list[tuple[str, NoteMessage]] = [
    (
        "prices include DE tax at 19%; it is replaced by the destination's tax",
        NoteMessage("note.home_tax_replaced", {"country": "DE", "rate": "19"}),
    ),
    (
        "cart mixes tax categories; quoted at the general rate",
        NoteMessage("note.mixed_categories"),
    ),
    (
        "product category unknown to the tax table; general rate used",
        NoteMessage("note.unknown_category"),
    ),
    (
        "no delivery lanes configured for this store: shipping not charged",
        NoteMessage("note.no_lanes"),
    ),
    (
        "IOSS scheme applies but the store has no IOSS number configured",
        NoteMessage("note.ioss_missing"),
    ),
    (
        "order ships from DE and ID: each country's parcels are taxed apart",
        NoteMessage("note.split_origins", {"origins": "DE, ID"}),
    ),
    (
        "parcels from ID: cart mixes tax categories; quoted at the general rate",
        NoteMessage("note.parcels_from", {"origin": "ID"}, NoteMessage("note.mixed_categories")),
    ),
    ("coupon not applied: coupon SAVE10 has expired", NoteMessage("note.coupon_not_applied")),
    ("share-code discount is applied at checkout", NoteMessage("note.share_code_at_checkout")),
]


def test_the_grid_reaches_the_engine_s_branches() -> None:
    names, notes = _grid()
    assert {"VAT reverse charge", "Import VAT", "GST/HST (de minimis)", "QST"} <= names
    keys = {m.key for m in map(note_message, notes) if m is not None}
    assert {
        "note.cusma",
        "note.us_duty_not_estimated",
        "note.ch_duty_weight",
        "note.vat_id_wrong_country",
        "note.vat_id_invalid",
        "note.b2b_domestic",
        "note.origin_not_home",
        "note.br_no_state",
    } <= keys


def test_every_tax_name_the_engine_emits_has_a_key() -> None:
    names, _ = _grid()
    assert sorted(names - set(TAX_NAMES)) == []


def test_every_note_the_engine_emits_reads_into_a_key() -> None:
    _, notes = _grid()
    assert sorted(n for n in notes if note_message(n) is None) == []


@pytest.mark.parametrize(
    ("text", "message"), COMMERCE_NOTES, ids=[m.key for _, m in COMMERCE_NOTES]
)
def test_commerce_notes_read_into_their_keys(text: str, message: NoteMessage) -> None:
    assert note_message(text) == message


def test_values_are_taken_from_the_sentence() -> None:
    message = note_message(
        "VAT number FR40303265045 is not a DE number (buyer in DE); no reverse charge, "
        "VAT charged as to a consumer"
    )
    assert message == NoteMessage(
        "note.vat_id_wrong_country",
        {"number": "FR40303265045", "expected": "DE", "country": "DE"},
    )
    invalid = note_message(
        "invalid VAT number 'XX123': One of the parts of the number are invalid or unknown.; "
        "no reverse charge, VAT charged as to a consumer"
    )
    assert invalid == NoteMessage("note.vat_id_invalid", {"number": "XX123"})
    assert note_message("something the engine never says") is None
    assert note_message("parcels from DE: something the engine never says") is None


def _keys() -> list[str]:
    return [tax_name_key(n) for n in TAX_NAMES] + sorted({key for key, _ in NOTES})


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", [lang for lang in SUPPORTED if lang != "en"])
def test_every_locale_translates_every_tax_name_and_note(lang: str) -> None:
    english, local = _locale("en"), _locale(lang)
    missing = [k for k in _keys() if k not in local]
    untranslated = [
        k
        for k in _keys()
        if k in local and local[k] == english[k] and (lang, k) not in SAME_AS_ENGLISH
    ]
    wrong_fields = [k for k in _keys() if k in local and _fields(local[k]) != _fields(english[k])]
    assert (missing, untranslated, wrong_fields) == ([], [], [])


def test_english_has_every_key_with_the_pattern_s_values() -> None:
    english = _locale("en")
    assert [k for k in _keys() if k not in english] == []
    for key, pattern in NOTES:
        values = set(re.compile(pattern).groupindex) - {"note"} | (
            {"note"} if "(?P<note>" in pattern else set()
        )
        assert _fields(english[key]) == values, key


def _translated(message: NoteMessage, strings: dict[str, Any]) -> str:
    values = dict(message.params)
    if message.inner is not None:
        values["note"] = _translated(message.inner, strings)
    return str(strings[message.key]).format(**values)


def test_a_split_order_note_reads_in_portuguese() -> None:
    message = note_message("parcels from ID: cart mixes tax categories; quoted at the general rate")
    assert message is not None
    assert _translated(message, _locale("pt")) == (
        "Volumes de ID: O carrinho mistura categorias fiscais; aplicada a taxa geral."
    )
