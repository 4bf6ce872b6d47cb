"""A room's chat pipeline: a line is checked (text, mutes, slow mode, rate, flood, word
filters), broadcast (one frame per line when calm, one ``chat.batch`` per tick when busy)
and translated for the languages in the room, in a thread, after it left."""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from castcart.core.ids import new_id
from castcart.events import ChatPosted, DomainEvent
from castcart.moderation.filters import EMPTY_FILTERS, WordFilterSet, fold
from castcart.moderation.flood import FloodGuard
from castcart.realtime.connection import Connection
from castcart.realtime.frames import clean_text, now_iso

if TYPE_CHECKING:
    import asyncio

    from castcart.realtime.hub import ShowHub

log = logging.getLogger(__name__)


class ChatTranslator(Protocol):
    """Translates one chat line; blocking (the hub calls it in a thread, once per line).

    Returns the detected source language (None: unknown) and ``{lang: text}`` for those of
    ``targets`` it could reach (never the source itself)."""

    def translate(
        self, text: str, targets: frozenset[str]
    ) -> tuple[str | None, dict[str, str]]: ...


TranslatorFor = Callable[[str], ChatTranslator | None]  # store id -> its translator


@dataclass(frozen=True)
class ChatTranslation:
    """The app's chat translation (a service on the app context, installed by ``lingua``):
    the rooms ask it for a store's translator."""

    translator_for: TranslatorFor


