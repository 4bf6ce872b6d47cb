"""What counts as the host's speech in a show: a staff member's chat line or a final caption
segment. The audit log keeps it and the live compliance guard checks it; shoppers' chat
(personal data) and tentative captions (replaced by their final segment) are neither."""

from __future__ import annotations

from castcart.accounts.roles import STAFF_ROLES
from castcart.events import DomainEvent

SPEECH_TYPES: tuple[str, ...] = ("chat.posted", "caption.segment")


def is_host_speech(event: DomainEvent) -> bool:
    if event.type == "chat.posted":
        return getattr(event, "role", None) in STAFF_ROLES
    if event.type == "caption.segment":
        return getattr(event, "final", True) is not False
    return False
