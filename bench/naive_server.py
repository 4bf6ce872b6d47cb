"""The baseline: the checkout most first versions write. Read the stock, check it, then write
the new value and the order as separate autocommitted statements. Between the read and the
write the request does what real checkouts do there (here: a 2 ms stand-in for a tax or
shipping quote), and other buyers read the same stale number. Used only by flash_sale.py."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

DB_PATH = sys.argv[2] if len(sys.argv) > 2 else "naive.db"
_local = threading.local()
app = FastAPI()


def _connection() -> sqlite3.Connection:
    if not hasattr(_local, "conn"):
        conn = sqlite3.connect(DB_PATH, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        _local.conn = conn
    return _local.conn  # type: ignore[no-any-return]


@app.post("/setup")
def setup(stock: int) -> dict[str, int]:
    conn = _connection()
    conn.execute("DROP TABLE IF EXISTS stock")
    conn.execute("DROP TABLE IF EXISTS orders")
    conn.execute("CREATE TABLE stock (sku TEXT PRIMARY KEY, quantity INTEGER)")
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, sku TEXT)")
    conn.execute("INSERT INTO stock VALUES ('SKU', ?)", (stock,))
    return {"stock": stock}


@app.post("/checkout")
def checkout() -> JSONResponse:
    conn = _connection()
    (quantity,) = conn.execute("SELECT quantity FROM stock WHERE sku='SKU'").fetchone()
    if quantity < 1:
        return JSONResponse({"code": "out_of_stock"}, status_code=409)
    time.sleep(0.002)  # quote tax / shipping before committing
    conn.execute("UPDATE stock SET quantity=? WHERE sku='SKU'", (quantity - 1,))
    conn.execute("INSERT INTO orders (sku) VALUES ('SKU')")
    return JSONResponse({"ok": True}, status_code=201)


@app.get("/orders")
def orders() -> dict[str, int]:
    (count,) = _connection().execute("SELECT count(*) FROM orders").fetchone()
    return {"orders": count}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", backlog=4096)
