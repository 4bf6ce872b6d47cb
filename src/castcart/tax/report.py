"""Period tax report grouped by jurisdiction and scheme, written as OSS/IOSS-style CSV.

Only what the seller declares is reported: lines collected at checkout plus zero-rated
reverse-charge/de-minimis lines (for the recapitulative statement). Tax collected by customs
at import is the carrier's business and left out. Totals stay in the order currency; with an
FX snapshot (OSS uses the ECB rate of the period's last day) EUR columns are added, each
total converted once with the money package's rounding rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TextIO

from castcart.money.fx import FxSnapshot
from castcart.money.money import Money, format_major
from castcart.tax.values import TaxLine, TaxQuote

CSV_COLUMNS = (
    "period_start",
    "period_end",
    "scheme",
    "member_state_of_consumption",
    "tax_name",
    "rate_percent",
    "currency",
    "taxable_amount",
    "tax_amount",
    "order_count",
    "fx_rate",
    "report_currency",
    "taxable_amount_report",
    "tax_amount_report",
)


@dataclass(frozen=True)
class OrderTaxRecord:
    """What an order keeps of its tax quote, enough to report it later."""

    order_id: str
    supplied_on: date
    seller_country: str
    currency: str
    lines: tuple[TaxLine, ...]

    @classmethod
    def from_quote(
        cls, order_id: str, supplied_on: date, seller_country: str, quote: TaxQuote
    ) -> OrderTaxRecord:
        return cls(order_id, supplied_on, seller_country, quote.currency, quote.lines)


@dataclass(frozen=True)
class ReportRow:
    scheme: str
    jurisdiction: str
    tax_name: str
    rate_percent: Decimal
    currency: str
    taxable_amount: int
    tax_amount: int
    order_count: int


def period_report(
    records: Iterable[OrderTaxRecord],
    start: date,
    end: date,
    *,
    schemes: frozenset[str] | None = None,
) -> list[ReportRow]:
    """Sum the seller-declared lines of orders supplied in [start, end], grouped and sorted."""
    if end < start:
        raise ValueError("period end is before its start")
    totals: dict[tuple[str, str, str, Decimal, str], list[int]] = {}
    orders: dict[tuple[str, str, str, Decimal, str], set[str]] = {}
    for record in records:
        if not start <= record.supplied_on <= end:
            continue
        for line in record.lines:
            if line.collected_at == "import":
                continue
            if schemes is not None and line.scheme not in schemes:
                continue
            key = (line.scheme, line.jurisdiction, line.name, line.rate_percent, record.currency)
            acc = totals.setdefault(key, [0, 0])
            acc[0] += line.base
            acc[1] += line.amount
            orders.setdefault(key, set()).add(record.order_id)
    return [
        ReportRow(k[0], k[1], k[2], k[3], k[4], v[0], v[1], len(orders[k]))
        for k, v in sorted(totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][3]))
    ]


def write_csv(
    rows: Iterable[ReportRow],
    out: TextIO,
    *,
    start: date,
    end: date,
    fx: FxSnapshot | None = None,
    report_currency: str = "EUR",
) -> None:
    """Write the report rows as CSV with a header row."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        fx_rate = taxable_rep = tax_rep = ""
        if fx is not None:
            fx_rate = format(fx.rate(row.currency, report_currency).normalize(), "f")
            base = fx.convert(Money(row.taxable_amount, row.currency), report_currency).result
            tax = fx.convert(Money(row.tax_amount, row.currency), report_currency).result
            taxable_rep, tax_rep = base.major(), tax.major()
        writer.writerow(
            (
                start.isoformat(),
                end.isoformat(),
                row.scheme,
                row.jurisdiction,
                row.tax_name,
                format(row.rate_percent.normalize(), "f"),
                row.currency,
                format_major(row.taxable_amount, row.currency),
                format_major(row.tax_amount, row.currency),
                row.order_count,
                fx_rate,
                report_currency if fx is not None else "",
                taxable_rep,
                tax_rep,
            )
        )


def report_csv(
    records: Iterable[OrderTaxRecord],
    start: date,
    end: date,
    *,
    fx: FxSnapshot | None = None,
    schemes: frozenset[str] | None = None,
) -> str:
    """The whole report as a CSV string."""
    buffer = io.StringIO()
    write_csv(
        period_report(records, start, end, schemes=schemes), buffer, start=start, end=end, fx=fx
    )
    return buffer.getvalue()
