"""Where analytics events live: DuckDB embedded (the default, a file under the data
directory), ClickHouse (``chdb`` in-process, the same engine as a ClickHouse server) or
PostgreSQL. Each backend creates the one table, appends batches, answers the queries of
``queries.py`` (transpiled to its dialect) and removes a shopper's events on erasure.

A DuckDB file takes one writing process: the app's writer thread (``writer.py``) owns the
read-write connection; readers in the same process use cursors of that connection (DuckDB
keeps them consistent), other processes open the file read-only (``read_only=True``).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from castcart.analytics import queries
from castcart.analytics.schema import COLUMNS, INT_COLUMNS, TABLE, Event, ddl


class AnalyticsStore(Protocol):
    dialect: str

    def insert(self, events: Sequence[Event]) -> None: ...

    def fetch(self, sql: str) -> list[dict[str, Any]]: ...

    def delete_shopper(self, store_id: str | None, shopper_id: str) -> None: ...

    def close(self) -> None: ...


def run(store: AnalyticsStore, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run query ``name`` on ``store``; NaN (ClickHouse's average of nothing) reads as None."""
    rows = store.fetch(queries.render(name, store.dialect, params))
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[key] = None
    return rows


_ROW = attrgetter(*COLUMNS)


def _columns(events: Sequence[Event]) -> dict[str, Sequence[Any]]:
    """Column lists of a batch (attrgetter + zip: the loops run in C)."""
    columns = zip(*map(_ROW, events), strict=True)
    return dict(zip(COLUMNS, columns, strict=True))


class DuckDBStore:
    dialect = "duckdb"

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        import duckdb

        self.path = str(path)
        if not read_only and self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path, read_only=read_only)
        self._lock = threading.Lock()
        if not read_only:
            for statement in ddl("duckdb"):
                self._con.execute(statement)

    def insert(self, events: Sequence[Event]) -> None:
        if not events:
            return
        import pyarrow as pa

        batch = pa.table(_columns(events), schema=arrow_schema())
        with self._lock:
            self._con.register("incoming_batch", batch)
            try:
                self._con.execute(f"INSERT INTO {TABLE} SELECT * FROM incoming_batch")
            finally:
                self._con.unregister("incoming_batch")

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        cursor = self._con.cursor()  # one per call: safe beside the writer's appends
        try:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock:
            self._con.execute(sql, list(params))

    def delete_shopper(self, store_id: str | None, shopper_id: str) -> None:
        if store_id is None:
            self.execute(f"DELETE FROM {TABLE} WHERE shopper_id = ?", [shopper_id])
        else:
            self.execute(
                f"DELETE FROM {TABLE} WHERE store_id = ? AND shopper_id = ?",
                [store_id, shopper_id],
            )

    def close(self) -> None:
        with self._lock:
            self._con.close()


def arrow_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [(name, pa.int64() if name in INT_COLUMNS else pa.string()) for name in COLUMNS]
    )


def _ch_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class ClickHouseStore:
    """ClickHouse through ``chdb`` (in-process; a directory holds the MergeTree table)."""

    dialect = "clickhouse"

    def __init__(self, path: Path | str) -> None:
        from chdb import session

        factory: Any = session.Session  # chdb is untyped
        self._session: Any = factory(str(path))
        self._lock = threading.Lock()
        for statement in ddl("clickhouse"):
            self._session.query(statement)

    def insert(self, events: Sequence[Event]) -> None:
        if not events:
            return
        lines = "\n".join(
            json.dumps(dict(zip(COLUMNS, e.row(), strict=True)), separators=(",", ":"))
            for e in events
        )
        with self._lock:
            self._session.query(f"INSERT INTO {TABLE} FORMAT JSONEachRow\n{lines}")

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        with self._lock:
            result = self._session.query(sql, "JSON")
        text = result.bytes().decode() if hasattr(result, "bytes") else str(result)
        if not text.strip():
            return []
        data: list[dict[str, Any]] = json.loads(text)["data"]
        return data

    def delete_shopper(self, store_id: str | None, shopper_id: str) -> None:
        where = f"shopper_id = {_ch_quote(shopper_id)}"
        if store_id is not None:
            where += f" AND store_id = {_ch_quote(store_id)}"
        with self._lock:  # a mutation, waited for: the rows are gone when this returns
            self._session.query(
                f"ALTER TABLE {TABLE} DELETE WHERE {where} SETTINGS mutations_sync = 1"
            )

    def close(self) -> None:
        with self._lock:
            self._session.close()


class PostgresStore:
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg

        self._con = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self._con.autocommit = True
        self._lock = threading.Lock()
        with self._lock:
            for statement in ddl("postgres"):
                self._con.execute(statement)

    def insert(self, events: Sequence[Event]) -> None:
        if not events:
            return
        statement = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN"
        with (
            self._lock,
            self._con.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            for e in events:
                copy.write_row(e.row())

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        from decimal import Decimal

        with self._lock, self._con.cursor() as cursor:
            cursor.execute(sql)
            names = [d.name for d in cursor.description or ()]
            rows = cursor.fetchall()
        out = []
        for row in rows:
            item = {}
            for name, value in zip(names, row, strict=True):
                item[name] = (
                    int(value)
                    if isinstance(value, Decimal) and value == value.to_integral_value()
                    else float(value)
                    if isinstance(value, Decimal)
                    else value
                )
            out.append(item)
        return out

    def delete_shopper(self, store_id: str | None, shopper_id: str) -> None:
        with self._lock:
            if store_id is None:
                self._con.execute(f"DELETE FROM {TABLE} WHERE shopper_id = %s", [shopper_id])
            else:
                self._con.execute(
                    f"DELETE FROM {TABLE} WHERE store_id = %s AND shopper_id = %s",
                    [store_id, shopper_id],
                )

    def close(self) -> None:
        with self._lock:
            self._con.close()


def open_store(backend: str, location: str, *, read_only: bool = False) -> AnalyticsStore:
    """``duckdb`` (a file path), ``clickhouse`` (a chdb directory) or ``postgres`` (a URL)."""
    if backend == "duckdb":
        return DuckDBStore(location, read_only=read_only)
    if backend == "clickhouse":
        return ClickHouseStore(location)
    if backend == "postgres":
        return PostgresStore(location)
    raise ValueError(f"unknown analytics backend {backend!r} (duckdb, clickhouse, postgres)")
