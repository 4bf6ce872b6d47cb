"""Show analytics: the event pipeline (room, domain events, beacon) into DuckDB /
ClickHouse / PostgreSQL, the live dashboard figures, funnels and attribution
(docs/analytics.md)."""
