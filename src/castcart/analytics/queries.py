"""Every analytics figure as one SQL source (DuckDB's dialect), transpiled by sqlglot to the
backend that runs it: DuckDB (the embedded default), ClickHouse (``chdb`` in tests, a server
at scale) and PostgreSQL. Parameters are ``:name`` placeholders, replaced in the parsed tree
by literals (sqlglot quotes them for the target dialect), so no value is ever pasted into
SQL text by hand.

Figures that are ratios (rates, AOV, revenue per viewer-minute) are divided in Python from
the counts these return (``dashboard.py``), identically for every backend.

Funnel steps (``FUNNEL``), per viewer of the show (the viewer is the shopper session):

1. **view**: the viewer's first ``session_start`` in the show's room;
2. **click**: the first ``product_click`` at or after the view;
3. **cart**: the first ``add_to_cart`` at or after the click;
4. **checkout**: the first ``checkout_start`` at or after the cart;
5. **paid**: the first ``purchase_item`` (a line of a paid order) at or after the checkout.

Each step must fall within ``window_ms`` (24 h by default) of the view; a step repeated is
counted once (its first occurrence after the previous step); with ``product_id`` the click,
cart and paid steps must be that product's. A viewer's source is that of their first
``landing`` in the show (``direct`` without one).
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

import sqlglot
from sqlglot import exp

from castcart.analytics.schema import COLUMNS, TABLE

SHOW = f"FROM {TABLE} WHERE store_id = :store_id AND show_id = :show_id"
ROOM_KINDS = "('session_start', 'heartbeat', 'session_end')"
WATCH = "CASE WHEN kind IN ('heartbeat', 'session_end') THEN watch_ms ELSE 0 END"

SQL: dict[str, str] = {
    # one pass grouping by viewer (a hash aggregate), not one DISTINCT set per figure
    "summary": f"""
WITH per AS (
  SELECT viewer_id,
    MAX(CASE WHEN kind = 'session_start' THEN 1 ELSE 0 END) AS viewed,
    SUM(CASE WHEN kind = 'session_start' THEN 1 ELSE 0 END) AS sessions,
    SUM({WATCH}) AS watch_ms,
    MAX(CASE WHEN kind = 'chat' THEN 1 ELSE 0 END) AS chatted,
    MAX(CASE WHEN kind = 'like' THEN 1 ELSE 0 END) AS liked,
    MAX(CASE WHEN kind IN ('poll_vote', 'quiz_answer', 'giveaway_entry') THEN 1 ELSE 0 END)
      AS participated,
    MAX(CASE WHEN kind IN ('chat', 'like', 'poll_vote', 'quiz_answer', 'giveaway_entry')
      THEN 1 ELSE 0 END) AS interacted,
    SUM(CASE WHEN kind = 'product_click' THEN 1 ELSE 0 END) AS product_clicks,
    SUM(CASE WHEN kind = 'add_to_cart' THEN 1 ELSE 0 END) AS add_to_carts,
    MAX(CASE WHEN kind = 'add_to_cart' THEN 1 ELSE 0 END) AS carted,
    MAX(CASE WHEN kind = 'order_paid' THEN 1 ELSE 0 END) AS bought
  {SHOW}
  GROUP BY viewer_id
),
paid AS (
  SELECT COUNT(DISTINCT order_id) AS orders, COALESCE(SUM(amount), 0) AS gmv
  {SHOW} AND kind = 'order_paid'
)
SELECT
  COALESCE(SUM(viewed), 0) AS unique_viewers,
  COALESCE(SUM(sessions), 0) AS sessions,
  COALESCE(SUM(watch_ms), 0) AS watch_ms,
  COALESCE(SUM(chatted), 0) AS chatters,
  COALESCE(SUM(liked), 0) AS likers,
  COALESCE(SUM(participated), 0) AS participants,
  COALESCE(SUM(interacted), 0) AS interacting_viewers,
  COALESCE(SUM(product_clicks), 0) AS product_clicks,
  COALESCE(SUM(add_to_carts), 0) AS add_to_carts,
  COALESCE(SUM(carted), 0) AS carting_viewers,
  MAX(paid.orders) AS orders,
  MAX(paid.gmv) AS gmv,
  COALESCE(SUM(bought), 0) AS buyers
FROM paid LEFT JOIN per ON 1 = 1
""",
    "watch_time": f"""
WITH per AS (
  SELECT viewer_id, SUM({WATCH}) AS w
  {SHOW} AND kind IN {ROOM_KINDS}
  GROUP BY viewer_id
)
SELECT COUNT(*) AS viewers, AVG(w) AS avg_watch_ms, MEDIAN(w) AS median_watch_ms FROM per
""",
    "concurrency": f"""
