"""OSS/IOSS-style period report grouped by jurisdiction and scheme."""

import csv
import io
from datetime import date

import pytest

from castcart.money import bundled_snapshot
from castcart.tax import OrderTaxRecord, TaxCase, period_report, quote, report_csv


def record(
    order_id: str, day: date, seller: str, buyer: str, goods: int, **kw: object
) -> OrderTaxRecord:
    q = quote(TaxCase(seller, buyer, goods, "EUR", **kw))  # type: ignore[arg-type]
    return OrderTaxRecord.from_quote(order_id, day, seller, q)


RECORDS = [
    record("o1", date(2026, 10, 2), "CN", "DE", 10000),  # IOSS DE 19%: 19.00
    record("o2", date(2026, 10, 9), "CN", "DE", 5000),  # IOSS DE 19%: 9.50
    record("o3", date(2026, 11, 3), "CN", "DE", 5000),  # next period
    record("o4", date(2026, 10, 15), "FR", "IT", 20000),  # OSS IT 22%: 44.00
    record("o5", date(2026, 10, 20), "CN", "FR", 20000),  # import: collected by customs
    record("o6", date(2026, 10, 21), "FR", "DE", 30000, buyer_vat_id="DE136695976"),
]


def test_groups_by_scheme_and_jurisdiction_within_period() -> None:
    rows = period_report(RECORDS, date(2026, 10, 1), date(2026, 10, 31))
    got = [(r.scheme, r.jurisdiction, str(r.rate_percent), r.taxable_amount, r.tax_amount,
            r.order_count) for r in rows]  # fmt: skip
    assert got == [
        ("IOSS", "DE", "19", 15000, 2850, 2),
        ("OSS", "IT", "22", 20000, 4400, 1),
        ("reverse_charge", "DE", "0", 30000, 0, 1),
    ]


def test_scheme_filter() -> None:
    rows = period_report(RECORDS, date(2026, 10, 1), date(2026, 10, 31), schemes=frozenset({"OSS"}))
    assert [r.jurisdiction for r in rows] == ["IT"]


def test_csv_output_with_eur_columns() -> None:
    text = report_csv(RECORDS, date(2026, 10, 1), date(2026, 10, 31), fx=bundled_snapshot())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    first = rows[0]
    assert first["scheme"] == "IOSS"
    assert first["member_state_of_consumption"] == "DE"
    assert first["taxable_amount"] == "150.00"
    assert first["tax_amount"] == "28.50"
    assert first["tax_amount_report"] == "28.50"
    assert first["report_currency"] == "EUR"
    assert first["order_count"] == "2"


def test_bad_period_is_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        period_report(RECORDS, date(2026, 10, 31), date(2026, 10, 1))
