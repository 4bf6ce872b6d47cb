"""Staff roles: the one list every domain reads (the hub's staff connections, the audit log's
host speech, the live compliance guard)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    HOST = "host"
    MODERATOR = "moderator"


STAFF_ROLES: frozenset[str] = frozenset(role.value for role in Role)