WITH d AS (
  SELECT at_ms, CASE WHEN kind = 'session_start' THEN 1 ELSE -1 END AS delta
  {SHOW} AND kind IN ('session_start', 'session_end')
),
r AS (
  SELECT SUM(delta) OVER (ORDER BY at_ms, delta ROWS BETWEEN UNBOUNDED PRECEDING
    AND CURRENT ROW) AS open_sessions
  FROM d
)
SELECT COALESCE(MAX(open_sessions), 0) AS peak_viewers,
  COALESCE((SELECT SUM(delta) FROM d), 0) AS concurrent_viewers
FROM r
""",
    "minute_audience": f"""
SELECT FLOOR(at_ms / 60000) AS minute,
  COUNT(DISTINCT viewer_id) AS viewers,
  SUM(CASE WHEN kind = 'session_start' THEN 1 ELSE 0 END) AS joined,
  SUM(CASE WHEN kind = 'session_end' THEN 1 ELSE 0 END) AS dropped
{SHOW} AND kind IN {ROOM_KINDS}
GROUP BY FLOOR(at_ms / 60000)
ORDER BY minute
""",
    "top_products": f"""
SELECT product_id,
  SUM(CASE WHEN kind = 'product_impression' THEN 1 ELSE 0 END) AS impressions,
  SUM(CASE WHEN kind = 'product_click' THEN 1 ELSE 0 END) AS clicks,
  SUM(CASE WHEN kind = 'add_to_cart' THEN quantity ELSE 0 END) AS carted_units,
  SUM(CASE WHEN kind = 'purchase_item' THEN quantity ELSE 0 END) AS units_sold,
  SUM(CASE WHEN kind = 'purchase_item' THEN amount ELSE 0 END) AS revenue
{SHOW} AND product_id IS NOT NULL
  AND kind IN ('product_impression', 'product_click', 'add_to_cart', 'purchase_item')
GROUP BY product_id
ORDER BY revenue DESC, clicks DESC, product_id
LIMIT 10
""",
    "audience_by_country": f"""
SELECT k AS country, COUNT(DISTINCT viewer_id) AS viewers FROM (
  SELECT COALESCE(country, '') AS k, viewer_id {SHOW} AND kind = 'session_start'
) starts
GROUP BY k
ORDER BY viewers DESC, k
""",
    "audience_by_language": f"""
SELECT k AS lang, COUNT(DISTINCT viewer_id) AS viewers FROM (
  SELECT COALESCE(lang, '') AS k, viewer_id {SHOW} AND kind = 'session_start'
) starts
GROUP BY k
ORDER BY viewers DESC, k
""",
    "funnel": f"""
WITH ev AS (
  SELECT viewer_id, kind, at_ms, product_id, source
  {SHOW} AND kind IN ('landing', 'session_start', 'product_click', 'add_to_cart',
    'checkout_start', 'purchase_item')
),
v AS (
  SELECT viewer_id, MIN(at_ms) AS t_view FROM ev WHERE kind = 'session_start'
  GROUP BY viewer_id
),
s AS (
  SELECT viewer_id, source FROM (
    SELECT viewer_id, source,
      ROW_NUMBER() OVER (PARTITION BY viewer_id ORDER BY at_ms, source) AS rn
    FROM ev WHERE kind = 'landing'
  ) firsts WHERE rn = 1
),
c AS (
  SELECT v.viewer_id, v.t_view, MIN(e.at_ms) AS t_step
  FROM v JOIN ev e ON e.viewer_id = v.viewer_id
  WHERE e.kind = 'product_click' AND (:product_id = '' OR e.product_id = :product_id)
    AND e.at_ms >= v.t_view AND e.at_ms <= v.t_view + :window_ms
  GROUP BY v.viewer_id, v.t_view
),
k AS (
  SELECT c.viewer_id, c.t_view, MIN(e.at_ms) AS t_step
  FROM c JOIN ev e ON e.viewer_id = c.viewer_id
  WHERE e.kind = 'add_to_cart' AND (:product_id = '' OR e.product_id = :product_id)
    AND e.at_ms >= c.t_step AND e.at_ms <= c.t_view + :window_ms
  GROUP BY c.viewer_id, c.t_view
),
o AS (
  SELECT k.viewer_id, k.t_view, MIN(e.at_ms) AS t_step
  FROM k JOIN ev e ON e.viewer_id = k.viewer_id
  WHERE e.kind = 'checkout_start'
    AND e.at_ms >= k.t_step AND e.at_ms <= k.t_view + :window_ms
  GROUP BY k.viewer_id, k.t_view
),
p AS (
  SELECT o.viewer_id, MIN(e.at_ms) AS t_step
  FROM o JOIN ev e ON e.viewer_id = o.viewer_id
  WHERE e.kind = 'purchase_item' AND (:product_id = '' OR e.product_id = :product_id)
    AND e.at_ms >= o.t_step AND e.at_ms <= o.t_view + :window_ms
  GROUP BY o.viewer_id
)
SELECT COALESCE(s.source, 'direct') AS source,
  COUNT(v.viewer_id) AS viewed, COUNT(c.viewer_id) AS clicked, COUNT(k.viewer_id) AS carted,
  COUNT(o.viewer_id) AS checked_out, COUNT(p.viewer_id) AS paid
