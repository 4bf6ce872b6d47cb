"""Package-level import cycles among castcart's domains (``web`` left out: it wires them all).

    .venv/bin/python scripts/import_cycles.py

Prints each strongly connected group of packages with the imports that close it, and fails
when a group is not one of the known debts below (issue 12: to be paid, never added). Uses
grimp, the graph library import-linter is built on (TYPE_CHECKING imports count too)."""

from __future__ import annotations

import sys

import grimp

# Known cycles, each as the set of packages in it; remove an entry once it is broken.
KNOWN: list[frozenset[str]] = [
    frozenset({"catalog", "fulfillment"}),  # warehouses: catalog's table, fulfillment's calendar
]


def package_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    packages = sorted({m.split(".")[1] for m in graph.modules if m.count(".") >= 1})
    packages = [p for p in packages if p != "web"]
    edges: dict[str, set[str]] = {p: set() for p in packages}
    for a in packages:
        for b in packages:
            if a != b and graph.direct_import_exists(
                importer=f"castcart.{a}", imported=f"castcart.{b}", as_packages=True
            ):
                edges[a].add(b)
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of packages that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group: set[str] = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            groups.append(group)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [g for g in groups if len(g) > 1]


def main() -> int:
    edges = package_edges(grimp.build_graph("castcart"))
    groups = strongly_connected(edges)
    new = [g for g in groups if frozenset(g) not in KNOWN]
    for group in groups:
        label = "NEW CYCLE" if group in new else "known debt"
        print(f"{label}: {' <-> '.join(sorted(group))}")
        for a in sorted(group):
            for b in sorted(edges[a] & group):
                print(f"    {a} -> {b}")
    if not groups:
        print("no package import cycle outside web")
    stale = [k for k in KNOWN if k not in [frozenset(g) for g in groups]]
    for k in stale:
        print(f"paid: {' <-> '.join(sorted(k))} is no longer a cycle; remove it from KNOWN")
    return 1 if new or stale else 0


if __name__ == "__main__":
    sys.exit(main())
