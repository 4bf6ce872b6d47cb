"""Exports of a show's events: CSV (one header row, the columns of ``schema.COLUMNS``) and
Parquet (typed columns: strings and 64-bit integers, written with pyarrow)."""

from __future__ import annotations

import csv
import io
from typing import Any

from castcart.analytics.schema import COLUMNS


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in COLUMNS])
    return out.getvalue().encode()


def to_parquet(rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from castcart.analytics.store import arrow_schema

    schema = arrow_schema()
    table = pa.Table.from_pylist([{c: row.get(c) for c in COLUMNS} for row in rows], schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
