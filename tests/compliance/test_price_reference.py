"""Price references judged against dated price histories: the EU 30-day rule (window edges,
per market), the UK "genuine, reasonable period" rule, the US "reasonably substantial
period" rule, percentages and "lowest price this year / ever"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from castcart.compliance import CheckContext, ComplianceInputError, PriceHistory, check_text
from castcart.compliance.price_reference import (
    PricePoint,
    facts,
    judge_lowest,
    judge_reference,
    timeline,
)

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
D = Decimal


def days(n: float) -> timedelta:
    return timedelta(days=n)


def p(amount: int, start: datetime, end: datetime | None = None, **kw: object) -> PricePoint:
    return PricePoint(D(amount), start, end, **kw)  # type: ignore[arg-type]


def reduced_now(*before: PricePoint, since: timedelta = timedelta(hours=1)) -> list[PricePoint]:
    """99 for 60 days, then 49 from ``since`` ago, plus the given points."""
    return [p(99, NOW - days(60), NOW - since), p(49, NOW - since), *before]


def price_findings(
    text: str, market: str, lang: str, points: list[PricePoint], now: datetime = NOW
) -> list:  # type: ignore[type-arg]
    ctx = CheckContext(now=now, market=market, price_history=PriceHistory(points=tuple(points)))
    return [
        f for f in check_text(text, market, lang, ctx) if f.category == "price_reference_misleading"
    ]


# --- the timeline ------------------------------------------------------------------------


def test_timeline_takes_the_lowest_offered_price_and_merges_runs() -> None:
    points = [
        p(99, NOW - days(10)),
        p(59, NOW - days(6), NOW - days(5), kind="flash"),
        p(99, NOW - days(3), NOW - days(2), kind="live"),  # overlaps the list price: same run
    ]
    segs = timeline(points, None, NOW)
    assert [(s.amount, s.start, s.end) for s in segs] == [
        (D(99), NOW - days(10), NOW - days(6)),
        (D(59), NOW - days(6), NOW - days(5)),
        (D(99), NOW - days(5), NOW),
    ]


def test_facts_find_the_start_of_the_reduction_not_now_minus_30_days() -> None:
    f = facts(reduced_now(since=days(10)), "DE", NOW)
    assert f.current == D(49)
    assert f.since == NOW - days(10)
    # 49 has applied for ten days, so "now - 30 days" would contain it; the 30 days before
    # the reduction do not
    assert judge_reference(D(99), f, "lowest_30d").ok


# --- EU: Directive 98/6/EC Art. 6a ----------------------------------------------------------


def test_was_99_now_49_is_fine_when_99_was_the_30_day_low() -> None:
    assert price_findings("Was €99, now €49!", "DE", "en", reduced_now()) == []


def test_was_99_now_49_is_flagged_with_the_numbers_when_the_30_day_low_was_59() -> None:
    dip = p(59, NOW - days(20), NOW - days(19), kind="flash")
    points = [
        p(99, NOW - days(60), NOW - days(20)),
        dip,
        p(99, NOW - days(19), NOW - timedelta(hours=1)),
        p(49, NOW - timedelta(hours=1)),
    ]
    [finding] = price_findings("Statt 99 € jetzt 49 €", "DE", "de", points)
    assert finding.severity == "high"
    ev = finding.evidence
    assert ev is not None
    assert ev["claimed_reference"] == "99.00"
    assert ev["lowest_30d"] == "59.00"
    assert ev["current"] == "49.00"
    assert ev["low_from"] == (NOW - days(20)).isoformat()
    assert ev["low_to"] == (NOW - days(19)).isoformat()
    assert ev["window_from"] == (NOW - timedelta(hours=1) - days(30)).isoformat()
    assert "59.00" in finding.suggestion
    assert "2026-11-18" in finding.suggestion
    # announcing the real 30-day low is lawful
    assert price_findings("Statt 59 € jetzt 49 €", "DE", "de", points) == []


@pytest.mark.parametrize(
    ("ended_before_reduction", "flagged"),
    [
        (days(30), False),  # ended exactly 30 days before: outside the window
        (days(30) - timedelta(minutes=1), True),  # one minute inside it
        (days(31), False),
    ],
)
def test_the_30_day_window_edges(ended_before_reduction: timedelta, flagged: bool) -> None:
    start = NOW - timedelta(hours=1)
    low_end = start - ended_before_reduction
    points = [
        p(99, NOW - days(90), low_end - days(2)),
        p(59, low_end - days(2), low_end),
        p(99, low_end, start),
        p(49, start),
    ]
    found = price_findings("Was €99, now €49!", "FR", "en", points)
    assert bool(found) is flagged


def test_the_30_day_low_is_per_market() -> None:
    # a live-show price of 59 offered to French viewers only, three weeks ago
    live_fr = p(59, NOW - days(21), NOW - days(21) + timedelta(hours=2), markets=frozenset({"FR"}))
    points = reduced_now(live_fr)
    assert price_findings("Was €99, now €49!", "FR", "en", points)
    assert price_findings("Was €99, now €49!", "DE", "en", points) == []
    assert price_findings("Avant 99 €, maintenant 49 €", "FR", "fr", points)


def test_eea_markets_outside_the_eu_apply_the_30_day_rule() -> None:
    dip = p(59, NOW - days(20), NOW - days(19))
    for market in ("NO", "IS", "LI"):
        [finding] = price_findings("Was €99, now €49!", market, "en", reduced_now(dip))
        assert finding.rule == "eu.omnibus.pid.art6a.prior_price"
        assert finding.evidence is not None and finding.evidence["lowest_30d"] == "59.00"


def test_no_price_in_the_30_days_before_means_no_prior_price() -> None:
    points = [p(49, NOW - days(2))]  # launched at 49
    [finding] = price_findings("Was €99, now €49!", "ES", "en", points)
    assert "no prior price" in finding.suggestion


def test_a_reference_below_the_current_price_is_no_reduction() -> None:
    points = [p(99, NOW - days(60))]
    [finding] = price_findings("Was €89, now €99", "DE", "en", points)
    assert "no reduction" in finding.suggestion


# --- percentages and "half price" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("50% off today!", "en"),
        ("Half price today!", "en"),
        ("Heute zum halben Preis!", "de"),
        ("Aujourd'hui à moitié prix !", "fr"),
        ("¡Hoy a mitad de precio!", "es"),
        ("Hari ini setengah harga!", "id"),
        ("اليوم بنصف السعر", "ar"),
    ],
)
def test_half_price_is_judged_against_the_30_day_low(text: str, lang: str) -> None:
    assert price_findings(text, "DE", lang, reduced_now()) == []  # 49 is 50.5 % off 99
    dip = p(59, NOW - days(10), NOW - days(9))
    [finding] = price_findings(text, "DE", lang, reduced_now(dip))
    assert finding.evidence is not None
    assert finding.evidence["claimed_percent"] == "50"
    assert finding.evidence["lowest_30d"] == "59.00"


def test_a_modest_percentage_from_the_30_day_low_is_fine() -> None:
    dip = p(59, NOW - days(10), NOW - days(9))
    # 49 is 16.9 % off 59
    assert price_findings("15% off!", "DE", "en", reduced_now(dip)) == []
    assert price_findings("30% off!", "DE", "en", reduced_now(dip))


# --- UK: a genuine price, charged for a reasonable period, immediately before ------------


def test_uk_reference_must_have_been_charged_for_a_reasonable_period() -> None:
    start = NOW - timedelta(hours=1)

    def history(held: timedelta) -> list[PricePoint]:
        return [p(79, NOW - days(120), start - held), p(99, start - held, start), p(49, start)]

    assert price_findings("Was £99, now £49!", "GB", "en", history(days(28))) == []
    [short] = price_findings("Was £99, now £49!", "GB", "en", history(days(27)))
    assert short.evidence is not None
    assert short.evidence["held_days"] == 27.0
    # a reduction that has already run 40 days needs a reference held at least that long
    long_run = [p(99, NOW - days(70), NOW - days(40)), p(49, NOW - days(40))]
    assert price_findings("Was £99, now £49!", "GB", "en", long_run)


def test_uk_reference_must_be_the_price_charged_just_before() -> None:
    start = NOW - timedelta(hours=1)
    points = [p(99, NOW - days(120), NOW - days(40)), p(69, NOW - days(40), start), p(49, start)]
    [finding] = price_findings("Was £99, now £49!", "GB", "en", points)
    assert finding.evidence is not None
    assert finding.evidence["previous_price"] == "69.00"
    # the EU rule would flag it too (30-day low 69), the US rule would not (99 for 80 days)
    assert price_findings("Was $99, now $49!", "US", "en", points) == []


# --- US: 16 CFR 233.1 ------------------------------------------------------------------------


def test_us_former_price_needs_a_substantial_period_in_the_last_90_days() -> None:
    start = NOW - timedelta(hours=1)
    ok = [p(59, NOW - days(200), start - days(28)), p(99, start - days(28), start), p(49, start)]
    assert price_findings("Was $99, now $49!", "US", "en", ok) == []
    short = [p(59, NOW - days(200), start - days(10)), p(99, start - days(10), start), p(49, start)]
    [finding] = price_findings("Was $99, now $49!", "US", "en", short)
    assert finding.evidence is not None
    assert finding.evidence["days_at_reference"] == 10.0
    # 99 long ago, then 59 for the last 100 days: not the recent, regular course of business
    stale = [
        p(99, NOW - days(300), start - days(100)),
        p(59, start - days(100), start),
        p(49, start),
    ]
    assert price_findings("Was $99, now $49!", "US", "en", stale)


# --- lowest price this year / ever ---------------------------------------------------------


def test_lowest_price_this_year_and_ever() -> None:
    points = [
        p(39, datetime(2025, 11, 20, tzinfo=UTC), datetime(2025, 11, 30, tzinfo=UTC)),
        p(99, datetime(2025, 11, 30, tzinfo=UTC), NOW - days(1)),
        p(49, NOW - days(1)),
    ]
    assert price_findings("Lowest price this year!", "DE", "en", points) == []
    [ever] = price_findings("Cheapest ever!", "DE", "en", points)
    assert ever.evidence is not None
    assert ever.evidence["lowest"] == "39.00"
    assert price_findings("So günstig wie nie!", "DE", "de", points)
    # a lower price in February of this year contradicts "this year"
    feb = p(45, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 3, tzinfo=UTC))
    [year] = price_findings("Der niedrigste Preis des Jahres!", "DE", "de", [*points, feb])
    assert year.evidence is not None
    assert year.evidence["lowest"] == "45.00"
    assert "2026-02-01" in year.suggestion


def test_period_start_follows_the_local_calendar() -> None:
    # 45 from 23:10 to 23:20 UTC on 31 Dec is 00:10-00:20 on 1 Jan in Berlin: this year there
    now = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    points = [
        p(99, datetime(2025, 12, 1, tzinfo=UTC), datetime(2025, 12, 31, 23, 10, tzinfo=UTC)),
        p(
            45,
            datetime(2025, 12, 31, 23, 10, tzinfo=UTC),
            datetime(2025, 12, 31, 23, 20, tzinfo=UTC),
        ),
        p(49, datetime(2025, 12, 31, 23, 20, tzinfo=UTC)),
    ]
    f = facts(points, None, now)
    assert not judge_lowest("year", f, timezone="Europe/Berlin").ok
    assert judge_lowest("year", f, timezone="UTC").ok


# --- context parsing ----------------------------------------------------------------------


def test_points_from_a_json_context() -> None:
    ctx = CheckContext.from_dict(
        {
            "now": NOW.isoformat(),
            "market": "DE",
            "price_history": {
                "points": [
                    {
                        "amount": 99,
                        "starts_at": "2026-10-01T00:00:00Z",
                        "ends_at": "2026-11-20T00:00:00Z",
                    },
                    {
                        "amount": "59",
                        "starts_at": "2026-11-20T00:00:00Z",
                        "ends_at": "2026-11-21T00:00:00Z",
                        "markets": ["de"],
                    },
                    {
                        "amount": 99,
                        "starts_at": "2026-11-21T00:00:00Z",
                        "ends_at": "2026-12-08T00:00:00Z",
                    },
                    {"amount": 49, "starts_at": "2026-12-08T00:00:00Z"},
                ]
            },
        }
    )
    assert ctx.price_history is not None
    assert len(ctx.price_history.points) == 4
    assert ctx.price_history.points[1].markets == frozenset({"DE"})
    assert check_text("Was €99, now €49", "DE", "en", ctx)
    for bad in (
        {"points": "x"},
        {"points": [{"amount": 1}]},
        {"points": [{"amount": 1, "starts_at": "2026-01-01", "markets": "DE"}]},
    ):
        with pytest.raises(ComplianceInputError):
            CheckContext.from_dict({"price_history": bad})
