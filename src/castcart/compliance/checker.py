"""The claim checker: text + market + language (+ show facts) -> findings with spans.

Pure logic over pre-compiled regular expressions; a caption segment costs well under a
millisecond, so it can run on every host caption and chat line in the live path.

Policy decisions (documented in docs/compliance.md):
- A claim inside quotation marks (reported speech, "we can't say 'best'") is not the
  host's own claim and is not flagged.
- A claim in a negated clause ("not the cheapest", "nicht die beste") is not flagged.
- Urgency and price references are facts: confirmed by the show context -> no finding;
  contradicted -> the rule's severity; no context to judge -> a low-severity finding
  ("unverifiable"), so the host knows the claim cannot be backed by the system.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from castcart.compliance import price_reference
from castcart.compliance.rules import (
    CompiledRule,
    Lexicon,
    compiled_rules,
    load_lexicon,
    resolve_language,
    resolve_market,
)
from castcart.compliance.text import (
    WORD_RE,
    inside,
    normalize,
    parse_count,
    parse_number,
    quoted_spans,
    sentence_bounds,
)
from castcart.compliance.values import CheckContext, ComplianceInputError, Finding, Severity


@dataclass(frozen=True)
class Grammar:
    """Compiled per-language helpers: negation, clause breaks, evidence cues."""

    lang: str
    negators: frozenset[str]
    neg_skip_next: frozenset[str]
    neg_window: int
    clause_break: re.Pattern[str]
    evidence: re.Pattern[str] | None
    eco_evidence: re.Pattern[str] | None
    price_basis_stated: re.Pattern[str] | None
    nonhalal_notice: re.Pattern[str] | None
    halal: re.Pattern[str] | None
    free_suffix: re.Pattern[str] | None
    number_words: Mapping[str, int]
    messages: Mapping[str, str]
    suggestions: Mapping[str, str]


def _alt(items: Iterable[str]) -> re.Pattern[str] | None:
    parts = [normalize(i) for i in items if i]
    if not parts:
        return None
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@lru_cache(maxsize=16)
def grammar(lang: str) -> Grammar:
    """Build (once) the helpers for a language, merged with English proper nouns."""
    lex: Lexicon = load_lexicon(lang)
    en = load_lexicon("en")
    g: Mapping[str, Any] = lex.grammar
    shared: Mapping[str, Any] = en.grammar
    words = [normalize(w) for w in g.get("clause_words", [])]
    clause = r"[,;:()\[\]\u2013\u2014\u060c]|\s-\s"
    if words:
        clause += r"|\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
    return Grammar(
        lang=lex.lang,
        negators=frozenset(normalize(w).lower() for w in g.get("negators", [])),
        neg_skip_next=frozenset(normalize(w).lower() for w in g.get("negation_skip_next", [])),
        neg_window=int(g.get("neg_window", 5)),
        clause_break=re.compile(clause, re.IGNORECASE),
        evidence=_alt(list(g.get("evidence", [])) + list(shared.get("evidence_global", []))),
        eco_evidence=_alt(
            list(g.get("eco_evidence", [])) + list(shared.get("eco_evidence_global", []))
        ),
        price_basis_stated=_alt(g.get("price_basis_stated", [])),
        nonhalal_notice=_alt(list(g.get("nonhalal_notice", [])) + ["non[- ]?halal"]),
        halal=_alt(g.get("halal", ["halal"])),
        free_suffix=_alt(g.get("free_suffix", [])),
        number_words={normalize(k).lower(): int(v) for k, v in g.get("number_words", {}).items()},
        messages={**en.messages, **lex.messages},
        suggestions={**en.suggestions, **lex.suggestions},
    )


@dataclass
class _Doc:
    """One text being checked: original, normal form, quotes, context."""

    text: str
    norm: str
    quotes: list[tuple[int, int]]
    gram: Grammar
    context: CheckContext | None
    market: str

    def sentence(self, start: int, end: int) -> str:
        lo, hi = sentence_bounds(self.norm, start, end)
        return self.norm[lo:hi]


def _clause_start(doc: _Doc, start: int) -> int:
    left = max(0, start - 120)
    last = left
    for m in doc.gram.clause_break.finditer(doc.norm, left, start):
        last = m.end()
    lo, _ = sentence_bounds(doc.norm, start, start)
    return max(last, lo)


def is_negated(doc: _Doc, start: int) -> bool:
    """Whether a negator governs the claim starting at ``start`` (same clause, N tokens)."""
    window = doc.norm[_clause_start(doc, start) : start]
    tokens = [t.lower() for t in WORD_RE.findall(window)][-doc.gram.neg_window :]
    for i, tok in enumerate(tokens):
        core = tok.strip("'-")
        if core in doc.gram.negators or core.endswith("n't") or core.startswith("non-"):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in doc.gram.neg_skip_next or nxt.isdigit():
                continue
            return True
    return False


def _excluded(cr: CompiledRule, doc: _Doc, start: int, end: int) -> bool:
    lo, hi = max(0, start - 80), min(len(doc.norm), end + 80)
    for ex in cr.excludes:
        for m in ex.finditer(doc.norm, lo, hi):
            if m.start() < end and m.end() > start:
                return True
    return False


def _suggest(cr: CompiledRule, doc: _Doc, extra: str = "") -> str:
    rule = cr.rule
    base = (
        rule.suggestion.get(doc.gram.lang)
        or doc.gram.suggestions.get(rule.category)
        or rule.suggestion["en"]
    )
    return f"{base} {extra}".strip() if extra else base


def _finding(
    cr: CompiledRule,
    doc: _Doc,
    start: int,
    end: int,
    severity: Severity | None = None,
    extra: str = "",
    evidence: Mapping[str, Any] | None = None,
) -> Finding:
    return Finding(
        category=cr.rule.category,
        rule=cr.rule.id,
        start=start,
        end=end,
        severity=severity or cr.rule.severity,
        suggestion=_suggest(cr, doc, extra),
        source=cr.rule.source,
        matched=doc.text[start:end],
        evidence=evidence,
    )


def _msg(doc: _Doc, key: str, **values: Any) -> str:
    template = doc.gram.messages.get(key, "")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def _matches(cr: CompiledRule, doc: _Doc) -> Iterator[tuple[str, re.Match[str]]]:
    """Pattern hits that survive exclusions, quotation and negation."""
    for kind, rx in cr.patterns:
        for m in rx.finditer(doc.norm):
            s, e = m.span()
            if e <= s or _excluded(cr, doc, s, e):
                continue
            if inside(doc.quotes, s, e) or is_negated(doc, s):
                continue
            yield kind, m


# --- claims: absolute, medical, comparison, environmental ------------------------------

_SUBSTANTIABLE = {"superlative", "best_seller", "rank", "uniqueness", "rule", "popular"}
_CONTEXT_KEYS = {
    "absolute_claim": {"absolute", "absolute_claim"},
    "medical_claim": {"medical", "medical_claim"},
    "unverified_comparison": {"comparison", "unverified_comparison"},
    "environmental_claim_unsubstantiated": {"environmental", "environmental_claim"},
}


def _substantiated(cr: CompiledRule, doc: _Doc, kind: str, start: int, end: int) -> bool:
    ctx = doc.context
    cat = cr.rule.category
    if ctx is not None and cr.rule.allow_evidence:
        keys = _CONTEXT_KEYS.get(cat, set()) | {kind}
        if ctx.substantiated & keys:
            return True
        if kind in {"best_seller", "popular"} and ctx.product_attributes.get("best_seller"):
            return True
    if not cr.rule.allow_evidence:
        return False
    sentence = doc.sentence(start, end)
    if cat in {"absolute_claim", "unverified_comparison"}:
        return kind in _SUBSTANTIABLE | {"comparison"} and bool(
            doc.gram.evidence and doc.gram.evidence.search(sentence)
        )
    if cat == "environmental_claim_unsubstantiated":
        if doc.gram.eco_evidence and doc.gram.eco_evidence.search(sentence):
            return True
        return ctx is not None and _eco_certified(ctx) and "certif" in sentence.lower()
    return False


_ECO_LABELS = ("ecolabel", "blauer engel", "blue angel", "nordic swan", "gots", "fsc", "cradle")


def _eco_certified(ctx: CheckContext) -> bool:
    certs = ctx.product_attributes.get("certifications") or []
    if isinstance(certs, str):
        certs = [certs]
    joined = " ".join(str(c).lower() for c in certs)
    return any(label in joined for label in _ECO_LABELS)


def _negated_inside(doc: _Doc, m: re.Match[str]) -> bool:
    """Verb-second negation inside a cure claim: "heilt keine Krankheiten", "cures no disease"."""
    tokens = [t.lower().strip("'-") for t in WORD_RE.findall(m.group(0))][1:]
    return any(t in doc.gram.negators or t.endswith("n't") for t in tokens)


def _detect_claims(cr: CompiledRule, doc: _Doc) -> Iterator[Finding]:
    for kind, m in _matches(cr, doc):
        if kind == "cure" and _negated_inside(doc, m):
            continue
        if _substantiated(cr, doc, kind, m.start(), m.end()):
            continue
        yield _finding(cr, doc, m.start(), m.end())


# --- fake urgency ------------------------------------------------------------------------

_UNIT_MINUTES = {
    "s": Decimal(1) / 60,
    "m": Decimal(1),
    "h": Decimal(60),
    "d": Decimal(1440),
}


def _unit_minutes(unit: str) -> Decimal:
    u = unit.lower()
    if u.startswith(("sec", "seg", "sek", "det", "saat", "ثاني")):
        return _UNIT_MINUTES["s"]
    if u.startswith(("h", "stund", "jam", "ساع", "heure")):
        return _UNIT_MINUTES["h"]
    if u.startswith(("d", "tag", "dia", "jour", "hari", "يوم", "ايام")):
        return _UNIT_MINUTES["d"]
    return _UNIT_MINUTES["m"]


def _local(ctx: CheckContext, when: datetime) -> datetime:
    if ctx.timezone:
        try:
            return when.astimezone(ZoneInfo(ctx.timezone))
        except ZoneInfoNotFoundError:
            return when
    return when


def _stock_known(ctx: CheckContext) -> int | None:
    if ctx.flash_sale is not None and ctx.flash_sale.remaining_quantity is not None:
        return ctx.flash_sale.remaining_quantity
    return ctx.stock_remaining


def _judge_urgency(kind: str, m: re.Match[str], doc: _Doc, ctx: CheckContext) -> tuple[bool, str]:
    """(confirmed, message) for one urgency claim against the show context."""
    now = ctx.current_time()
    sale = ctx.flash_sale
    ends = sale.ends_at if sale is not None else None
    groups = m.groupdict()
    if kind in {"stock_count", "stock_vague"}:
        actual = _stock_known(ctx)
        if actual is None:
            return False, _msg(doc, "stock_unknown")
        if kind == "stock_count":
            claimed = parse_count(groups.get("n") or "", dict(doc.gram.number_words))
            if claimed is None:
                return False, _msg(doc, "stock_unknown")
            return actual <= claimed, _msg(doc, "stock_actual", actual=actual)
        low = actual <= ctx.low_stock_threshold
        if sale is not None and sale.initial_quantity and sale.remaining_quantity is not None:
            low = low or sale.remaining_quantity <= 0.2 * sale.initial_quantity
        return low, _msg(doc, "stock_actual", actual=actual)
    if kind == "time_today":
        if ends is None or ends <= now:
            return False, _msg(doc, "no_sale_today")
        ok = _local(ctx, ends).date() == _local(ctx, now).date()
        return ok, _msg(doc, "sale_ends", ends=_local(ctx, ends).strftime("%Y-%m-%d %H:%M"))
    if kind == "time_duration":
        if ends is None or ends <= now:
            return False, _msg(doc, "no_sale_today")
        n = parse_count(groups.get("n") or "", dict(doc.gram.number_words))
        if n is None:
            return False, _msg(doc, "no_sale_today")
        claimed_min = Decimal(n) * _unit_minutes(groups.get("u") or "min")
        left = Decimal((ends - now).total_seconds()) / 60
        slack = max(Decimal(2), claimed_min * Decimal("0.2"))
        return left <= claimed_min + slack, _msg(doc, "minutes_left", minutes=int(left))
    if kind == "time_generic":
        if ends is None or ends <= now:
            return False, _msg(doc, "no_sale_today")
        return ends - now <= timedelta(days=2), _msg(
            doc, "sale_ends", ends=_local(ctx, ends).strftime("%Y-%m-%d %H:%M")
        )
    # never_again and anything else: only an explicit one-time commitment confirms it
    return (sale is not None and sale.one_time), _msg(doc, "never_again")


def _detect_urgency(cr: CompiledRule, doc: _Doc) -> Iterator[Finding]:
    for kind, m in _matches(cr, doc):
        if doc.context is None:
            sev: Severity = "medium" if kind == "never_again" else "low"
            yield _finding(cr, doc, m.start(), m.end(), sev, _msg(doc, "unverifiable"))
            continue
        confirmed, message = _judge_urgency(kind, m, doc, doc.context)
        if not confirmed:
            yield _finding(cr, doc, m.start(), m.end(), None, message)


# --- price references --------------------------------------------------------------------


def _price(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    digits = re.search(r"\d[\d.,\s']*", raw)
    if not digits:
        return None
    value = parse_number(digits.group(0).strip(" ,."), integer_unit=True)
    if value is not None and re.search(r"\d\s?(?:rb|ribu|k)\b", raw, re.IGNORECASE):
        value *= 1000
    return value


def _period(kind: str, groups: Mapping[str, str | None]) -> str:
    """Which period a "lowest price …" claim speaks of: ever, year, month or N days."""
    if kind == "lowest_ever":
        return "ever"
    if groups.get("days"):
        n = parse_count(groups["days"] or "", {})
        return f"{n}d" if n else "30d"
    if groups.get("month"):
        return "month"
    if groups.get("week"):
        return "week"
    return "year"


def _judge_recorded(
    cr: CompiledRule,
    kind: str,
    groups: Mapping[str, str | None],
    ctx: CheckContext,
    facts: price_reference.Facts,
) -> price_reference.Verdict | None:
    """A price claim against the recorded price history (None: nothing to judge)."""
    regime = cr.rule.price_basis
    if kind in {"percent_off", "half_price"}:
        pct = Decimal(50) if kind == "half_price" else _price(groups.get("pct"))
        return None if pct is None else price_reference.judge_percent(pct, facts, regime)
    if kind in {"lowest_ever", "lowest_period"}:
        return price_reference.judge_lowest(_period(kind, groups), facts, timezone=ctx.timezone)
    ref = _price(groups.get("ref"))
    if ref is None:
        return price_reference.Verdict(False, "The reference price could not be read.")
    return price_reference.judge_reference(ref, facts, regime)


def _detect_price(cr: CompiledRule, doc: _Doc) -> Iterator[Finding]:
    ctx = doc.context
    hist = ctx.price_history if ctx is not None else None
    facts: price_reference.Facts | None = None
    for kind, m in _matches(cr, doc):
        s, e = m.span()
        sentence = doc.sentence(s, e)
        if doc.gram.price_basis_stated and doc.gram.price_basis_stated.search(sentence):
            continue  # "lowest price of the last 30 days: €59" states the lawful basis
        groups = m.groupdict()
        if ctx is not None and hist is not None and hist.points:
            if facts is None:
                facts = price_reference.facts(hist.points, ctx.market, ctx.current_time())
            verdict = _judge_recorded(cr, kind, groups, ctx, facts)
            if verdict is not None and not verdict.ok:
                yield _finding(
                    cr, doc, s, e, verdict.severity, verdict.message, dict(verdict.evidence)
                )
            continue
        basis: Decimal | None = None
        if hist is not None:
            if cr.rule.price_basis == "lowest_30d":
                basis = hist.lowest_30d
            else:
                basis = hist.regular if hist.regular is not None else hist.lowest_30d
        if kind in {"percent_off", "half_price"}:
            pct = Decimal(50) if kind == "half_price" else _price(groups.get("pct"))
            if hist is None or basis is None or hist.current is None or pct is None:
                continue  # a plain percentage cannot be judged without price facts
            actual = (basis - hist.current) / basis * 100 if basis else Decimal(0)
            if pct > actual + 1:
                yield _finding(cr, doc, s, e, None, _msg(doc, "price_basis", basis=basis))
            continue
        if kind in {"lowest_ever", "lowest_period"}:
            if hist is None or hist.current is None:
                yield _finding(cr, doc, s, e, "low", _msg(doc, "unverifiable"))
                continue
            floor = hist.all_time_low if hist.all_time_low is not None else hist.lowest_30d
            if floor is not None and hist.current > floor:
                yield _finding(cr, doc, s, e, None, _msg(doc, "price_basis", basis=floor))
            elif floor is None:
                yield _finding(cr, doc, s, e, "low", _msg(doc, "unverifiable"))
            continue
        ref = _price(groups.get("ref"))
        if basis is None:
            yield _finding(cr, doc, s, e, "low", _msg(doc, "price_unverifiable"))
            continue
        if ref is None or ref > basis * Decimal("1.005"):
            yield _finding(cr, doc, s, e, None, _msg(doc, "price_basis", basis=basis))


# --- ad disclosure -----------------------------------------------------------------------


def _detect_disclosure(cr: CompiledRule, doc: _Doc) -> Iterator[Finding]:
    ctx = doc.context
    if ctx is not None and ctx.disclosure_label_shown:
        return
    if any(label.search(doc.norm) for label in cr.labels):
        return
    if ctx is not None and (ctx.sponsored or ctx.material_connection):
        text = doc.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        yield _finding(cr, doc, start, max(end, start), None, _msg(doc, "label_missing"))
        return
    if ctx is not None and (ctx.sponsored is False or ctx.material_connection is False):
        return  # the store says there is no third-party connection
    for _kind, m in _matches(cr, doc):
        yield _finding(cr, doc, m.start(), m.end())
        return


# --- restricted products -----------------------------------------------------------------


def _context_products(ctx: CheckContext) -> set[str]:
    attrs = ctx.product_attributes
    flags = set(ctx.restricted_flags)
    for key, value in attrs.items():
        if key.startswith("contains_") and value is True:
            flags.add(key.removeprefix("contains_"))
    extra = attrs.get("restricted_flags") or attrs.get("restricted") or []
    if isinstance(extra, list):
        flags.update(str(x).lower() for x in extra)
    return flags


def _detect_restricted(cr: CompiledRule, doc: _Doc) -> Iterator[Finding]:
    ctx = doc.context
    g = doc.gram
    found = False
    for kind, m in _matches(cr, doc):
        s, e = m.span()
        if g.free_suffix and g.free_suffix.match(doc.norm, e):
            continue  # "alcohol-free", "alkoholfrei"
        sentence = doc.sentence(s, e)
        if cr.rule.notice_ok and g.nonhalal_notice and g.nonhalal_notice.search(sentence):
            continue  # the mandatory "non-halal" notice is what the rule asks for
        if kind == "gelatin":
            if ctx is not None and ctx.halal_certified:
                continue
            halal = g.halal.search(sentence) if g.halal else None
            if halal and not is_negated(doc, doc.norm.find(sentence) + halal.start()):
                continue
        found = True
        yield _finding(cr, doc, s, e)
    if found or ctx is None:
        return
    products = _context_products(ctx)
    hits = products & set(cr.rule.kinds)
    if "gelatin" in hits and ctx.halal_certified:
        hits.discard("gelatin")
    if hits:
        text = doc.text
        start = len(text) - len(text.lstrip())
        yield _finding(cr, doc, start, len(text.rstrip()), None, _msg(doc, "product_flagged"))


_DETECTORS: dict[str, Callable[[CompiledRule, _Doc], Iterator[Finding]]] = {
    "absolute_claim": _detect_claims,
    "medical_claim": _detect_claims,
    "unverified_comparison": _detect_claims,
    "environmental_claim_unsubstantiated": _detect_claims,
    "fake_urgency": _detect_urgency,
    "price_reference_misleading": _detect_price,
    "missing_ad_disclosure": _detect_disclosure,
    "restricted_product_market": _detect_restricted,
}


def _dedupe(found: list[tuple[int, Finding]]) -> list[Finding]:
    """One finding per overlapping span and category; the more specific rule wins."""
    found.sort(key=lambda p: (p[1].category, p[1].start, -(p[1].end - p[1].start), p[0]))
    kept: list[Finding] = []
    for _order, f in found:
        if any(k.category == f.category and k.start < f.end and f.start < k.end for k in kept):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.category))
    return kept


# --- the semantic layer ------------------------------------------------------------------

_SEMANTIC_ENV = "CASTCART_COMPLIANCE_SEMANTIC"
_SENTENCE_RE = re.compile(r"[^.!?\u061f\u3002\n]+(?:[.!?\u061f\u3002]+|$)")
_SHARED_RESTRICTIONS = {"sa_ae", "id_my"}  # alcohol, pork and CBD restricted in both


def semantic_enabled() -> bool:
    """The semantic layer runs unless ``CASTCART_COMPLIANCE_SEMANTIC=0``."""
    return os.environ.get(_SEMANTIC_ENV, "1").strip().lower() not in {"0", "false", "off", "no"}


def _sentences(doc: _Doc) -> list[tuple[int, int, str]]:
    """(start, end, host's own words) per sentence: quoted speech ("we can't say 'best'") is
    blanked out, as the rules skip it; sentences with under two words of their own are left."""
    out = []
    for m in _SENTENCE_RE.finditer(doc.norm):
        s, e = m.span()
        chunk = doc.norm[s:e]
        s += len(chunk) - len(chunk.lstrip())
        e -= len(chunk) - len(chunk.rstrip())
        own = list(doc.text[s:e])
        for qs, qe in doc.quotes:
            for i in range(max(qs, s), min(qe, e)):
                own[i - s] = " "
        words = " ".join("".join(own).split())
        if len(WORD_RE.findall(words)) < 2:
            continue
        out.append((s, e, words))
    return out


def semantic_inputs(text: str, lang: str) -> list[str]:
    """The strings the semantic layer embeds for ``text`` (its sentences, quotes blanked)."""
    norm = normalize(text)
    doc = _Doc(text, norm, quoted_spans(norm), grammar(resolve_language(lang)), None, "")
    return [own for _s, _e, own in _sentences(doc)]


def _rules_saw(cat_rules: list[CompiledRule], doc: _Doc, start: int, end: int) -> bool:
    """Whether one of the category's patterns or exclusions matches in this sentence: then
    the rules have judged that claim (negated, quoted, excluded, confirmed by the show's
    facts, or a bare "40 % off" that needs price facts) and the semantic layer defers to
    them. It only speaks for sentences no lexicon entry recognises: the paraphrases."""
    for cr in cat_rules:
        for ex in cr.excludes:
            if ex.search(doc.norm, start, end):
                return True
        for _kind, rx in cr.patterns:
            for m in rx.finditer(doc.norm, start, end):
                if m.end() > m.start():
                    return True
    return False


def _semantic_severity(
    category: str, sentence: str, doc: _Doc, disclosure_rules: list[CompiledRule]
) -> tuple[Severity, str] | None:
    """(severity, note) for a semantic hit, or None where the rules' facts clear it."""
    ctx = doc.context
    g = doc.gram
    if ctx is not None and ctx.substantiated & (_CONTEXT_KEYS.get(category, set()) | {category}):
        return None
    if category in {"absolute_claim", "unverified_comparison"}:
        if g.evidence and g.evidence.search(sentence):
            return None
    elif category == "environmental_claim_unsubstantiated":
        if g.eco_evidence and g.eco_evidence.search(sentence):
            return None
    elif category == "missing_ad_disclosure":
        if ctx is not None and (
            ctx.disclosure_label_shown or ctx.sponsored is False or ctx.material_connection is False
        ):
            return None
        if any(label.search(doc.norm) for cr in disclosure_rules for label in cr.labels):
            return None
    elif category == "fake_urgency":
        if ctx is None:
            return "low", _msg(doc, "unverifiable")
        if ctx.flash_sale is not None or _stock_known(ctx) is not None:
            return None  # the show has the facts: the rules judge the stated figures
        return "medium", _msg(doc, "no_sale_today")
    elif category == "price_reference_misleading":
        if g.price_basis_stated and g.price_basis_stated.search(sentence):
            return None
        if ctx is not None and ctx.price_history is not None:
            return None  # price facts known: the rules judge the stated prices against them
        return "low", _msg(doc, "price_unverifiable")
    elif (
        category == "restricted_product_market"
        and g.nonhalal_notice
        and g.nonhalal_notice.search(sentence)
    ):
        return None
    return "medium", ""


SEMANTIC_MIN_WORDS = 4


def _semantic_findings(
    doc: _Doc, rules: tuple[CompiledRule, ...], kept: list[Finding], *, defer: bool = True
) -> list[Finding]:
    from castcart.compliance import semantic

    # A greeting or a two-word aside carries no claim the rules would miss, and the
    # classifier is least reliable there ("Thanks for joining!" sat close to a French
    # thank-you-to-my-partners line): the semantic layer reads sentences of 4+ words.
    spans = [sp for sp in _sentences(doc) if len(WORD_RE.findall(sp[2])) >= SEMANTIC_MIN_WORDS]
    if not spans:
        return []
    by_cat: dict[str, list[CompiledRule]] = {}
    for cr in rules:
        by_cat.setdefault(cr.rule.category, []).append(cr)
    hits = semantic.classify([own for _s, _e, own in spans])
    out: list[Finding] = []
    for (s, e, _own), sentence_hits in zip(spans, hits, strict=True):
        for hit in sentence_hits:
            cat_rules = by_cat.get(hit.category)
            if not cat_rules:
                continue  # the market has no rule of this category
            if any(f.category == hit.category and f.start < e and s < f.end for f in kept):
                continue  # the rules already found it here, with a precise span
            if hit.category == "restricted_product_market":
                try:
                    near = resolve_market(hit.example.market)
                except ComplianceInputError:
                    continue
                same = near == doc.market or {near, doc.market} <= _SHARED_RESTRICTIONS
                if not same:
                    continue  # e.g. alcohol is not restricted in AU, CBD is
            if defer and _rules_saw(cat_rules, doc, s, e):
                continue  # the rules keep negation, quotation, exclusions and the facts
            verdict = _semantic_severity(
                hit.category, doc.norm[s:e], doc, by_cat.get("missing_ad_disclosure", [])
            )
            if verdict is None:
                continue
            severity, note = verdict
            cr = cat_rules[0]
            out.append(
                Finding(
                    category=hit.category,
                    rule=f"semantic.{hit.category}",
                    start=s,
                    end=e,
                    severity=severity,
                    suggestion=_suggest(cr, doc, note),
                    source=cr.rule.source,
                    matched=doc.text[s:e],
                    layer="semantic",
                    score=hit.score,
                    example=hit.example.text,
                    example_source=hit.example.source,
                    similarity=hit.similarity,
                )
            )
    return out


def check_text(
    text: str,
    market: str,
    lang: str,
    context: CheckContext | None = None,
    *,
    layers: Collection[str] | None = None,
) -> list[Finding]:
    """Check one text (script line, caption, chat message, description) for a market.

    Two layers: ``"rules"`` (lexicon patterns with spans, negation, quotation and the show's
    facts) and ``"semantic"`` (the embedding classifier, for the paraphrases the rules miss;
    off with ``CASTCART_COMPLIANCE_SEMANTIC=0``). ``layers`` picks them (default: both);
    ``Finding.layer`` says which fired.
    Raises ``ComplianceInputError`` for an unknown market or language.
    """
    mkt = resolve_market(market)
    language = resolve_language(lang)
    rules = compiled_rules(mkt, language)
    norm = normalize(text)
    doc = _Doc(text, norm, quoted_spans(norm), grammar(language), context, mkt)
    if layers is None:
        layers = ("rules", "semantic") if semantic_enabled() else ("rules",)
    unknown = set(layers) - {"rules", "semantic"}
    if unknown:
        raise ValueError(f"unknown checker layers: {sorted(unknown)}")
    found: list[tuple[int, Finding]] = []
    if "rules" in layers:
        for cr in rules:
            for f in _DETECTORS[cr.rule.category](cr, doc):
                found.append((cr.order, f))
    kept = _dedupe(found)
    if "semantic" in layers:
        # alone (layers=("semantic",)) it judges every sentence; beside the rules it defers
        # to them wherever a lexicon pattern saw the claim
        kept.extend(_semantic_findings(doc, rules, kept, defer="rules" in layers))
        kept.sort(key=lambda f: (f.start, f.end, f.category))
    return kept


def warm_up(markets: Iterable[str], langs: Iterable[str]) -> None:
    """Compile rule packs ahead of a show (first compile of a pair costs ~0.1 s)."""
    for market in markets:
        for lang in langs:
            compiled_rules(resolve_market(market), resolve_language(lang))
            grammar(resolve_language(lang))
