"""Loading the versioned rule packs and language lexicons, compiled once per market/language.

Rules live as data (``rules/<market>.toml``) so counsel can review and amend them without
touching code; detection vocabularies live per language (``rules/lexicons/<lang>.toml``)
so a linguist can extend a language without knowing the markets.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from castcart.compliance.price_reference import REGIMES as PRICE_REGIMES
from castcart.compliance.text import normalize
from castcart.compliance.values import CATEGORIES, SEVERITIES, ComplianceInputError, Severity

MARKETS: Final[tuple[str, ...]] = ("us", "eu", "fr", "de", "uk", "au", "sa_ae", "id_my")

_MARKET_ALIASES: Final[dict[str, str]] = {
    "gb": "uk",
    "sa": "sa_ae",
    "ae": "sa_ae",
    "uae": "sa_ae",
    "ksa": "sa_ae",
    "gulf": "sa_ae",
    "id": "id_my",
    "my": "id_my",
    "usa": "us",
    "ca": "us",
}
# Member states (and EEA states) without a pack of their own fall back to the EU pack.
_EU_MEMBERS: Final[frozenset[str]] = frozenset(
    [
        "at",
        "be",
        "bg",
        "hr",
        "cy",
        "cz",
        "dk",
        "ee",
        "fi",
        "gr",
        "hu",
        "ie",
        "it",
        "lv",
        "lt",
        "lu",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "si",
        "es",
        "se",
        # EEA states outside the EU apply the same consumer acquis (UCPD, the Price
        # Indication Directive with its Omnibus 30-day rule) through the EEA Agreement
        "is",
        "li",
        "no",
    ]
)

LANGUAGES: Final[tuple[str, ...]] = ("en", "es", "fr", "de", "id", "ms", "ar")
_LANG_ALIASES: Final[dict[str, str]] = {"in": "id", "zsm": "ms", "ind": "id", "msa": "ms"}


def resolve_market(market: str) -> str:
    """Map a market code (``FR``, ``gb``, ``ae``, ``es``) onto a rule pack name."""
    key = (market or "").strip().lower().replace("-", "_")
    if key in MARKETS:
        return key
    if key in _MARKET_ALIASES:
        return _MARKET_ALIASES[key]
    if key in _EU_MEMBERS:
        return "eu"
    raise ComplianceInputError("unknown_market", f"no rule pack for market {market!r}")


def resolve_language(lang: str) -> str:
    """Map ``en-US``, ``fr_FR``, ``in`` onto a lexicon language."""
    key = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    key = _LANG_ALIASES.get(key, key)
    if key in LANGUAGES:
        return key
    raise ComplianceInputError("unsupported_language", f"no lexicon for language {lang!r}")


@dataclass(frozen=True, slots=True)
class Rule:
    """One legal rule as data: what it forbids, where it comes from, how to spot it."""

    id: str
    market: str
    category: str
    description: str
    source: str
    severity: Severity
    languages: tuple[str, ...]
    lexicon: str | None
    kinds: tuple[str, ...]
    patterns: Mapping[str, tuple[str, ...]]
    labels: tuple[str, ...]
    suggestion: Mapping[str, str]
    replaces: tuple[str, ...] = ()
    allow_evidence: bool = True
    price_basis: str = "lowest_30d"
    notice_ok: bool = False


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's detection vocabulary (regex sources, not yet compiled)."""

    lang: str
    grammar: Mapping[str, Any]
    tables: Mapping[str, Mapping[str, tuple[str, ...]]]
    suggestions: Mapping[str, str]
    messages: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Pack:
    """A market's rule pack after resolving its includes."""

    market: str
    name: str
    version: str
    includes: tuple[str, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its patterns for one language, compiled on the normalised text."""

    rule: Rule
    lang: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    excludes: tuple[re.Pattern[str], ...]
    labels: tuple[re.Pattern[str], ...]
    order: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _rules_dir() -> Any:
    return resources.files("castcart.compliance").joinpath("rules")


def _load_toml(*parts: str) -> dict[str, Any]:
    node = _rules_dir()
    for part in parts:
        node = node.joinpath(part)
    with node.open("rb") as fh:
        return tomllib.load(fh)


def _tuple_of_str(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: expected a list of strings")
    return tuple(value)


def _parse_rule(raw: Mapping[str, Any], market: str) -> Rule:
    rid = str(raw["id"])
    category = str(raw["category"])
    if category not in CATEGORIES:
        raise ValueError(f"rule {rid}: unknown category {category!r}")
    severity = str(raw["severity"])
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rid}: unknown severity {severity!r}")
    detect = raw.get("detect", {})
    patterns_raw = raw.get("patterns", {})
    suggestion = raw.get("suggestion", {})
    price_basis = str(detect.get("price_basis", "lowest_30d"))
    if price_basis not in PRICE_REGIMES:
        raise ValueError(f"rule {rid}: unknown price_basis {price_basis!r}")
    if not isinstance(suggestion, Mapping) or "en" not in suggestion:
        raise ValueError(f"rule {rid}: needs an English suggestion at least")
    return Rule(
        id=rid,
        market=market,
        category=category,
        description=str(raw["description"]),
        source=str(raw["source"]),
        severity=severity,
        languages=_tuple_of_str(raw.get("languages"), rid),
        lexicon=detect.get("lexicon"),
        kinds=_tuple_of_str(detect.get("kinds"), rid),
        patterns={k: _tuple_of_str(v, rid) for k, v in patterns_raw.items()},
        labels=_tuple_of_str(detect.get("labels"), rid),
        suggestion={str(k): str(v) for k, v in suggestion.items()},
        replaces=_tuple_of_str(raw.get("replaces"), rid),
        allow_evidence=bool(detect.get("allow_evidence", True)),
        price_basis=price_basis,
        notice_ok=bool(detect.get("notice_ok", False)),
    )


@lru_cache(maxsize=16)
def load_pack(market: str) -> Pack:
    """Load a market pack with its includes (parents first, child rules win)."""
    market = resolve_market(market)
    data = _load_toml(f"{market}.toml")
    meta = data["pack"]
    includes = _tuple_of_str(meta.get("includes"), market)
    inherited: list[Rule] = []
    for parent in includes:
        inherited.extend(load_pack(parent).rules)
    own = [_parse_rule(r, market) for r in data.get("rule", [])]
    replaced = {rid for r in own for rid in r.replaces}
    rules = tuple(own + [r for r in inherited if r.id not in replaced])
    return Pack(
        market=market,
        name=str(meta.get("name", market)),
        version=str(meta["version"]),
        includes=includes,
        rules=rules,
    )


@lru_cache(maxsize=16)
def load_lexicon(lang: str) -> Lexicon:
    """Load one language's vocabulary file."""
    lang = resolve_language(lang)
    data = _load_toml("lexicons", f"{lang}.toml")
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, table in data.items():
        if name in {"grammar", "suggestions", "messages", "meta"}:
            continue
        tables[name] = {kind: _tuple_of_str(v, f"{lang}.{name}") for kind, v in table.items()}
    return Lexicon(
        lang=lang,
        grammar=data.get("grammar", {}),
        tables=tables,
        suggestions={k: str(v) for k, v in data.get("suggestions", {}).items()},
        messages={k: str(v) for k, v in data.get("messages", {}).items()},
    )


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(normalize(source), re.IGNORECASE | re.UNICODE)


@lru_cache(maxsize=256)
def compiled_rules(market: str, lang: str) -> tuple[CompiledRule, ...]:
    """All rules of a market, compiled for one language (cached: built once per pair)."""
    pack = load_pack(market)
    lex = load_lexicon(lang)
    english = load_lexicon("en") if lex.lang != "en" else lex
    out: list[CompiledRule] = []
    for order, rule in enumerate(pack.rules):
        pats: list[tuple[str, re.Pattern[str]]] = []
        excludes: list[re.Pattern[str]] = []
        sources = [lex]
        # Product names (CBD, vodka, bacon) travel across languages.
        if rule.category == "restricted_product_market" and lex is not english:
            sources.append(english)
        if rule.lexicon:
            for src in sources:
                table = src.tables.get(rule.lexicon, {})
                for kind, items in table.items():
                    if kind == "exclude":
                        excludes.extend(_compile(p) for p in items)
                        continue
                    if rule.kinds and kind not in rule.kinds:
                        continue
                    pats.extend((kind, _compile(p)) for p in items)
        for p in rule.patterns.get(lex.lang, ()) + rule.patterns.get("*", ()):
            pats.append(("rule", _compile(p)))
        labels = tuple(_compile(p) for p in rule.labels)
        if not pats and not labels and rule.category != "restricted_product_market":
            continue
        out.append(CompiledRule(rule, lex.lang, tuple(pats), tuple(excludes), labels, order))
    return tuple(out)


def all_packs() -> dict[str, Pack]:
    """Every market pack, for docs, tests and the rule-review page."""
    return {m: load_pack(m) for m in MARKETS}
