"""The live dashboard of a show: every figure, from the queries' counts (``queries.py``),
with the ratios divided here so they read the same on every backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Query = Callable[..., list[dict[str, Any]]]
STEPS = ("viewed", "clicked", "carted", "checked_out", "paid")


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def funnel_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The funnel of every source added up, with each step's share of the views."""
    totals = {step: sum(_int(r[step]) for r in rows) for step in STEPS}
    viewed = totals["viewed"]
    return {
        "steps": [
            {"step": step, "viewers": totals[step], "of_viewers": _ratio(totals[step], viewed)}
            for step in STEPS
        ],
        "by_source": [{"source": r["source"], **{s: _int(r[s]) for s in STEPS}} for r in rows],
    }


def attribution(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"first_touch": [], "last_touch": []}
    for row in rows:
        key = "first_touch" if row["model"] == "first" else "last_touch"
        out[key].append(
            {
                "source": row["source"],
                "orders": _int(row["orders"]),
                "revenue": _int(row["revenue"]),
            }
        )
    return out


def build(query: Query, store_id: str, show_id: str, currency: str) -> dict[str, Any]:
    """Every figure of the dashboard for one show."""
    p = {"store_id": store_id, "show_id": show_id}
    s = query("summary", **p)[0]
    w = query("watch_time", **p)[0]
    c = query("concurrency", **p)[0]
    minutes = query("minute_audience", **p)
    viewers = _int(s["unique_viewers"])
    watch_ms = _int(s["watch_ms"])
    gmv = _int(s["gmv"])
    orders = _int(s["orders"])
    first_minute = _int(minutes[0]["minute"]) if minutes else 0
    viewer_minutes = watch_ms / 60000
    return {
        "show_id": show_id,
        "currency": currency,
        "concurrent_viewers": _int(c["concurrent_viewers"]),
        "peak_viewers": _int(c["peak_viewers"]),
        "unique_viewers": viewers,
        "sessions": _int(s["sessions"]),
        "watch_ms": watch_ms,
        "avg_watch_seconds": round((w["avg_watch_ms"] or 0) / 1000, 3),
        "median_watch_seconds": round((w["median_watch_ms"] or 0) / 1000, 3),
        "chatters": _int(s["chatters"]),
        "likers": _int(s["likers"]),
        "participants": _int(s["participants"]),
        "interaction_rate": _ratio(_int(s["interacting_viewers"]), viewers),
        "product_clicks": _int(s["product_clicks"]),
        "add_to_carts": _int(s["add_to_carts"]),
        "add_to_cart_rate": _ratio(_int(s["carting_viewers"]), viewers),
        "orders": orders,
        "conversion": _ratio(orders, viewers),
        "gmv": gmv,
        "aov": round(gmv / orders) if orders else None,
        "revenue_per_viewer_minute": round(gmv / viewer_minutes, 2) if viewer_minutes else None,
        "minutes": [
            {
                "minute": _int(m["minute"]) - first_minute,
                "at": _int(m["minute"]) * 60,
                "viewers": _int(m["viewers"]),
                "joined": _int(m["joined"]),
                "dropped": _int(m["dropped"]),
                "drop_off": _ratio(_int(m["dropped"]), _int(m["viewers"])),
            }
            for m in minutes
        ],
        "top_products": [
            {k: (v if k == "product_id" else _int(v)) for k, v in row.items()}
            for row in query("top_products", **p)
        ],
        "countries": [
            {"country": r["country"] or None, "viewers": _int(r["viewers"])}
            for r in query("audience_by_country", **p)
        ],
        "languages": [
            {"lang": r["lang"] or None, "viewers": _int(r["viewers"])}
            for r in query("audience_by_language", **p)
        ],
        "funnel": funnel_totals(query("funnel", **p)),
        "attribution": attribution(query("attribution", **p)),
    }
