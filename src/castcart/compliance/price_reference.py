"""Price references judged as facts: a claim against the price history the store recorded.

Pure logic (no database, no web framework). The claim checker finds the words ("was €99, now
€49", "50 % off", "half price", "lowest price this year", "cheapest ever"); this module says
whether the recorded prices back them, with the numbers and dates that decide it.

A price history is a set of :class:`PricePoint` — a price offered from ``starts_at`` until
``ends_at`` (open = still offered), in some markets (empty = all). At any instant the price
*applied* in a market is the lowest point offered there then (a live-show price or a flash
sale below the catalog price is the price a shopper could pay). The reduction a claim talks
about began when the price now applied began (the start of its unbroken run).

Regimes (which one a market uses is the rule pack's ``price_basis``):

``lowest_30d`` — EU/EEA (Directive 98/6/EC Art. 6a, inserted by the Omnibus Directive
    2019/2161; Commission Guidance 2021/C 526/02): the prior price announced with a reduction
    is the lowest price applied during the 30 days before the reduction.
``recent_genuine`` — UK (CMA/CTSI Guidance for Traders on Pricing Practices, 2016/2018, §1.2;
    CPRs 2008 / DMCC Act 2024 Sch. 20), and AU (ACL s 29(1)(i), ACCC two-price guidance): the
    reference must be the price charged immediately before the reduction, for a reasonable
    period — here at least ``UK_MIN_DAYS`` (the 28 days of the former Code of Practice, kept as
    a rule of thumb) and no shorter than the reduction has been running.
``regular`` — US (FTC Guides Against Deceptive Pricing, 16 CFR 233.1): the former price must
    have been openly offered for a reasonably substantial period in the recent, regular course
    of business — here at least ``US_MIN_DAYS`` days within the ``US_LOOKBACK_DAYS`` days before
    the reduction (the three months of Cal. Bus. & Prof. Code §17501 as the recent period).
    Also used for SA/AE and ID/MY, whose rules ask for a genuine prior price.

"Lowest price ever / this year / in 30 days" is judged in every regime the same way: no
lower price applied in the period. The history is taken as complete from a variant's first
recorded price (a product did not sell before it existed; the migration's backfill dates the
price on record from the product's creation).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OMNIBUS_DAYS: Final = 30
UK_MIN_DAYS: Final = 28
US_MIN_DAYS: Final = 28
US_LOOKBACK_DAYS: Final = 90
#: Rounding slack on a stated price (a host says "99" for €98.99).
TOLERANCE: Final = Decimal("0.005")
#: Slack on a stated percentage, in percentage points ("50 % off" for 49.5 %).
PCT_SLACK: Final = Decimal(1)

Regime = Literal["lowest_30d", "recent_genuine", "regular"]
REGIMES: Final[tuple[str, ...]] = ("lowest_30d", "recent_genuine", "regular")

SOURCES: Final[Mapping[str, str]] = {
    "lowest_30d": "Directive 98/6/EC Art. 6a (Omnibus Directive 2019/2161)",
    "recent_genuine": "CMA/CTSI Guidance for Traders on Pricing Practices §1.2",
    "regular": "FTC Guides Against Deceptive Pricing, 16 CFR 233.1",
}


@dataclass(frozen=True, slots=True)
class PricePoint:
    """A price offered from ``starts_at`` until ``ends_at`` (``None``: still offered)."""

    amount: Decimal
    starts_at: datetime
    ends_at: datetime | None = None
    kind: str = "list"
    #: ISO countries it was offered in, upper case; empty = every market.
    markets: frozenset[str] = frozenset()
    currency: str | None = None

    def offered_in(self, market: str | None) -> bool:
        return not self.markets or market is None or market.upper() in self.markets


@dataclass(frozen=True, slots=True)
class Segment:
    """The price applied (lowest offered) between ``start`` and ``end``."""

    start: datetime
    end: datetime
    amount: Decimal

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


@dataclass(frozen=True)
class Verdict:
    """Whether a price claim is backed, why (English message), and the numbers behind it."""

    ok: bool
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: "low" when the history cannot confirm or refute (too short), else the rule's severity.
    severity: Literal["low"] | None = None


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def timeline(points: Iterable[PricePoint], market: str | None, until: datetime) -> list[Segment]:
    """The applied price over time up to ``until``: merged segments, gaps left out.

    A sweep over start/end events with a lazy-deletion heap: O(n log n) in the points.
    """
    until = _utc(until)
    events: list[tuple[datetime, int, Decimal]] = []
    for p in points:
        if not p.offered_in(market):
            continue
        start = _utc(p.starts_at)
        end = min(_utc(p.ends_at), until) if p.ends_at is not None else until
        if end <= start:
            continue
        events.append((start, 1, p.amount))
        events.append((end, -1, p.amount))
    if not events:
        return []
    events.sort()  # by time, ends (-1) before starts (+1) at the same instant
    n = len(events)
    counts: dict[Decimal, int] = {}
    heap: list[Decimal] = []
    starts: list[datetime] = []
    ends: list[datetime] = []
    amounts: list[Decimal] = []
    push, pop = heapq.heappush, heapq.heappop
    i = 0
    while i < n:
        at = events[i][0]
        while i < n and events[i][0] == at:
            _, delta, amount = events[i]
            count = counts.get(amount, 0) + delta
            counts[amount] = count
            if delta > 0 and count == 1:
                push(heap, amount)
            i += 1
        while heap and counts[heap[0]] <= 0:
            pop(heap)
        if i >= n or not heap:
            continue
        nxt, low = events[i][0], heap[0]
        if amounts and amounts[-1] == low and ends[-1] == at:
            ends[-1] = nxt
        else:
            starts.append(at)
            ends.append(nxt)
            amounts.append(low)
    return [Segment(a, b, c) for a, b, c in zip(starts, ends, amounts, strict=True)]


def _covering(segments: Sequence[Segment], at: datetime) -> int | None:
    for n in range(len(segments) - 1, -1, -1):
        if segments[n].start <= at < segments[n].end:
            return n
    return None


def _within(segments: Sequence[Segment], lo: datetime, hi: datetime) -> list[Segment]:
    """The segments clipped to [lo, hi)."""
    out = []
    for seg in segments:
        start, end = max(seg.start, lo), min(seg.end, hi)
        if end > start:
            out.append(Segment(start, end, seg.amount))
    return out


@dataclass(frozen=True)
class Facts:
    """What the history says at ``at`` in one market."""

    at: datetime
    segments: tuple[Segment, ...]
    current: Decimal | None
    #: When the price now applied began (the reduction's start).
    since: datetime | None
    recorded_since: datetime | None
    currency: str | None

    def lowest(self, lo: datetime, hi: datetime) -> Segment | None:
        """The lowest applied price in [lo, hi) (the most recent segment at that price)."""
        best: Segment | None = None
        for seg in _within(self.segments, lo, hi):
            if best is None or seg.amount <= best.amount:
                best = seg
        return best


def facts(points: Iterable[PricePoint], market: str | None, at: datetime) -> Facts:
    """The applied prices up to ``at`` (a price applied *at* ``at`` counts as current)."""
    at = _utc(at)
    pts = list(points)
    # a point still open at `at` must reach past it to count as current
    segments = timeline(pts, market, at + timedelta(microseconds=1))
    n = _covering(segments, at)
    current = segments[n].amount if n is not None else None
    since = segments[n].start if n is not None else None
    currency = next((p.currency for p in pts if p.currency), None)
    return Facts(
        at=at,
        segments=tuple(segments),
        current=current,
        since=since,
        recorded_since=segments[0].start if segments else None,
        currency=currency,
    )


def _day(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d")


def _money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "?"
    text = f"{amount.quantize(Decimal('0.01'))}"
    return f"{text} {currency}" if currency else text


def _num(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount.quantize(Decimal("0.01")))


def judge_reference(
    reference: Decimal,
    f: Facts,
    regime: str,
    *,
    claimed_pct: Decimal | None = None,
    shown: Decimal | None = None,
) -> Verdict:
    """Is ``reference`` a lawful prior price for the reduction now applied, under ``regime``?

    ``shown`` is the reference as the message states it (a percentage's implied reference
    without the slack the comparison allows)."""
    cur = f.currency
    said = shown if shown is not None else reference
    base: dict[str, Any] = {
        "regime": regime,
        "source": SOURCES.get(regime, ""),
        "claimed_reference": _num(said),
        "current": _num(f.current),
        "currency": cur,
        "reduction_since": f.since.isoformat() if f.since else None,
    }
    if claimed_pct is not None:
        base["claimed_percent"] = str(claimed_pct)
    if f.current is None or f.since is None:
        return Verdict(
            False, "No price is on record for now, so the reduction can't be checked.", base, "low"
        )
    if f.current >= reference * (1 - TOLERANCE):
        return Verdict(
            False,
            f"The price on record now is {_money(f.current, cur)}: no reduction from "
            f"{_money(said, cur)}.",
            base,
        )
    start = f.since
    if regime == "lowest_30d":
        lo = start - timedelta(days=OMNIBUS_DAYS)
        low = f.lowest(lo, start)
        ev = {**base, "window_from": lo.isoformat(), "window_to": start.isoformat()}
        if low is None:
            return Verdict(
                False,
                f"No price was applied in the {OMNIBUS_DAYS} days before the reduction "
                f"({_day(lo)} – {_day(start)}), so there is no prior price to announce.",
                ev,
            )
        ev.update(
            lowest_30d=_num(low.amount), low_from=low.start.isoformat(), low_to=low.end.isoformat()
        )
        if reference > low.amount * (1 + TOLERANCE):
            return Verdict(
                False,
                f"Lowest price in the {OMNIBUS_DAYS} days before the reduction "
                f"({_day(lo)} – {_day(start)}): {_money(low.amount, cur)}, applied "
                f"{_day(low.start)} – {_day(low.end)}; {_money(said, cur)} may not be "
                "announced as the prior price.",
                ev,
            )
        return Verdict(True, "", ev)
    if regime == "recent_genuine":
        before = [s for s in f.segments if s.end <= start]
        if not before or before[-1].end != start:
            return Verdict(False, "No price was charged immediately before the reduction.", base)
        prev = before[-1]
        held_from = start
        for seg in reversed(before):
            if seg.end != held_from or seg.amount < reference * (1 - TOLERANCE):
                break
            held_from = seg.start
        held = (start - held_from).total_seconds() / 86400
        running = (f.at - start).total_seconds() / 86400
        need = max(float(UK_MIN_DAYS), running)
        ev = {
            **base,
            "previous_price": _num(prev.amount),
            "previous_from": prev.start.isoformat(),
            "previous_to": prev.end.isoformat(),
            "held_days": round(held, 1),
            "required_days": round(need, 1),
        }
        if prev.amount < reference * (1 - TOLERANCE):
            return Verdict(
                False,
                f"The price charged just before the reduction was {_money(prev.amount, cur)} "
                f"({_day(prev.start)} – {_day(prev.end)}), not {_money(said, cur)}.",
                ev,
            )
        if held < need:
            return Verdict(
                False,
                f"{_money(said, cur)} was charged for {held:.0f} days before the reduction "
                f"(from {_day(held_from)}), less than the {need:.0f} days a genuine reference "
                "needs.",
                ev,
            )
        return Verdict(True, "", ev)
    # regular: a reasonably substantial period in the recent course of business
    lo = start - timedelta(days=US_LOOKBACK_DAYS)
    window = _within(f.segments, lo, start)
    at_or_above = [s for s in window if s.amount >= reference * (1 - TOLERANCE)]
    days = sum(s.days for s in at_or_above)
    ev = {
        **base,
        "window_from": lo.isoformat(),
        "window_to": start.isoformat(),
        "days_at_reference": round(days, 1),
        "required_days": US_MIN_DAYS,
    }
    if days < US_MIN_DAYS:
        low = f.lowest(lo, start)
        if low is not None:
            ev["lowest_in_window"] = _num(low.amount)
        return Verdict(
            False,
            f"{_money(said, cur)} or more was offered for {days:.0f} days in the "
            f"{US_LOOKBACK_DAYS} days before the reduction ({_day(lo)} – {_day(start)}); a former "
            f"price needs {US_MIN_DAYS}.",
            ev,
        )
    return Verdict(True, "", ev)


def implied_reference(current: Decimal, pct: Decimal) -> Decimal | None:
    """The reference a stated percentage implies for the current price (with the slack)."""
    off = pct - PCT_SLACK
    if off <= 0:
        return None
    if off >= 100:
        return None
    return current / (1 - off / 100)


def judge_percent(pct: Decimal, f: Facts, regime: str) -> Verdict:
    """ "50 % off", "half price": the percentage against the lawful reference."""
    if f.current is None:
        return Verdict(
            False,
            "No price is on record for now, so the discount can't be checked.",
            {"claimed_percent": str(pct)},
            "low",
        )
    ref = implied_reference(f.current, pct)
    if ref is None:
        return Verdict(True, "", {"claimed_percent": str(pct)})
    shown = implied_reference(f.current, pct + PCT_SLACK) or ref
    verdict = judge_reference(ref, f, regime, claimed_pct=pct, shown=shown)
    if verdict.ok:
        return verdict
    return Verdict(
        False,
        f"{pct} % off {_money(f.current, f.currency)} implies a reference of "
        f"{_money(shown, f.currency)}. {verdict.message}",
        verdict.evidence,
        verdict.severity,
    )


def period_start(period: str, at: datetime, timezone: str | None = None) -> datetime | None:
    """Start of "this year" / "this month" / "N days" / "ever" (None) at ``at``."""
    if period == "ever":
        return None
    if period.endswith("d") and period[:-1].isdigit():
        return at - timedelta(days=int(period[:-1]))
    local = at
    if timezone:
        try:
            local = at.astimezone(ZoneInfo(timezone))
        except ZoneInfoNotFoundError:
            local = at
    if period == "year":
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif period == "month":
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif period == "week":
        start = local - timedelta(days=7)
    else:
        raise ValueError(f"unknown period {period!r}")
    return start.astimezone(UTC)


def judge_lowest(period: str, f: Facts, *, timezone: str | None = None) -> Verdict:
    """ "Lowest price ever / this year / in 30 days": no lower price applied in the period."""
    lo = period_start(period, f.at, timezone)
    ev: dict[str, Any] = {
        "period": period,
        "current": _num(f.current),
        "currency": f.currency,
        "period_from": lo.isoformat() if lo else None,
        "recorded_since": f.recorded_since.isoformat() if f.recorded_since else None,
    }
    if f.current is None or f.recorded_since is None:
        return Verdict(False, "No price history on record to confirm this.", ev, "low")
    start = lo or f.recorded_since
    low = f.lowest(start, f.at)
    if low is not None and low.amount < f.current * (1 - TOLERANCE):
        ev.update(
            lowest=_num(low.amount), low_from=low.start.isoformat(), low_to=low.end.isoformat()
        )
        return Verdict(
            False,
            f"A lower price was applied in the period: {_money(low.amount, f.currency)} "
            f"({_day(low.start)} – {_day(low.end)}); the price now is "
            f"{_money(f.current, f.currency)}.",
            ev,
        )
    return Verdict(True, "", ev)
