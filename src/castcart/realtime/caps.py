"""How many live sockets one viewer and one client address may hold open on this node.

Without a cap a single token (or a script minting guests from one address) can open
thousands of sockets and take the room's memory and fan-out time. The address cap is
generous because many shoppers share one address behind a mobile carrier's NAT."""

from __future__ import annotations

from collections import Counter

CLOSE_TOO_MANY = 4429


class SocketCaps:
    """Counts open sockets per viewer id and per address; used from the event loop only."""

    def __init__(self, per_viewer: int, per_address: int) -> None:
        self.per_viewer = per_viewer
        self.per_address = per_address
        self._viewers: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()

    def admit(self, viewer_id: str, address: str) -> str | None:
        """Count one more socket, or say why not (nothing is counted then)."""
        if self._viewers[viewer_id] >= self.per_viewer:
            return "too many live connections for this session"
        if self._addresses[address] >= self.per_address:
            return "too many live connections from this address"
        self._viewers[viewer_id] += 1
        self._addresses[address] += 1
        return None

    def release(self, viewer_id: str, address: str) -> None:
        for counter, key in ((self._viewers, viewer_id), (self._addresses, address)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]
