"""The package import graph outside ``web`` (which wires everything) has no cycle but the
known ones below, so no new one creeps in; paying one off fails here until it is struck
from the list. Run ``python -m tests.core.test_import_cycles`` to print the graph's cycles."""

from __future__ import annotations

import grimp

# the cycles left, each as the sorted packages in it (issue 12 lists what to do about them)
KNOWN = [
    ["catalog", "fulfillment"],  # catalog validates a warehouse calendar with fulfillment
    ["commerce", "pages"],  # the address form takes its labels from pages.i18n
]


def package_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("castcart")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        importer = module.split(".")
        if len(importer) < 2:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = imported.split(".")
            if len(target) < 2 or importer[1] == target[1] or "web" in (importer[1], target[1]):
                continue
            edges.setdefault(importer[1], set()).add(target[1])
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_cycles_finds_a_cycle_and_ignores_a_chain() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []


def test_no_package_cycle_outside_web_but_the_known_ones() -> None:
    assert cycles(package_graph()) == KNOWN


if __name__ == "__main__":
    print(cycles(package_graph()) or "no cycles outside web")
