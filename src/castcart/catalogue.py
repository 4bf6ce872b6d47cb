"""The event catalogue, generated from the code so the documentation cannot drift.

- the events: every concrete class in ``castcart/events/types.py`` (its ``type``, payload
  fields and ``durable`` flag);
- the publishers: the domain packages that construct the class (read from the source);
- the subscribers: what each ``DomainModule`` declares in ``subscribes`` (references to
  the very constants its subscribers loop over; ``tests/core/test_event_catalogue.py``
  checks them against a running app's bus).

``python -m castcart.catalogue`` prints the table; ``--write`` puts it into
``docs/architecture.md`` between the catalogue markers; ``--check`` exits 1 when the doc
differs (the test does the same).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from castcart.events.types import DomainEvent, event_classes
from castcart.modules import domain_modules

PACKAGE = Path(__file__).resolve().parent
DOC = PACKAGE.parent.parent / "docs" / "architecture.md"
START = "<!-- event-catalogue:start (python -m castcart.catalogue --write) -->"
END = "<!-- event-catalogue:end -->"

# Subscriptions whose domain module cannot declare them yet.
# media/module.py is being reworked on another branch: move this there once it lands.
UNDECLARED: dict[str, tuple[str, ...]] = {"media": ("show.ended",)}

# Events published straight on the bus, not through the outbox, and why.
DIRECT: dict[str, str] = {
    "chat.posted": "one per staff chat line, from the hub's event loop; not yet written",
    "caption.segment": "the captions worker publishes on the bus itself; the HTTP ingest "
    "(`POST /api/v1/captions/…`) goes through the outbox",
    "compliance.alert": "derived from a line that is itself on the bus; lost with it",
    "poll.results": "coalesced absolute counts, replaced by the next frame and `poll.closed`",
}

# Events no domain consumes, and why that is right for now.
UNCONSUMED: dict[str, str] = {}

_SKIP_FIELDS = {"id", "store_id", "occurred_at"}


@dataclass(frozen=True)
class EventRow:
    type: str
    name: str
    publishers: tuple[str, ...]
    subscribers: tuple[str, ...]
    fields: tuple[str, ...]
    durable: bool
    note: str

    def markdown(self) -> str:
        cells = [
            f"`{self.type}`",
            f"`{self.name}`",
            ", ".join(self.publishers) or "—",
            ", ".join(self.subscribers) or "—",
            ", ".join(f"`{f}`" for f in self.fields) or "—",
            "outbox" if self.durable else "direct",
            self.note,
        ]
        return "| " + " | ".join(cells) + " |"


@cache
def _constructed_names() -> dict[str, frozenset[str]]:
    """class name -> the domain packages whose source calls it."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] in {"events", "migrations"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name:
                found.setdefault(name, set()).add(parts[0])
    return {name: frozenset(packages) for name, packages in found.items()}


def subscriptions() -> dict[str, frozenset[str]]:
    """domain -> the event types it consumes (declared, plus ``UNDECLARED``)."""
    declared = {module.name: set(module.subscribed_types()) for module in domain_modules()}
    for domain, types in UNDECLARED.items():
        declared.setdefault(domain, set()).update(types)
    return {domain: frozenset(types) for domain, types in declared.items() if types}


def rows() -> list[EventRow]:
    subscribed = subscriptions()
    constructed = _constructed_names()
    out = []
    for cls in sorted(event_classes(), key=lambda c: c.type):
        consumers = sorted(d for d, types in subscribed.items() if cls.type in types)
        notes = [text for table in (DIRECT, UNCONSUMED) if (text := table.get(cls.type))]
        out.append(
            EventRow(
                type=cls.type,
                name=cls.__name__,
                publishers=tuple(sorted(constructed.get(cls.__name__, ()))),
                subscribers=tuple(consumers),
                fields=tuple(f for f in cls.model_fields if f not in _SKIP_FIELDS),
                durable=cls.durable,
                note="; ".join(notes),
            )
        )
    return out


def table() -> str:
    header = [
        "| type | class | published by | consumed by | payload | delivery | note |",
        "|---|---|---|---|---|---|---|",
    ]
    return "\n".join([*header, *(row.markdown() for row in rows())]) + "\n"


def documented(text: str) -> str:
    """The table as it stands between the markers of ``text``."""
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip("\n") + "\n"


def write(path: Path = DOC) -> bool:
    """Put the generated table into ``path``; True when it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    new = text[:start] + "\n" + table() + text[end:]
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def known_type(event_type: str) -> type[DomainEvent] | None:
    return next((cls for cls in event_classes() if cls.type == event_type), None)


def main(argv: list[str]) -> int:
    if "--write" in argv:
        print("updated" if write() else "up to date", DOC)
        return 0
    if "--check" in argv:
        if documented(DOC.read_text(encoding="utf-8")) != table():
            print(f"{DOC}: the event catalogue is stale; run python -m castcart.catalogue --write")
            return 1
        return 0
    sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
