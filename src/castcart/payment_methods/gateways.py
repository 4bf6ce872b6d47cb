"""What a payment gateway adapter declares it can take, so checkout offers nothing it can't."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@runtime_checkable
class GatewayCapabilities(Protocol):
    """Implemented by each gateway adapter (or declared with `DeclaredCapabilities`)."""

    @property
    def gateway_id(self) -> str: ...

    def supports(self, method_id: str) -> bool: ...


@dataclass(frozen=True)
class DeclaredCapabilities:
    """A static declaration: the method ids a gateway takes, or None for every method."""

    gateway_id: str
    method_ids: frozenset[str] | None

    @classmethod
    def of(cls, gateway_id: str, method_ids: Iterable[str]) -> DeclaredCapabilities:
        return cls(gateway_id, frozenset(method_ids))

    def supports(self, method_id: str) -> bool:
        return self.method_ids is None or method_id in self.method_ids


# The sandbox gateway takes every method, so tests and the demo can exercise all of them.
SANDBOX_CAPABILITIES = DeclaredCapabilities("sandbox", None)
