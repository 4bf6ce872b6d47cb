"""The tax engine's display strings as message keys, so pages show them in their language.

The engine (and commerce's cross-border quote) writes tax names and notes in English: that
text stays the API's and the invoice's. For people, each name has the catalog key
``tax.<name>`` (``TAX_NAMES``: every name a quote can carry) and each note one ``note.*``
key with its values (``NOTES``: one pattern per sentence the code writes). ``note_message``
reads a note into its key and values; the page catalogs (``castcart/pages/locales``) hold
the translations, and ``tests/tax/test_messages.py`` walks every name and note a grid of
quotes produces and checks every locale translates it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Every tax and duty line name the engine emits (engine.py and the tax table's tax_name,
# "Import " + tax_name, pst_name), checked against a grid of quotes by the tests.
TAX_NAMES: tuple[str, ...] = (
    "Consumption tax",
    "Customs duty (estimate)",
    "EU interim customs duty (EUR 3 per tariff item)",
    "GST",
    "GST/HST",
    "GST/HST (de minimis)",
    "HST",
    "ICMS",
    "IVA (de minimis)",
    "Import GST",
    "Import IVA",
    "Import Sales tax",
    "Import VAT",
    "Import VAT (MVA)",
    "Import VAT (not collected)",
    "Import consumption tax (national)",
    "Import consumption tax (small-amount exemption)",
    "Imposto de Importação (II)",
    "Local consumption tax",
    "PPN (VAT)",
    "PPh 22 import income tax",
    "PST",
    "QST",
    "RST",
    "Sales tax",
    "Tasa global (courier: duty and IVA)",
    "VAT",
    "VAT (MVA)",
    "VAT (PPN)",
    "VAT (de minimis)",
    "VAT (low value)",
    "VAT reverse charge",
)


def tax_name_key(name: str) -> str:
    return f"tax.{name}"


_VAT_ID = r"(?P<number>\S+)"
_NO_REVERSE = "; no reverse charge, VAT charged as to a consumer"

# (catalog key, the English sentence as a pattern; named groups are the key's values)
NOTES: tuple[tuple[str, str], ...] = (
    # commerce/crossborder.py
    (
        "note.home_tax_replaced",
        r"prices include (?P<country>[A-Z]{2}) tax at (?P<rate>[\d.]+)%; "
        r"it is replaced by the destination's tax",
    ),
    ("note.mixed_categories", r"cart mixes tax categories; quoted at the general rate"),
    ("note.unknown_category", r"product category unknown to the tax table; general rate used"),
    ("note.no_lanes", r"no delivery lanes configured for this store: shipping not charged"),
    ("note.ioss_missing", r"IOSS scheme applies but the store has no IOSS number configured"),
    (
        "note.split_origins",
        r"order ships from (?P<origins>[A-Z]{2}(?: and [A-Z]{2})+): "
        r"each country's parcels are taxed apart",
    ),
    ("note.parcels_from", r"parcels from (?P<origin>[A-Z]{2}): (?P<note>.+)"),
    # commerce/crossborder_api.py
    ("note.coupon_not_applied", r"coupon not applied: .+"),
    ("note.share_code_at_checkout", r"share-code discount is applied at checkout"),
    # tax/engine.py
    ("note.b2b_domestic", _VAT_ID + r": domestic B2B sale, VAT charged normally"),
    (
        "note.vat_id_wrong_country",
        r"VAT number " + _VAT_ID + r" is not a (?P<expected>[A-Z]{2}) number "
        r"\(buyer in (?P<country>[A-Z]{2})\)" + _NO_REVERSE,
    ),
    ("note.vat_id_invalid", r"invalid (?:GB )?VAT number '?(?P<number>[^':]+)'?: .*" + _NO_REVERSE),
    (
        "note.origin_not_home",
        r"goods ship from (?P<origin>[A-Z]{2}), not the seller's own member state: "
        r"destination VAT",
    ),
    (
        "note.distance_sales_assumed",
        r"seller's EU distance sales not given: EUR 10,000 threshold assumed exceeded",
    ),
    (
        "note.my_single_stage",
        r"Malaysian sales tax is single-stage \(manufacturer/import level\)",
    ),
    ("note.ch_vat_waived", r"computed import VAT \d+ minor units is waived \(CHF 5 rule\)"),
    ("note.ch_duty_weight", r"Swiss duty is weight-based and not estimated"),
    (
        "note.jp_exemption_excluded",
        r"knitted garments, leather bags and footwear are excluded from the JPY 10,000 "
        r"exemption; assumed not to be such goods",
    ),
    ("note.duty_not_estimated", r"duty depends on the tariff code and origin; not estimated"),
    (
        "note.br_domestic",
        r"domestic Brazilian taxes \(ICMS, PIS/COFINS, IPI\) are price-inclusive",
    ),
    (
        "note.br_no_state",
        r"no state given: ICMS 17% assumed \(20% in AC, AL, AP, BA, CE, MG, \.\.\.\)",
    ),
    ("note.cusma", r"CUSMA-originating goods assumed: no customs duty"),
    (
        "note.us_duty_not_estimated",
        r"US duty not estimated: de minimis suspended since (?P<date>\d{4}-\d{2}-\d{2}); "
        r"tariffs depend on HTS code and origin",
    ),
    ("note.duty_estimates", r"duty figures are estimates"),
)
_COMPILED = tuple((key, re.compile(f"^{pattern}$")) for key, pattern in NOTES)


@dataclass(frozen=True)
class NoteMessage:
    """A note as a catalog key and its values; ``inner``: the note it wraps (parcels from
    one country of a split order), itself a message."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    inner: NoteMessage | None = None


def note_message(text: str) -> NoteMessage | None:
    """The key and values of an engine note; None for a sentence no pattern knows (the page
    then shows the English text, and the tests fail on it)."""
    for key, pattern in _COMPILED:
        match = pattern.match(text)
        if match is None:
            continue
        params = {k: v for k, v in match.groupdict().items() if v is not None}
        inner = None
        if "note" in params:
            inner = note_message(params.pop("note"))
            if inner is None:
                return None
        if "origins" in params:
            params["origins"] = ", ".join(params["origins"].split(" and "))
        return NoteMessage(key, params, inner)
    return None
