"""A room's moderation: staff ``mod.*`` frames become commands persisted through a
``ModerationPort`` (in a thread), and ``moderation.action`` events (from any node) change
the room: mutes, bans, and the staff's view of what happened."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from castcart.events import ModerationActionTaken
from castcart.moderation.filters import WordFilterSet
from castcart.realtime.connection import CLOSE_BANNED, Connection, Viewer

if TYPE_CHECKING:
    from castcart.realtime.hub import ShowHub

log = logging.getLogger(__name__)

MOD_MESSAGES = frozenset({"mod.delete", "mod.mute", "mod.unmute", "mod.ban", "mod.slow_mode"})


@dataclass(frozen=True)
class ModerationCommand:
    """A moderation request from a staff socket (or the flood guard: ``actor`` None)."""

    store_id: str
    show_id: str
    actor: Viewer | None
    action: str  # delete | mute | unmute | ban | slow_mode
    viewer_id: str | None = None
    message_id: str | None = None
    seconds: int | None = None
    reason: str = ""


class ModerationRefused(Exception):
    """Raised by a ``ModerationPort``: sent back to the staff socket as an ``error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ModerationPort(Protocol):
    """Persists moderation (blocking, run in a thread) and publishes ``moderation.action``
    after the commit; every node applies the event to its rooms."""

    def act(self, command: ModerationCommand) -> None: ...

    def filters(self, store_id: str) -> WordFilterSet: ...


class RoomModeration:
    """Mutes and bans of one room, and the staff commands that change them."""

    def __init__(self, room: ShowHub, port: ModerationPort | None) -> None:
        self.room = room
        self.port = port
        self.mutes: dict[str, float] = {}  # viewer id -> muted until (wall clock)
        self.banned: set[str] = set()

    def muted_until_iso(self, viewer_id: str) -> str | None:
        until = self.mutes.get(viewer_id)
        if until is None or until <= self.room.wall():
            return None
        return datetime.fromtimestamp(until, UTC).isoformat().replace("+00:00", "Z")

    def note_muted(self, viewer_id: str, until: float) -> None:
        """A mute read from the database when the viewer (re)joins."""
        self.mutes[viewer_id] = max(until, self.mutes.get(viewer_id, 0.0))

    def auto_mute(self, viewer_id: str) -> None:
        """The flood guard's mute: at once on this node, persisted (and shared) through the
        port like a moderator's."""
        room = self.room
        seconds = room.limits.flood.auto_mute_s
        self.mutes[viewer_id] = room.wall() + seconds
        if self.port is not None:
            command = ModerationCommand(
                room.store_id,
                room.show_id,
                None,
                "mute",
                viewer_id=viewer_id,
                seconds=seconds,
                reason="flood",
            )
            room.spawn(self._run(None, command, None))

    def receive(self, conn: Connection, kind: str, message: dict[str, Any]) -> None:
        """A ``mod.*`` frame from a connection."""
        room = self.room
        ref = message.get("ref")
        if not conn.viewer.is_staff:
            room.error(conn, "forbidden", "moderation is for the show's staff", ref)
            return
        if self.port is None:
            room.error(conn, "unavailable", "moderation is not configured here", ref)
            return
        action = kind.removeprefix("mod.")
        reason = message.get("reason", "")
        if not isinstance(reason, str) or len(reason) > 500:
            room.error(conn, "bad_message", "reason must be a string of at most 500", ref)
            return
        viewer_id = message.get("viewer_id")
        message_id = message.get("message_id")
        seconds = message.get("seconds")
        if action == "delete":
            if not isinstance(message_id, str) or not 0 < len(message_id) <= 32:
                room.error(conn, "bad_message", "mod.delete needs a 'message_id'", ref)
                return
            if not isinstance(viewer_id, str):
                viewer_id = room.chat.author_of(message_id)
        elif action in ("mute", "unmute", "ban") and (
            not isinstance(viewer_id, str) or not 0 < len(viewer_id) <= 32
        ):
            room.error(conn, "bad_message", f"{kind} needs a 'viewer_id'", ref)
            return
        if action in ("mute", "slow_mode"):
            lowest = 1 if action == "mute" else 0
            if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < lowest:
                room.error(conn, "bad_message", f"{kind} needs integer 'seconds' >= {lowest}", ref)
                return
        command = ModerationCommand(
            room.store_id,
            room.show_id,
            conn.viewer,
            action,
            viewer_id=viewer_id if isinstance(viewer_id, str) else None,
            message_id=message_id if action == "delete" else None,
            seconds=seconds if action in ("mute", "slow_mode") else None,
            reason=reason,
        )
        room.spawn(self._run(conn, command, ref))

    async def _run(self, conn: Connection | None, command: ModerationCommand, ref: Any) -> None:
        room = self.room
        port = self.port
        if port is None:
            return
        try:
            await room.loop.run_in_executor(room.executor, port.act, command)
        except ModerationRefused as refused:
            if conn is not None and room.is_member(conn):
                room.error(conn, refused.code, refused.message, ref)
        except Exception:
            log.exception("moderation %s failed in show %s", command.action, room.show_id)
            if conn is not None and room.is_member(conn):
                room.error(conn, "internal", "moderation failed, try again", ref)

    def apply(self, event: ModerationActionTaken) -> None:
        """What a moderation action changes in this room (on every node); its numbered
        frames (``chat.deleted``, ``slow_mode``) come through the room's ``apply_event``."""
        room = self.room
        target = event.target_viewer_id
        if event.action == "mute" and target and event.until is not None:
            self.mutes[target] = event.until.timestamp()
            room.tell(target, "muted", {"until": self.muted_until_iso(target)})
        elif event.action == "unmute" and target:
            self.mutes.pop(target, None)
            room.tell(target, "muted", {"until": None})
        elif event.action == "ban" and target:
            self.banned.add(target)
            for conn in room.connections:
                if conn.viewer.id == target and not conn.viewer.is_staff:
                    room.drop(conn, CLOSE_BANNED, "banned")
        elif event.action == "unban" and target:
            self.banned.discard(target)
        payload = event.model_dump(mode="json", exclude={"store_id"})
        room.send_staff("moderation.action", payload)
