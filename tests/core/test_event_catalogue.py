"""The event catalogue in docs/architecture.md is the code's: the table is generated from the
event classes and the registry's declarations, and the declarations are checked against the
subscriptions of a running app."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from fastapi.testclient import TestClient

from castcart import catalogue
from castcart.events.bus import ALL, Handler
from castcart.events.types import event_classes
from castcart.web.app import create_app
from tests.conftest import make_settings
from tests.helpers import Api


def test_the_documented_catalogue_is_the_generated_one() -> None:
    doc = catalogue.DOC.read_text(encoding="utf-8")
    assert catalogue.documented(doc) == catalogue.table(), (
        "run: python -m castcart.catalogue --write"
    )


def test_the_check_command_fails_on_a_stale_doc(tmp_path: Path) -> None:
    stale = tmp_path / "architecture.md"
    stale.write_text(f"x\n{catalogue.START}\n| old |\n{catalogue.END}\ny\n", encoding="utf-8")
    assert catalogue.documented(stale.read_text(encoding="utf-8")) != catalogue.table()
    assert catalogue.write(stale) is True
    assert catalogue.documented(stale.read_text(encoding="utf-8")) == catalogue.table()
    assert stale.read_text(encoding="utf-8").startswith("x\n")
    assert catalogue.write(stale) is False
    assert catalogue.main(["--check"]) == 0


def test_every_event_type_is_unique_and_every_declared_one_exists() -> None:
    types = [cls.type for cls in event_classes()]
    assert len(types) == len(set(types))
    for domain, declared in catalogue.subscriptions().items():
        unknown = {t for t in declared if catalogue.known_type(t) is None}
        assert unknown == set(), f"{domain} declares unknown event types"
    for table in (catalogue.DIRECT, catalogue.UNCONSUMED):
        assert set(table) <= set(types)


def test_every_event_has_a_publisher_and_a_consumer_or_a_reason() -> None:
    for row in catalogue.rows():
        assert row.publishers, f"{row.type}: nobody constructs it; drop it"
        assert row.subscribers or row.type in catalogue.UNCONSUMED, (
            f"{row.type} is published but nobody consumes it"
        )
        assert not (row.subscribers and row.type in catalogue.UNCONSUMED), row.type
        assert row.durable == (row.type not in catalogue.DIRECT), row.type


def _domain(handler: Handler) -> str:
    owner = getattr(handler, "__self__", None)
    module = type(owner).__module__ if owner is not None else handler.__module__
    parts = module.split(".")
    assert parts[0] == "castcart", f"{handler!r} is not a castcart subscriber"
    return parts[1]


def test_a_running_app_subscribes_to_exactly_what_the_modules_declare(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path), background_tasks=False)
    with TestClient(app) as client:
        api = Api(client)
        store = api.store()
        warehouse = api.warehouse(store)
        show = api.show(store, products=[api.product(store, warehouse=warehouse)], live=True)
        shopper = api.shopper(store)
        path = f"/api/v1/shop/{store['store']['slug']}/shows/{show['id']}/live"
        with client.websocket_connect(f"{path}?token={shopper['token']}") as ws:
            assert ws.receive_json()["type"] == "hello"  # the hub is bound to the bus now
            bus = app.state.ctx.bus
            observed: dict[str, set[str]] = defaultdict(set)
            for registry in (bus._handlers, bus._local_handlers):
                for event_type, handlers in registry.items():
                    for handler in handlers:
                        observed[_domain(handler)].add(event_type)

    declared = catalogue.subscriptions()
    for domain, types in observed.items():
        specific = types - {ALL}
        assert specific <= declared.get(domain, frozenset()), (
            f"{domain} subscribes to {sorted(specific - declared.get(domain, frozenset()))} "
            "without declaring it in its module's subscribes"
        )
        if ALL in types:
            # a '*' subscriber filters; its module must name what it keeps
            assert declared.get(domain, frozenset()) - specific, domain
    for domain, types in declared.items():
        if domain in catalogue.UNDECLARED or ALL in observed.get(domain, set()):
            continue
        assert types == observed.get(domain, set()), f"{domain} declares what it never reads"
    # the hub's '*' keeps its room events and every broadcast, and nothing else
    from castcart.events.types import ShowBroadcast
    from castcart.realtime.hub import BUS_EVENT_TYPES, forwarded_event_types

    broadcasts = {c.type for c in event_classes() if issubclass(c, ShowBroadcast)}
    assert forwarded_event_types() == set(BUS_EVENT_TYPES) | broadcasts
    assert ALL in observed["realtime"]
