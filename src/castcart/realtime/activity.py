"""What a room tells an observer about its viewers (the analytics domain's room tracker):
a viewer joined or left (each connection), liked, or posted a chat line. Called on the
event loop thread, so an observer must only note the fact and return (hand work to its own
thread). Staff connections are reported too; the observer decides what to count."""

from __future__ import annotations

from typing import Protocol

from castcart.realtime.connection import Viewer


class RoomActivity(Protocol):
    def joined(self, store_id: str, show_id: str, viewer: Viewer) -> None: ...

    def left(self, store_id: str, show_id: str, viewer: Viewer) -> None: ...

    def interacted(self, store_id: str, show_id: str, viewer: Viewer, kind: str) -> None:
        """``kind``: ``"chat"`` or ``"like"``."""
        ...
