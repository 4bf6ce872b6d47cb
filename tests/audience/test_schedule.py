"""The reminder schedule (pure) and the signed unsubscribe tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from castcart.audience.schedule import ReminderKind, ShowTimes, due_kinds
from castcart.audience.tokens import unsubscribe_token, verify_unsubscribe_token


def test_due_kinds_follow_the_schedule() -> None:
    start = datetime(2026, 12, 10, 18, 0, tzinfo=UTC)
    planned = ShowTimes(start, "scheduled", None)
    booked = start - timedelta(days=3)
    assert due_kinds(planned, booked, start - timedelta(hours=25)) == []
    assert due_kinds(planned, booked, start - timedelta(hours=24)) == [ReminderKind.DAY_BEFORE]
    assert due_kinds(planned, booked, start - timedelta(minutes=11)) == [ReminderKind.DAY_BEFORE]
    assert due_kinds(planned, booked, start - timedelta(minutes=10)) == [ReminderKind.TEN_MINUTES]
    # booked 3 hours ahead: no "tomorrow" mail, the 10-minute one still comes
    late = start - timedelta(hours=3)
    assert due_kinds(planned, late, start - timedelta(hours=2)) == []
    assert due_kinds(planned, late, start - timedelta(minutes=9)) == [ReminderKind.TEN_MINUTES]
    live = ShowTimes(start, "live", start + timedelta(minutes=2))
    assert due_kinds(live, booked, start + timedelta(minutes=3)) == [ReminderKind.LIVE]
    assert due_kinds(live, booked, start + timedelta(minutes=40)) == []
    assert due_kinds(ShowTimes(start, "ended", start), booked, start) == []


def test_unsubscribe_tokens_are_signed() -> None:
    token = unsubscribe_token("secret-a", "abc123")
    assert verify_unsubscribe_token("secret-a", token) == "abc123"
    assert verify_unsubscribe_token("secret-b", token) is None
    assert verify_unsubscribe_token("secret-a", token[:-1] + "x") is None
    assert verify_unsubscribe_token("secret-a", "no-dot") is None