FROM v
LEFT JOIN s ON s.viewer_id = v.viewer_id
LEFT JOIN c ON c.viewer_id = v.viewer_id
LEFT JOIN k ON k.viewer_id = v.viewer_id
LEFT JOIN o ON o.viewer_id = v.viewer_id
LEFT JOIN p ON p.viewer_id = v.viewer_id
GROUP BY COALESCE(s.source, 'direct')
ORDER BY viewed DESC, source
""",
    "attribution": f"""
WITH o AS (
  SELECT order_id, viewer_id, at_ms, amount
  {SHOW} AND kind = 'order_paid'
),
l AS (
  SELECT id, viewer_id, at_ms, source FROM {TABLE}
  WHERE store_id = :store_id AND kind = 'landing'
    AND at_ms >= (SELECT MIN(at_ms) FROM o) - :lookback_ms
    AND at_ms <= (SELECT MAX(at_ms) FROM o)
    AND viewer_id IN (SELECT viewer_id FROM o)
),
t AS (
  SELECT o.order_id, o.amount, l.source,
    ROW_NUMBER() OVER (PARTITION BY o.order_id ORDER BY l.at_ms, l.id) AS first_rank,
    ROW_NUMBER() OVER (PARTITION BY o.order_id ORDER BY l.at_ms DESC, l.id DESC) AS last_rank
  FROM o JOIN l ON l.viewer_id = o.viewer_id
  WHERE l.at_ms <= o.at_ms
),
touches AS (
  SELECT 'first' AS model, source, amount FROM t WHERE first_rank = 1
  UNION ALL SELECT 'last' AS model, source, amount FROM t WHERE last_rank = 1
  UNION ALL SELECT 'first' AS model, 'direct' AS source, amount FROM o
    WHERE order_id NOT IN (SELECT order_id FROM t)
  UNION ALL SELECT 'last' AS model, 'direct' AS source, amount FROM o
    WHERE order_id NOT IN (SELECT order_id FROM t)
)
SELECT model, source, COUNT(*) AS orders, SUM(amount) AS revenue
FROM touches
GROUP BY model, source
ORDER BY model, revenue DESC, source
""",
}

# every event of a show, for the CSV / Parquet export (not a dashboard figure)
SQL["events"] = f"SELECT {', '.join(COLUMNS)} {SHOW} ORDER BY at_ms, id"

DASHBOARD_QUERIES = (
    "summary",
    "watch_time",
    "concurrency",
    "minute_audience",
    "top_products",
    "audience_by_country",
    "audience_by_language",
    "funnel",
    "attribution",
)
DEFAULTS: dict[str, Any] = {
    "product_id": "",
    "window_ms": 24 * 3600 * 1000,  # funnel: every step within a day of the view
    "lookback_ms": 7 * 24 * 3600 * 1000,  # attribution: landings of the 7 days before
}
DIALECTS = ("duckdb", "clickhouse", "postgres")


@cache
def _tree(name: str) -> exp.Expression:
    tree: exp.Expression = cast("exp.Expression", sqlglot.parse_one(SQL[name], read="duckdb"))
    return tree


def _literal(value: Any) -> exp.Expression:
    if isinstance(value, bool) or value is None:
        raise TypeError("analytics query parameters are strings or integers")
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def _clickhouse(node: exp.Expression) -> exp.Expression:
    """MEDIAN -> ClickHouse's exact, interpolating quantile (as percentile_cont)."""
    if isinstance(node, exp.Median):
        return exp.ParameterizedAgg(
            this="quantileExactInclusive",
            expressions=[exp.Literal.number(0.5)],
            params=[node.this],
        )
    return node


def render(name: str, dialect: str, params: dict[str, Any]) -> str:
    """The SQL of query ``name`` for ``dialect`` with ``params`` in place."""
    if name not in SQL:
        raise KeyError(name)
    values = {**DEFAULTS, **params}
    tree = _tree(name).copy()
    for placeholder in list(tree.find_all(exp.Placeholder)):
        key = placeholder.name
        if key not in values:
            raise KeyError(f"query {name} needs parameter {key!r}")
        placeholder.replace(_literal(values[key]))
    if dialect == "clickhouse":
        tree = tree.transform(_clickhouse)
    sql = tree.sql(dialect=dialect)
    if dialect == "clickhouse":
        # outer joins give NULL (not a default value), 64-bit integers unquoted in JSON
        sql += " SETTINGS join_use_nulls = 1, output_format_json_quote_64bit_integers = 0"
    return sql
