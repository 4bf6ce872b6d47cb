"""The long-lived parts domains install into a running app (the live guard, the audit
recorder, the ingest supervisor, the real-time registry, throttles, ...), kept on the app
context and looked up by their class: a typed lookup instead of untyped attributes on
``app.state``, and one place that says what a running app holds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")


class Services:
    def __init__(self) -> None:
        self._by_type: dict[type, object] = {}
        self._lock = threading.Lock()

    def provide(self, kind: type[T], service: T) -> T:
        """Install (or replace) the app's ``kind``; returns it."""
        with self._lock:
            self._by_type[kind] = service
        return service

    def get(self, kind: type[T]) -> T | None:
        """The app's ``kind``, or None where the domain did not install one (e.g. no
        background tasks in this process)."""
        return cast("T | None", self._by_type.get(kind))

    def get_or_create(self, kind: type[T], create: Callable[[], T]) -> T:
        """The app's ``kind``, made once on first use (thread-safe)."""
        with self._lock:
            service = self._by_type.get(kind)
            if service is None:
                service = self._by_type[kind] = create()
            return cast("T", service)

    def remove(self, kind: type[T]) -> T | None:
        with self._lock:
            return cast("T | None", self._by_type.pop(kind, None))
