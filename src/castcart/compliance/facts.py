"""Fact check: what the host says about a product vs. the catalog record.

Extracts attribute claims (material, capacity, power, volume, weight, dimensions, origin,
certifications) and reports only *contradictions*: a claim about an attribute the catalog
does not record is left alone (nothing to compare), so the host is not drowned in noise.
Units are normalised (1.5 L == 1500 ml); charge (mAh) and energy (Wh) are only compared
when the catalog gives the battery voltage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from castcart.compliance.checker import _Doc, grammar, is_negated
from castcart.compliance.rules import resolve_language
from castcart.compliance.text import normalize, parse_number, quoted_spans
from castcart.compliance.values import FactFinding, Severity

# --- materials ---------------------------------------------------------------------------

_MATERIALS: Final[dict[str, tuple[str, ...]]] = {
    "faux_leather": (
        r"(?:faux|vegan|synthetic|imitation|pu|artificial|eco)[- ]leather",
        r"leatherette",
        r"kunstleder",
        r"veganes? leder",
        r"similicuir",
        r"simili[- ]cuir",
        r"cuir (?:vegan|synthétique|végétal)",
        r"cuero (?:sintético|vegano|artificial)",
        r"polipiel",
        r"eco ?piel",
        r"kulit (?:sintetis|imitasi|tiruan|pu)",
        r"جلد صناعي",
    ),
    "leather": (
        r"(?:genuine |real |full[- ]grain |top[- ]grain |cow ?hide |calf(?:skin)? |nappa )?"
        r"(?:italian )?leather",
        r"(?:echt|rind|glatt|nappa)?leder",
        r"cuir(?: véritable| pleine fleur)?",
        r"cuero(?: genuino| auténtico)?",
        r"piel (?:genuina|auténtica|de vacuno)",
        r"kulit (?:asli|sapi|lembu|tulen)",
        r"جلد طبيعي",
        r"جلد اصلي",
    ),
    "silk": (
        r"silk",
        r"seda",
        r"soie",
        r"seide",
        r"seiden(?!weich|glatt|matt|glanz)\w*",
        r"sutera",
        r"sutra",
        r"حرير",
    ),
    "cotton": (
        r"cotton",
        r"algodón",
        r"coton",
        r"baumwolle",
        r"baumwoll\w*",
        r"katun",
        r"kapas",
        r"قطن",
    ),
    "cashmere": (r"cashmere", r"cachemira", r"cachemire", r"kaschmir", r"kasmir", r"كشمير"),
    "merino": (r"merino(?: wool)?", r"merinowolle", r"laine mérinos", r"lana merino"),
    "wool": (r"wool", r"lana", r"laine", r"wolle", r"wol", r"bulu domba", r"صوف"),
    "linen": (r"linen", r"lino", r"lin", r"leinen", r"linen", r"كتان"),
    "polyester": (r"polyester", r"poliéster", r"poliester", r"بوليستر"),
    "nylon": (r"nylon", r"polyamide?", r"poliamida", r"nilon"),
    "viscose": (r"viscose", r"viscosa", r"viskose", r"rayon"),
    "bamboo": (r"bamboo", r"bambú", r"bambou", r"bambus", r"bambu"),
    "elastane": (r"elastane", r"spandex", r"lycra", r"elastano", r"élasthanne", r"elasthan"),
    "down": (r"(?:goose|duck) down", r"plumón", r"duvet d'oie", r"daunen"),
    "stainless_steel": (
        r"stainless steel",
        r"acero inoxidable",
        r"acier inoxydable",
        r"edelstahl",
        r"baja tahan karat",
        r"stainless",
    ),
    "aluminium": (r"alumini?um", r"aluminio", r"aluminium", r"الومنيوم"),
    "titanium": (r"titanium", r"titanio", r"titane", r"titan"),
    "gold": (
        r"(?:solid |pure |real |\d{2}\s?k(?:t|arat)? )gold",
        r"oro (?:macizo|de \d{2})",
        r"or massif",
        r"massivgold",
        r"emas (?:murni|asli|\d{2})",
        r"ذهب",
    ),
    "silver": (
        r"sterling silver",
        r"(?:solid |pure |real )silver",
        r"plata de ley",
        r"argent massif",
        r"sterlingsilber",
        r"perak (?:murni|asli)",
    ),
    "glass": (r"glass", r"vidrio", r"verre", r"glas", r"kaca", r"زجاج"),
    "ceramic": (r"ceramic", r"cerámica", r"céramique", r"keramik", r"keramik"),
    "wood": (
        r"(?:solid |real )wood",
        r"madera maciza",
        r"bois massif",
        r"massivholz",
        r"kayu solid",
    ),
    "plastic": (r"plastic", r"plástico", r"plastique", r"kunststoff", r"plastik", r"بلاستيك"),
}
_PARENT: Final[dict[str, str]] = {"merino": "wool", "cashmere": "wool"}
_DISPLAY: Final[dict[str, str]] = {
    "faux_leather": "faux leather",
    "stainless_steel": "stainless steel",
}
_STRONG = re.compile(
    r"(?:100\s?%|pure|genuine|real|made (?:of|from)|puro|pura|auténtic[oa]|hech[oa] de|pur|pure|"
    r"véritable|en|100 ?% aus|reine?r?|echte?s?|aus|asli|murni|terbuat dari|خالص|طبيعي)\s*$",
    re.IGNORECASE,
)
_SIMILE_BEFORE = re.compile(
    r"(?:like|as soft as|as smooth as|feels? like|looks? like|unlike|instead of|than|vs\.?|versus|"
    r"rather than|not|imitation|como|parece|a diferencia de|en vez de|que|comme|contrairement à|"
    r"au lieu de|wie|statt|anstatt|als|seperti|bagai|mirip|daripada|مثل|بدل)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_SIMILE_AFTER = re.compile(
    r"^(?:[- ]?(?:like|look|feel|effect|optik|imitat\w*|touch)\b|y\b|ig\b)", re.I
)


@lru_cache(maxsize=1)
def _material_re() -> re.Pattern[str]:
    parts = []
    for canon, words in _MATERIALS.items():
        alt = "|".join(normalize(w) for w in words)
        parts.append(f"(?P<{canon}>{alt})")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _catalog_materials(attrs: Mapping[str, Any]) -> dict[str, Decimal | None] | None:
    """canonical material -> percentage (None when unknown); None if no material data."""
    found: dict[str, Decimal | None] = {}
    seen = False
    for key in ("material", "materials", "composition", "fabric", "main_material", "lining"):
        if key not in attrs:
            continue
        seen = True
        value = attrs[key]
        if isinstance(value, Mapping):
            for name, pct in value.items():
                for canon in _materials_in(str(name)):
                    found[canon] = Decimal(str(pct)) if pct is not None else None
        elif isinstance(value, list | tuple):
            for item in value:
                _add_material_text(str(item), found)
        else:
            _add_material_text(str(value), found)
    return found if seen else None


def _materials_in(text: str) -> list[str]:
    return [m.lastgroup for m in _material_re().finditer(normalize(text)) if m.lastgroup]


def _add_material_text(text: str, found: dict[str, Decimal | None]) -> None:
    norm = normalize(text)
    for m in _material_re().finditer(norm):
        if not m.lastgroup:
            continue
        pct = re.search(r"(\d+(?:[.,]\d+)?)\s?%\s*$", norm[max(0, m.start() - 12) : m.start()])
        found[m.lastgroup] = Decimal(pct.group(1).replace(",", ".")) if pct else None


def _compatible(claim: str, catalog: Iterable[str]) -> bool:
    cats = set(catalog)
    if claim in cats or _PARENT.get(claim) in cats:
        return True
    return any(_PARENT.get(c) == claim for c in cats)


# --- quantities --------------------------------------------------------------------------

_UNITS: Final[dict[str, tuple[str, Decimal]]] = {
    "mah": ("charge", Decimal(1)),
    "ah": ("charge", Decimal(1000)),
    "wh": ("energy", Decimal(1)),
    "kwh": ("energy", Decimal(1000)),
    "ml": ("volume", Decimal(1)),
    "cl": ("volume", Decimal(10)),
    "l": ("volume", Decimal(1000)),
    "fl oz": ("volume", Decimal("29.5735")),
    "w": ("power", Decimal(1)),
    "kw": ("power", Decimal(1000)),
    "mm": ("length", Decimal(1)),
    "cm": ("length", Decimal(10)),
    "m": ("length", Decimal(1000)),
    "in": ("length", Decimal("25.4")),
    "g": ("weight", Decimal(1)),
    "kg": ("weight", Decimal(1000)),
    "lb": ("weight", Decimal("453.592")),
    "v": ("voltage", Decimal(1)),
}
_UNIT_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"mah", "mah"),
    (r"ah", "ah"),
    (r"kwh", "kwh"),
    (r"wh", "wh"),
    (r"ml|millilit(?:er|re)s?|mililitros?|millilitres?", "ml"),
    (r"cl", "cl"),
    (r"fl\.? ?oz", "fl oz"),
    (r"l|lit(?:er|re)s?|litros?|litres?|liter", "l"),
    (r"kw|kilowatts?", "kw"),
    (r"w|watts?|watt|vatios?", "w"),
    (r"mm|millimet(?:er|re)s?|milímetros?", "mm"),
    (r"cm|centimet(?:er|re)s?|centímetros?|zentimeter", "cm"),
    (r"inch(?:es)?|in\b|\"|''|zoll|pulgadas?|pouces?|inci", "in"),
    (r"kg|kilos?|kilograms?|kilogramm|kilogramos?", "kg"),
    (r"g|grams?|gramm|gramos?|grammes?|gram", "g"),
    (r"lbs?|pounds?", "lb"),
    (r"v|volts?", "v"),
)
_NUM = r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?"
_QTY_RE = re.compile(
    r"(?<![\w.,])(?P<num>"
    + _NUM
    + r")\s?-?\s?(?P<unit>"
    + "|".join(f"(?:{p})" for p, _ in _UNIT_WORDS)
    + r")(?![\w])",
    re.IGNORECASE,
)
_DIM3_RE = re.compile(
    r"(?<![\w.,])(?P<a>"
    + _NUM
    + r")\s?[x×*]\s?(?P<b>"
    + _NUM
    + r")(?:\s?[x×*]\s?(?P<c>"
    + _NUM
    + r"))?\s?(?P<unit>mm|cm|m|inch(?:es)?|in|\"|zoll)(?!\w)",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"(?:about|around|approx\.?|approximately|roughly|nearly|almost|~|ca\.?|circa|environ|"
    r"unos|unas|aproximadamente|cerca de|sekitar|kira-kira|lebih kurang|hampir|etwa|rund|"
    r"حوالي|تقريبا)\s*$",
    re.IGNORECASE,
)
_UPTO = re.compile(
    r"(?:up to|max(?:imum)?\.?|bis zu|jusqu.à|hasta|hingga|sampai|sehingga|over|more than|"
    r"mehr als|plus de|más de|lebih dari|at least|mindestens|au moins|al menos|minimal)\s*$",
    re.IGNORECASE,
)
_SCREEN = re.compile(
    r"(?:screen|display|pantalla|écran|ecran|bildschirm|layar|skrin|شاشه|diagonal)", re.I
)
_DIM_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "length": ("long", "length", "lang", "länge", "largo", "longueur", "panjang", "طول"),
    "width": ("wide", "width", "breit", "breite", "ancho", "largeur", "lebar", "عرض"),
    "height": ("high", "tall", "height", "hoch", "höhe", "alto", "hauteur", "tinggi", "ارتفاع"),
    "depth": ("deep", "depth", "tief", "tiefe", "profundo", "profondeur", "dalam"),
    "diameter": ("diameter", "durchmesser", "diámetro", "diamètre", "قطر"),
}


def _unit(raw: str) -> str:
    low = raw.lower().strip()
    for pattern, canon in _UNIT_WORDS:
        if re.fullmatch(pattern, low, re.IGNORECASE):
            return canon
    return low


@dataclass(frozen=True)
class _Qty:
    dimension: str
    value: Decimal  # in the base unit of its dimension
    key: str
    display: str


def _parse_qty(num: str, unit: str) -> tuple[str, Decimal] | None:
    canon = _unit(unit)
    if canon not in _UNITS:
        return None
    dim, factor = _UNITS[canon]
    value = parse_number(num, integer_unit=canon in {"mah", "ml", "w", "g", "mm"})
    if value is None:
        return None
    return dim, value * factor


_KEY_UNITS: Final[tuple[tuple[str, str], ...]] = (
    ("_mah", "mah"),
    ("_kwh", "kwh"),
    ("_wh", "wh"),
    ("_ml", "ml"),
    ("_cl", "cl"),
    ("_l", "l"),
    ("_liters", "l"),
    ("_litres", "l"),
    ("_kw", "kw"),
    ("_w", "w"),
    ("_watts", "w"),
    ("_mm", "mm"),
    ("_cm", "cm"),
    ("_inch", "in"),
    ("_in", "in"),
    ("_kg", "kg"),
    ("_g", "g"),
    ("_lb", "lb"),
    ("_v", "v"),
)


def _catalog_quantities(attrs: Mapping[str, Any], prefix: str = "") -> Iterator[_Qty]:
    for key, value in attrs.items():
        path = f"{prefix}{key}".lower()
        if isinstance(value, Mapping):
            yield from _catalog_quantities(value, f"{path}.")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float | Decimal):
            for suffix, unit in _KEY_UNITS:
                if path.endswith(suffix):
                    parsed = _parse_qty(str(value), unit)
                    if parsed:
                        yield _Qty(parsed[0], parsed[1], path, f"{value} {_display_unit(unit)}")
                    break
        elif isinstance(value, str):
            for m in _DIM3_RE.finditer(normalize(value)):
                for part in ("a", "b", "c"):
                    if m.group(part):
                        parsed = _parse_qty(m.group(part), m.group("unit"))
                        if parsed:
                            yield _Qty(parsed[0], parsed[1], f"{path}.{part}", value)
            if _DIM3_RE.search(normalize(value)):
                continue
            for m in _QTY_RE.finditer(normalize(value)):
                parsed = _parse_qty(m.group("num"), m.group("unit"))
                if parsed:
                    yield _Qty(parsed[0], parsed[1], path, m.group(0))


def _display_unit(unit: str) -> str:
    return {"mah": "mAh", "wh": "Wh", "kwh": "kWh", "l": "L", "w": "W", "kw": "kW"}.get(unit, unit)


# --- origin ------------------------------------------------------------------------------

_ORIGIN_RE = re.compile(
    r"(?:made in|manufactured in|produced in|hecho en|fabricad[oa] en|"
    r"fabriqué(?:e|s)? (?:en|au|aux)|"
    r"produit (?:en|au)|hergestellt in|produziert in|made in|buatan|dibuat di|diperbuat di|"
    r"صنع في|صناعه)\s+(?:the\s+|l[ae]s?\s+|der\s+|den\s+)?"
    r"(?P<country>[\w'.-]+(?:\s+[\w'.-]+){0,2})",
    re.IGNORECASE,
)
_COUNTRY_ALIASES: Final[dict[str, str]] = {
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "us": "US",
    "america": "US",
    "the usa": "US",
    "estados unidos": "US",
    "etats-unis": "US",
    "usa.": "US",
    "amerika": "US",
    "amerika serikat": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "reino unido": "GB",
    "royaume-uni": "GB",
    "grossbritannien": "GB",
    "inggris": "GB",
    "china": "CN",
    "chine": "CN",
    "cina": "CN",
    "tiongkok": "CN",
    "الصين": "CN",
    "prc": "CN",
    "italy": "IT",
    "italia": "IT",
    "italie": "IT",
    "italien": "IT",
    "ايطاليا": "IT",
    "france": "FR",
    "francia": "FR",
    "frankreich": "FR",
    "perancis": "FR",
    "فرنسا": "FR",
    "germany": "DE",
    "alemania": "DE",
    "allemagne": "DE",
    "deutschland": "DE",
    "jerman": "DE",
    "spain": "ES",
    "espana": "ES",
    "espagne": "ES",
    "spanien": "ES",
    "spanyol": "ES",
    "portugal": "PT",
    "japan": "JP",
    "japon": "JP",
    "jepang": "JP",
    "jepun": "JP",
    "korea": "KR",
    "south korea": "KR",
    "corea": "KR",
    "coree": "KR",
    "korea selatan": "KR",
    "vietnam": "VN",
    "viet nam": "VN",
    "india": "IN",
    "inde": "IN",
    "indien": "IN",
    "turkey": "TR",
    "turkiye": "TR",
    "turquia": "TR",
    "turquie": "TR",
    "turkei": "TR",
    "indonesia": "ID",
    "indonesie": "ID",
    "indonesien": "ID",
    "malaysia": "MY",
    "malaisie": "MY",
    "thailand": "TH",
    "tailandia": "TH",
    "thailande": "TH",
    "bangladesh": "BD",
    "mexico": "MX",
    "switzerland": "CH",
    "suiza": "CH",
    "suisse": "CH",
    "schweiz": "CH",
    "canada": "CA",
    "australia": "AU",
    "australie": "AU",
    "australien": "AU",
    "saudi arabia": "SA",
    "السعوديه": "SA",
    "uae": "AE",
    "الامارات": "AE",
    "taiwan": "TW",
    "poland": "PL",
    "polonia": "PL",
    "pologne": "PL",
    "polen": "PL",
    "netherlands": "NL",
    "holland": "NL",
    "sweden": "SE",
    "denmark": "DK",
    "austria": "AT",
    "osterreich": "AT",
}
_EUROPE: Final[frozenset[str]] = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "GB",
        "CH",
        "NO",
        "IS",
    ]
)
_REGIONS: Final[dict[str, frozenset[str]]] = {
    "europe": _EUROPE,
    "the eu": _EUROPE,
    "eu": _EUROPE,
    "europa": _EUROPE,
    "l'europe": _EUROPE,
    "l'ue": _EUROPE,
    "la ue": _EUROPE,
    "der eu": _EUROPE,
    "ue": _EUROPE,
    "eropa": _EUROPE,
}


def _country(raw: str) -> frozenset[str] | None:
    words = normalize(raw).lower().strip(" .,!?;:").split()
    for n in (3, 2, 1):
        cand = " ".join(words[:n]).strip(" .,!?;:")
        if not cand:
            continue
        if cand in _REGIONS:
            return _REGIONS[cand]
        if cand in _COUNTRY_ALIASES:
            return frozenset({_COUNTRY_ALIASES[cand]})
        if len(cand) == 2 and cand.isalpha() and n == 1 and raw.strip()[:2].isupper():
            return frozenset({cand.upper()})
        try:
            import pycountry

            hit = pycountry.countries.lookup(cand)
            return frozenset({str(hit.alpha_2)})
        except (LookupError, ImportError):
            continue
    return None


def _catalog_origin(attrs: Mapping[str, Any]) -> tuple[frozenset[str], str] | None:
    for key in ("origin", "country_of_origin", "made_in", "origin_country", "manufactured_in"):
        if key in attrs and attrs[key]:
            raw = str(attrs[key])
            codes = _country(raw)
            if codes:
                return codes, raw
    return None


# --- certifications ----------------------------------------------------------------------

_CERTS: Final[dict[str, str]] = {
    "CE": (
        r"(?-i:CE)(?=[- ](?:certified|certificado|certifié|zertifiziert|mark|marked|marking|"
        r"kennzeichnung|approved|compliant|konform|conforme|label|sertifikat|bersertifikat))"
        r"|(?:marquage|marcado|sello|certificación|certification|zertifizierung|sertifikasi) "
        r"(?-i:CE)\b|(?-i:CE)-(?:zeichen|siegel)"
    ),
    "FCC": r"(?-i:FCC)\b",
    "UL": r"(?-i:UL)(?=[- ](?:listed|certified|approved))",
    "RoHS": r"rohs\b",
    "GOTS": r"\bgots\b",
    "OEKO-TEX": r"oeko-?tex|öko-?tex",
    "organic": (
        r"\borganic\b|\borgánic[oa]\b|\bbio(?:logique|lógic[oa])?[- ](?=\w)|\bbio-\w+"
        r"|\b(?:coton|laine|lin|produits?|ingrédients?|huile|thé|café|baumwolle) bio\b"
        r"|\borganik\b|\bعضوي\b"
    ),
    "FSC": r"\bfsc\b",
    "Fairtrade": r"\bfair ?trade\b|\bcomercio justo\b|\bcommerce équitable\b",
    "EU Ecolabel": r"\beu ecolabel\b|\becolabel\b|\bécolabel\b",
    "Energy Star": r"\benergy star\b",
    "halal": (
        r"\bhalal[- ](?:certified|certificado|certifié|zertifiziert|bersertifikat)"
        r"|\b(?:bersertifikat|sertifikat|certified) halal\b|\bhalal\b"
    ),
    "TÜV": r"\btuv\b",
    "GS": r"(?-i:GS)[- ](?:zeichen|siegel|geprüft|certified)",
    "cruelty-free": r"\bcruelty[- ]free\b|\bleaping bunny\b|\bsin crueldad\b|\btierversuchsfrei\b",
    "vegan": r"\bvegan(?:o|a|e)?\b(?! leather)",
}


@lru_cache(maxsize=1)
def _cert_res() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(normalize(p), re.IGNORECASE) for name, p in _CERTS.items()}


def _catalog_certs(attrs: Mapping[str, Any]) -> set[str] | None:
    if "certifications" not in attrs and "certification" not in attrs:
        return None
    raw = attrs.get("certifications", attrs.get("certification")) or []
    items = [raw] if isinstance(raw, str) else list(raw)
    found: set[str] = set()
    for item in items:
        text = normalize(str(item))
        hit = False
        for name, rx in _cert_res().items():
            probe = f"{text} certified" if name in {"CE", "UL", "GS"} else text
            if rx.search(probe) or text.lower() == name.lower():
                found.add(name)
                hit = True
        if not hit:
            found.add(text)
    if attrs.get("organic") is True:
        found.add("organic")
    if attrs.get("halal_certified") is True:
        found.add("halal")
    if attrs.get("vegan") is True:
        found.add("vegan")
    return found


# --- suggestions -------------------------------------------------------------------------

_SUGGEST: Final[dict[str, str]] = {
    "en": (
        "The catalog says {attribute}: {catalog}. Say "
        "\u201c{catalog}\u201d instead of \u201c{claimed}\u201d."
    ),
    "es": "El catálogo indica {attribute}: {catalog}. Di «{catalog}» en lugar de «{claimed}».",
    "fr": (
        "Le catalogue indique {attribute} : {catalog}. Dites « "
        "{catalog} » au lieu de « {claimed} »."
    ),
    "de": "Laut Katalog {attribute}: {catalog}. Sag „{catalog}“ statt „{claimed}“.",
    "id": (
        "Katalog menyebut {attribute}: {catalog}. Katakan "
        "\u201c{catalog}\u201d, bukan \u201c{claimed}\u201d."
    ),
    "ms": (
        "Katalog menyatakan {attribute}: {catalog}. Sebut "
        "\u201c{catalog}\u201d, bukan \u201c{claimed}\u201d."
    ),
    "ar": "يذكر الكتالوج {attribute}: {catalog}. قل «{catalog}» بدلاً من «{claimed}».",
}
_CERT_MISSING: Final[dict[str, str]] = {
    "en": "The catalog lists no {claimed} certification (on record: {catalog}). Don't claim it.",
    "es": (
        "El catálogo no registra la certificación {claimed} "
        "(registradas: {catalog}). No la menciones."
    ),
    "fr": (
        "Le catalogue n'indique pas la certification {claimed} "
        "(enregistrées : {catalog}). Ne l'affirmez pas."
    ),
    "de": (
        "Im Katalog ist keine {claimed}-Zertifizierung hinterlegt "
        "(vorhanden: {catalog}). Nicht behaupten."
    ),
    "id": "Katalog tidak mencatat sertifikasi {claimed} (tercatat: {catalog}). Jangan klaim.",
    "ms": "Katalog tidak merekodkan pensijilan {claimed} (direkod: {catalog}). Jangan dakwa.",
    "ar": "لا يذكر الكتالوج شهادة {claimed} (المسجل: {catalog}). لا تدّعها.",
}


def _suggest(lang: str, attribute: str, claimed: str, catalog: str) -> str:
    template = _SUGGEST.get(lang, _SUGGEST["en"])
    return template.format(attribute=attribute, claimed=claimed, catalog=catalog)


# --- the checker -------------------------------------------------------------------------


@dataclass
class _Ctx:
    text: str
    norm: str
    lang: str
    doc: _Doc

    def skip(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.doc.quotes) or is_negated(
            self.doc, start
        )


def _fmt(value: Decimal, dim: str) -> str:
    unit = {
        "charge": "mAh",
        "energy": "Wh",
        "volume": "ml",
        "power": "W",
        "length": "mm",
        "weight": "g",
        "voltage": "V",
    }[dim]
    return f"{value.normalize():f} {unit}"


def _tolerance_ok(claimed: Decimal, actual: Decimal, before: str) -> bool:
    if _UPTO.search(before):
        return claimed <= actual * Decimal("1.02")
    tol = Decimal("0.10") if _HEDGE.search(before) else Decimal("0.02")
    return abs(claimed - actual) <= actual * tol + Decimal("0.5")


def _check_materials(c: _Ctx, attrs: Mapping[str, Any]) -> Iterator[FactFinding]:
    catalog = _catalog_materials(attrs)
    if not catalog:
        return
    shown = ", ".join(
        (f"{pct.normalize():f}% " if pct is not None else "") + _DISPLAY.get(m, m)
        for m, pct in catalog.items()
    )
    for m in _material_re().finditer(c.norm):
        canon = m.lastgroup or ""
        s, e = m.span()
        before = c.norm[max(0, s - 40) : s]
        if _SIMILE_BEFORE.search(before) or _SIMILE_AFTER.match(c.norm[e : e + 12]):
            continue
        if c.skip(s, e):
            continue
        strong = bool(_STRONG.search(before))
        if not _compatible(canon, catalog):
            sev: Severity = "high" if strong else "medium"
            claimed = c.text[s:e]
            yield FactFinding(
                "material",
                "fact.material",
                s,
                e,
                claimed,
                shown,
                sev,
                _suggest(c.lang, "material", claimed, shown),
            )
            continue
        pct = catalog.get(canon)
        full = re.search(r"(?:100\s?%|pure|puro|pura|pur|reine?|murni|خالص)\s*$", before, re.I)
        if full and pct is not None and pct < 100:
            lo = max(0, s - (len(before) - full.start()))
            claimed = c.text[lo:e]
            yield FactFinding(
                "material",
                "fact.material",
                lo,
                e,
                claimed,
                shown,
                "high",
                _suggest(c.lang, "material", claimed, shown),
            )


def _check_quantities(c: _Ctx, attrs: Mapping[str, Any]) -> Iterator[FactFinding]:
    catalog = list(_catalog_quantities(attrs))
    if not catalog:
        return
    by_dim: dict[str, list[_Qty]] = {}
    for q in catalog:
        by_dim.setdefault(q.dimension, []).append(q)
    volts = by_dim.get("voltage", [])
    dims_done: list[tuple[int, int]] = []
    for m in _DIM3_RE.finditer(c.norm):
        s, e = m.span()
        lengths = sorted(q.value for q in by_dim.get("length", []))
        parts = [p for p in (m.group("a"), m.group("b"), m.group("c")) if p]
        vals = [_parse_qty(p, m.group("unit")) for p in parts]
        claimed_vals = sorted(v[1] for v in vals if v)
        dims_done.append((s, e))
        if len(lengths) < len(claimed_vals) or c.skip(s, e):
            continue
        ok = any(
            all(
                abs(a - b) <= b * Decimal("0.03") + 1
                for a, b in zip(claimed_vals, combo, strict=True)
            )
            for combo in _combos(lengths, len(claimed_vals))
        )
        if not ok:
            shown = " × ".join(_fmt(v, "length") for v in lengths)
            yield FactFinding(
                "dimensions",
                "fact.dimensions",
                s,
                e,
                c.text[s:e],
                shown,
                "medium",
                _suggest(c.lang, "dimensions", c.text[s:e], shown),
            )
    for m in _QTY_RE.finditer(c.norm):
        s, e = m.span()
        if any(ds <= s < de for ds, de in dims_done):
            continue
        parsed = _parse_qty(m.group("num"), m.group("unit"))
        if not parsed:
            continue
        dim, value = parsed
        before = c.norm[max(0, s - 30) : s]
        candidates = list(by_dim.get(dim, []))
        if dim in {"charge", "energy"} and not candidates and volts:
            other = "energy" if dim == "charge" else "charge"
            for q in by_dim.get(other, []):
                v = volts[0].value
                conv = q.value * v / 1000 if dim == "energy" else q.value * 1000 / v
                candidates.append(_Qty(dim, conv, q.key, q.display))
        if dim == "length":
            candidates = _length_candidates(c, s, e, by_dim.get("length", []))
        if dim == "voltage" or not candidates or c.skip(s, e):
            continue
        if any(_tolerance_ok(value, q.value, before) for q in candidates):
            continue
        shown = ", ".join(dict.fromkeys(q.display for q in candidates))
        attribute = {"charge": "capacity", "energy": "capacity", "length": "dimensions"}.get(
            dim, dim
        )
        claimed = c.text[s:e]
        yield FactFinding(
            attribute,
            f"fact.{attribute}",
            s,
            e,
            claimed,
            shown,
            "high",
            _suggest(c.lang, attribute, claimed, shown),
        )


def _combos(values: list[Decimal], n: int) -> Iterator[list[Decimal]]:
    from itertools import combinations

    for combo in combinations(values, n):
        yield sorted(combo)


def _length_candidates(c: _Ctx, s: int, e: int, lengths: list[_Qty]) -> list[_Qty]:
    around = c.norm[max(0, s - 40) : min(len(c.norm), e + 40)].lower()
    if _SCREEN.search(around):
        return [q for q in lengths if _SCREEN.search(q.key)]
    for dim, words in _DIM_WORDS.items():
        if any(re.search(rf"(?<!\w){re.escape(normalize(w))}(?!\w)", around) for w in words):
            keyed = [q for q in lengths if dim in q.key]
            return keyed or [q for q in lengths if not _SCREEN.search(q.key)]
    return []


def _check_origin(c: _Ctx, attrs: Mapping[str, Any]) -> Iterator[FactFinding]:
    catalog = _catalog_origin(attrs)
    if not catalog:
        return
    codes, shown = catalog
    for m in _ORIGIN_RE.finditer(c.norm):
        claimed_codes = _country(m.group("country"))
        if not claimed_codes:
            continue
        s = m.start()
        words = m.group("country").split()
        # trim the span to the country words that resolved
        e = m.end("country")
        for n in (1, 2, 3):
            if _country(" ".join(words[:n])) == claimed_codes:
                e = m.start("country") + len(" ".join(words[:n]))
                break
        if c.skip(s, e) or claimed_codes & codes:
            continue
        claimed = c.text[s:e]
        yield FactFinding(
            "origin",
            "fact.origin",
            s,
            e,
            claimed,
            shown,
            "high",
            _suggest(c.lang, "origin", claimed, shown),
        )


def _check_certs(c: _Ctx, attrs: Mapping[str, Any]) -> Iterator[FactFinding]:
    catalog = _catalog_certs(attrs)
    if catalog is None:
        return
    shown = ", ".join(sorted(catalog)) or "-"
    for name, rx in _cert_res().items():
        if name in catalog:
            continue
        for m in rx.finditer(c.norm):
            s, e = m.span()
            if c.skip(s, e):
                continue
            if name == "halal" and re.search(
                r"(?:non|tidak|bukan|not|غير)[- ]?\s*$", c.norm[max(0, s - 8) : s], re.I
            ):
                continue
            template = _CERT_MISSING.get(c.lang, _CERT_MISSING["en"])
            yield FactFinding(
                "certification",
                "fact.certification",
                s,
                e,
                c.text[s:e],
                shown,
                "high",
                template.format(claimed=name, catalog=shown),
            )
            break


def fact_check(text: str, lang: str, product_attributes: Mapping[str, Any]) -> list[FactFinding]:
    """Claims in ``text`` that contradict ``product_attributes`` (the catalog record)."""
    language = resolve_language(lang)
    norm = normalize(text)
    doc = _Doc(text, norm, quoted_spans(norm), grammar(language), None, "")
    c = _Ctx(text, norm, language, doc)
    out: list[FactFinding] = []
    for check in (_check_materials, _check_quantities, _check_origin, _check_certs):
        out.extend(check(c, product_attributes))
    out.sort(key=lambda f: (f.start, f.end))
    return out