class ChatPipeline:
    """Chat of one room. Runs on the room's event loop; sends through the room."""

    def __init__(
        self,
        room: ShowHub,
        *,
        translator: ChatTranslator | None,
        filters: WordFilterSet | None,
        publish: Callable[[DomainEvent], None] | None,
    ) -> None:
        self.room = room
        self.translator = translator
        self.filters = filters or EMPTY_FILTERS
        self.publish = publish
        self.untranslated = 0  # lines not translated because the translator fell behind
        limits = room.limits
        self._floods: dict[str, FloodGuard] = {}
        self._recent: OrderedDict[str, str] = OrderedDict()  # message id -> author id
        self._times: deque[float] = deque(maxlen=max(1, limits.chat_batch_after))
        self._pending: list[dict[str, Any]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._translating = 0

    def author_of(self, message_id: str) -> str | None:
        """Who wrote a recent line (moderators delete by message id alone)."""
        return self._recent.get(message_id)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    # -- a line in ----------------------------------------------------------------------

    def flood(self, viewer_id: str) -> FloodGuard:
        guard = self._floods.get(viewer_id)
        if guard is None:
            if len(self._floods) > 10 * max(64, self.room.viewer_count):
                self._floods.clear()  # bounded: guards of departed viewers go
            guard = self._floods[viewer_id] = FloodGuard(self.room.limits.flood, self.room.clock)
        return guard

    def _refuse(self, conn: Connection, code: str, message: str, ref: Any) -> None:
        """A refused line; a shopper who keeps being refused is muted for a while."""
        self.room.error(conn, code, message, ref)
        viewer = conn.viewer
        if not viewer.is_staff and self.flood(viewer.id).strike():
            self.room.moderation.auto_mute(viewer.id)

    def receive(self, conn: Connection, message: dict[str, Any]) -> None:
        """A ``chat.send`` frame."""
        room = self.room
        limits = room.limits
        ref = message.get("ref")
        text = message.get("text")
        if not isinstance(text, str):
            room.error(conn, "invalid_text", "chat text must be a string", ref)
            return
        text = clean_text(text)
        if not text:
            room.error(conn, "invalid_text", "chat text must not be empty", ref)
            return
        if len(text) > limits.chat_max_chars:
            room.error(
                conn,
                "text_too_long",
                f"chat text is limited to {limits.chat_max_chars} characters",
                ref,
            )
            return
        viewer = conn.viewer
        if not viewer.is_staff:
            until = room.moderation.muted_until_iso(viewer.id)
            if until is not None:
                room.error(conn, "muted", "you are muted in this show", ref, until=until)
                return
        now = room.clock()
        slow = room.slow_mode_seconds
        if (
            slow
            and not viewer.is_staff
            and conn.last_chat_at is not None
            and now - conn.last_chat_at < slow
        ):
            self._refuse(conn, "slow_mode", f"slow mode: one message per {slow}s", ref)
            return
        if not conn.chat_bucket.take():
            self._refuse(conn, "rate_limited", "too many messages, wait a moment", ref)
            return
        if not viewer.is_staff:
            folded = fold(text)
            if self.flood(viewer.id).repeated(folded):
                self._refuse(conn, "repeated", "you just sent that", ref)
                return
            if len(self.filters):
                filtered, _hits = self.filters.apply(text)
                if filtered is None:
                    self._refuse(conn, "blocked_word", "this message is not allowed here", ref)
                    return
                text = filtered
            self.flood(viewer.id).accepted(folded)
        conn.last_chat_at = now
        message_id = new_id()
        self._recent[message_id] = viewer.id
        if len(self._recent) > limits.recent_messages:
            self._recent.popitem(last=False)
        self._emit(
            {
                "id": message_id,
                "author": viewer.display_name,
                "author_id": viewer.id,
                "role": viewer.role,
                "text": text,
                "lang": viewer.lang,
                "at": now_iso(),
            }
        )
        if room.activity is not None:
            room.activity.interacted(room.store_id, room.show_id, viewer, "chat")
        if viewer.is_staff and self.publish is not None:
            # host speech goes to the live guard and the audit log (off the loop: the bus
            # may write to Redis)
            event = ChatPosted(
                store_id=room.store_id,
                show_id=room.show_id,
                message_id=message_id,
                author_id=viewer.id,
                role=viewer.role,
                text=text,
                lang=viewer.lang,
            )
            room.spawn(room.loop.run_in_executor(room.executor, self.publish, event))
        if self.translator is not None:
            self._translate(message_id, text)

    # -- batching -----------------------------------------------------------------------

    def _emit(self, line: dict[str, Any]) -> None:
        """One frame per line while chat is calm; one ``chat.batch`` per tick when busy."""
        limits = self.room.limits
        interval = limits.chat_batch_interval
        now = self.room.clock()
        times = self._times
        times.append(now)
        busy = (
            interval > 0
            and len(times) == times.maxlen
            and limits.chat_batch_after > 0
            and now - times[0] < 1.0
        )
        if not busy and not self._pending:
            self.room.broadcast("chat.message", line)
            return
        self._pending.append(line)
        if self._handle is None:
            self._handle = self.room.loop.call_later(interval, self._flush)

    def _flush(self) -> None:
        self._handle = None
        pending, self._pending = self._pending, []
        if len(pending) == 1:
            self.room.broadcast("chat.message", pending[0])
        elif pending:
            self.room.broadcast("chat.batch", {"messages": pending})

    def flush(self) -> None:
        """Send what is waiting for the next batch now (tests, shutdown)."""
        if self._handle is not None:
            self._handle.cancel()
        self._flush()

    @property
    def pending(self) -> int:
        """Lines waiting for the next batch."""
        return len(self._pending)

    # -- translation --------------------------------------------------------------------

    def _translate(self, message_id: str, text: str) -> None:
        targets = self.room.presence.languages()
        if not targets:
            return
        if self._translating >= self.room.limits.translate_pending:
            self.untranslated += 1
            return
        self._translating += 1
        self.room.spawn(self._run_translation(message_id, text, targets))

    async def _run_translation(self, message_id: str, text: str, targets: frozenset[str]) -> None:
        room = self.room
        translator = self.translator
        try:
            if translator is None:
                return
            source, translations = await room.loop.run_in_executor(
                room.executor, translator.translate, text, targets
            )
        except Exception:
            log.exception("chat translation failed in show %s", room.show_id)
            return
        finally:
            self._translating -= 1
        translations = {k: v for k, v in translations.items() if k != source and v}
        if translations:
            room.broadcast(
                "chat.translated",
                {"message_id": message_id, "lang": source, "translations": translations},
            )
