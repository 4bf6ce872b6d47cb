"""A room's chat pipeline: a line is checked (text, mutes, slow mode, rate, flood, word
filters), broadcast (one frame per line when calm; when busy at most one frame per tick, a
``chat.batch`` of the lines that waited) and translated for the languages in the room, in a
thread, after it left.

The tick adapts to the room: ``FANOUT_SHARE`` times what the last chat frames cost to fan
out (``ShowHub.fanout_cost``), clamped to ``chat_batch_min_interval`` ..
``chat_batch_interval``, so chat frames take at most about 1/``FANOUT_SHARE`` of the loop
however many viewers there are, and a small room is not held to a long tick. A line that
finds no frame sent within the last tick leaves at once (a throttle, not a delay)."""

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
from castcart.realtime.connection import Connection, Viewer
from castcart.realtime.frames import clean_text, now_iso

if TYPE_CHECKING:
    import asyncio

    from castcart.realtime.hub import ShowHub

log = logging.getLogger(__name__)

FANOUT_SHARE = 5.0  # busy chat: the tick is this many times the fan-out of one frame


class ChatTranslator(Protocol):
    """Translates one chat line; blocking (the hub calls it in a thread, once per line).

    Returns the detected source language (None: unknown) and ``{lang: text}`` for those of
    ``targets`` it could reach (never the source itself)."""

    def translate(
        self, text: str, targets: frozenset[str]
    ) -> tuple[str | None, dict[str, str]]: ...


TranslatorFor = Callable[[str], ChatTranslator | None]  # store id -> its translator


@dataclass(frozen=True)
class AssistantReply:
    """What the assistant says back: the ``assistant.answer`` frame's payload, whether it
    goes to the whole room (the host allows it) or to the asker only, and the
    ``assistant.handoff`` payload for the staff when it handed the question on."""

    answer: dict[str, Any]
    to_room: bool = False
    handoff: dict[str, Any] | None = None


class ChatAssistant(Protocol):
    """The shopping assistant as the room sees it (installed by ``assistant``)."""

    def wants(self, store_id: str, text: str) -> bool:
        """A chat line it should answer (``@assistant``, or a recognised product question);
        cheap, called on the event loop."""
        ...

    def reply(
        self,
        store_id: str,
        show_id: str,
        viewer: Viewer,
        text: str,
        *,
        product_id: str | None,
        pinned_product_id: str | None,
    ) -> AssistantReply | None:
        """Blocking (the room calls it in a thread)."""
        ...


@dataclass(frozen=True)
class ChatAssistance:
    """The app's assistant for the rooms (a service on the app context)."""

    assistant: ChatAssistant


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
        assistant: ChatAssistant | None = None,
    ) -> None:
        self.room = room
        self.translator = translator
        self.assistant = assistant
        self.assisting = 0
        self.filters = filters or EMPTY_FILTERS
        self.publish = publish
        self.untranslated = 0  # lines not translated because the translator fell behind
        limits = room.limits
        self._floods: dict[str, FloodGuard] = {}
        self._recent: OrderedDict[str, str] = OrderedDict()  # message id -> author id
        self._times: deque[float] = deque(maxlen=max(1, limits.chat_batch_after))
        self._pending: list[dict[str, Any]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._sent_at = float("-inf")  # when the last chat frame left
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
        assistant = self.assistant
        if not viewer.is_staff and assistant is not None and assistant.wants(room.store_id, text):
            self._assist(conn, text, None, message_id)

    # -- the assistant ------------------------------------------------------------------

    def ask(self, conn: Connection, message: dict[str, Any]) -> None:
        """An ``assistant.ask`` frame (the product card's Ask box): answered to the asker,
        never posted in the chat."""
        room = self.room
        ref = message.get("ref")
        text = message.get("text")
        product_id = message.get("product_id")
        if self.assistant is None:
            room.error(conn, "assistant_off", "the assistant is not available", ref)
            return
        if not isinstance(text, str) or not clean_text(text):
            room.error(conn, "invalid_text", "a question must be a non-empty string", ref)
            return
        text = clean_text(text)
        if len(text) > room.limits.chat_max_chars:
            room.error(conn, "text_too_long", "the question is too long", ref)
            return
        if product_id is not None and not isinstance(product_id, str):
            room.error(conn, "bad_message", "product_id must be a string", ref)
            return
        if not conn.chat_bucket.take():
            self._refuse(conn, "rate_limited", "too many messages, wait a moment", ref)
            return
        self._assist(conn, text, product_id, None, ref)

    def _assist(
        self,
        conn: Connection,
        text: str,
        product_id: str | None,
        message_id: str | None,
        ref: Any = None,
    ) -> None:
        if self.assisting >= self.room.limits.translate_pending:
            return  # the assistant is behind: the host sees the question in chat anyway
        self.assisting += 1
        self.room.spawn(self._run_assistant(conn, text, product_id, message_id, ref))

    async def _run_assistant(
        self,
        conn: Connection,
        text: str,
        product_id: str | None,
        message_id: str | None,
        ref: Any,
    ) -> None:
        room = self.room
        assistant = self.assistant
        try:
            if assistant is None:
                return
            reply = await room.loop.run_in_executor(
                room.executor,
                lambda: assistant.reply(
                    room.store_id,
                    room.show_id,
                    conn.viewer,
                    text,
                    product_id=product_id,
                    pinned_product_id=room.pinned_product_id,
                ),
            )
        except Exception:
            log.exception("the assistant failed in show %s", room.show_id)
            return
        finally:
            self.assisting -= 1
        if reply is None:
            return
        payload = dict(reply.answer)
        payload["in_reply_to"] = message_id
        payload["asker_id"] = conn.viewer.id
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            payload["ref"] = ref
        if reply.to_room and payload.get("status") == "answered":
            room.broadcast("assistant.answer", payload)
        else:
            room.tell(conn.viewer.id, "assistant.answer", payload)
        if reply.handoff is not None:
            room.send_staff("assistant.handoff", reply.handoff)

    # -- batching -----------------------------------------------------------------------

    def tick(self) -> float:
        """The batching tick now: see the module docstring."""
        limits = self.room.limits
        low = min(limits.chat_batch_min_interval, limits.chat_batch_interval)
        return min(limits.chat_batch_interval, max(low, FANOUT_SHARE * self.room.fanout_cost))

    def _emit(self, line: dict[str, Any]) -> None:
        """One frame per line while chat is calm; at most one frame per tick when busy."""
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
            self._send_now(line, now)
            return
        tick = self.tick()
        if not self._pending and now - self._sent_at >= tick:
            self._send_now(line, now)  # nothing left within the last tick: no wait
            return
        self._pending.append(line)
        if self._handle is None:
            delay = min(tick, max(0.0, self._sent_at + tick - now))
            self._handle = self.room.loop.call_later(delay, self._flush)

    def _send_now(self, line: dict[str, Any], now: float) -> None:
        self._sent_at = now
        self.room.broadcast("chat.message", line)

    def _flush(self) -> None:
        self._handle = None
        pending, self._pending = self._pending, []
        if pending:
            self._sent_at = self.room.clock()
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
