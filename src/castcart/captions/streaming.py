"""Streaming captions from a non-streaming recogniser (LocalAgreement-2, as in
"Turning Whisper into Real-Time Transcription System", Macháček et al. 2023).

Whisper transcribes whole windows, not streams. The streamer keeps a growing buffer of the
current utterance and re-transcribes it every ``step_s``; a word is *committed* once two
consecutive hypotheses agree on it (and on everything before it) — later audio rarely
changes such a prefix — and the rest is *tentative*, shown greyed and replaced on the next
step. The buffer is trimmed at the end of the last committed sentence once it grows past
``trim_s`` (cost per step stays bounded; the trimmed text becomes Whisper's prompt so
spelling stays consistent). Silence of ``end_silence_s`` ends the utterance: one last pass
commits everything left. Silence before speech is never transcribed at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from castcart.captions.asr import SAMPLE_RATE, Audio, SpeechRecognizer, Word, words_text
from castcart.captions.audio import Gate

_NORMALIZE = re.compile(r"[^\w']+")
_SENTENCE_END = re.compile(r"[.!?。！？…]['\")\]]*$")


def _norm(text: str) -> str:
    return _NORMALIZE.sub("", text.casefold())


def ends_sentence(word: Word) -> bool:
    return bool(_SENTENCE_END.search(word.text.strip()))


class HypothesisBuffer:
    """The LocalAgreement-2 bookkeeping: what is committed, what the last pass said."""

    def __init__(self) -> None:
        self.committed_in_buffer: list[Word] = []
        self.previous: list[Word] = []
        self.last_committed_time = 0.0

    def insert(self, words: Sequence[Word]) -> list[Word]:
        """Words of a new pass (stream times); returns the words newly committed."""
        new = [w for w in words if w.start > self.last_committed_time - 0.1]
        # Whisper often repeats the last committed words at the start of the new pass
        # (they are still in the buffer): drop up to a 5-word overlap.
        if new and self.committed_in_buffer and abs(new[0].start - self.last_committed_time) < 1:
            tail = self.committed_in_buffer
            for n in range(min(len(tail), len(new), 5), 0, -1):
                if [_norm(w.text) for w in tail[-n:]] == [_norm(w.text) for w in new[:n]]:
                    new = new[n:]
                    break
        commit: list[Word] = []
        while new and self.previous and _norm(new[0].text) == _norm(self.previous[0].text):
            word = new.pop(0)
            self.previous.pop(0)
            commit.append(word)
            self.last_committed_time = word.end
        self.previous = new
        self.committed_in_buffer.extend(commit)
        return commit

    def tentative(self) -> list[Word]:
        return list(self.previous)

    def forget_before(self, time: float) -> None:
        self.committed_in_buffer = [w for w in self.committed_in_buffer if w.end > time]


def _tail(audio: Audio, samples: int) -> Audio:
    return audio[len(audio) - samples :] if samples > 0 else audio[:0]


@dataclass
class Update:
    committed: list[Word] = field(default_factory=list)
    tentative: list[Word] = field(default_factory=list)
    utterance_ended: bool = False


class StreamingTranscriber:
    def __init__(
        self,
        recognizer: SpeechRecognizer,
        gate: Gate,
        *,
        step_s: float = 1.0,
        window_s: float = 0.25,
        trim_s: float = 12.0,
        max_buffer_s: float = 25.0,
        end_silence_s: float = 0.7,
        preroll_s: float = 0.3,
    ) -> None:
        self.recognizer = recognizer
        self.gate = gate
        self.step_s = step_s
        self.window = int(window_s * SAMPLE_RATE)
        self.trim_s = trim_s
        self.max_buffer_s = max_buffer_s
        self.end_silence_s = end_silence_s
        self.preroll = int(preroll_s * SAMPLE_RATE)
        self.stream_time = 0.0  # seconds of audio received
        self.asr_calls = 0
        self._pending = np.zeros(0, dtype=np.float32)
        self._recent = np.zeros(0, dtype=np.float32)  # pre-roll kept while silent
        self._reset_utterance()
        self._prompt_words: list[Word] = []

    def _reset_utterance(self) -> None:
        self.in_utterance = False
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_offset = 0.0
        self._silence_s = 0.0
        self._since_step_s = 0.0
        self._hyp = HypothesisBuffer()

    def feed(self, audio: Audio) -> Update:
        """Any amount of new audio; runs at most one recognition pass per ``step_s`` of
        audio (plus the final one when an utterance ends)."""
        update = Update()
        self._pending = np.concatenate([self._pending, audio])
        while len(self._pending) >= self.window:
            window, self._pending = self._pending[: self.window], self._pending[self.window :]
            self._feed_window(window, update)
        if self.in_utterance and self._since_step_s >= self.step_s:
            self._step(update)
        return update

    def _feed_window(self, window: Audio, update: Update) -> None:
        duration = len(window) / SAMPLE_RATE
        self.stream_time += duration
        speech = self.gate.is_speech(window)
        if not self.in_utterance:
            if not speech:
                self._recent = _tail(np.concatenate([self._recent, window]), self.preroll)
                return
            self.in_utterance = True
            self._buffer = np.concatenate([self._recent, window])
            self._buffer_offset = self.stream_time - len(self._buffer) / SAMPLE_RATE
            self._recent = np.zeros(0, dtype=np.float32)
            self._since_step_s = duration
            return
        self._buffer = np.concatenate([self._buffer, window])
        self._since_step_s += duration
        self._silence_s = 0.0 if speech else self._silence_s + duration
        if self._silence_s >= self.end_silence_s:
            self._finish_utterance(update)

    def _transcribe(self) -> list[Word]:
        self.asr_calls += 1
        prompt = words_text(self._prompt_words[-40:])
        words = self.recognizer.transcribe(self._buffer, prompt=prompt)
        offset = self._buffer_offset
        return [Word(w.start + offset, w.end + offset, w.text) for w in words]

    def _step(self, update: Update) -> None:
        self._since_step_s = 0.0
        committed = self._hyp.insert(self._transcribe())
        update.committed.extend(committed)
        update.tentative = self._hyp.tentative()
        self._trim()

    def _finish_utterance(self, update: Update) -> None:
        """The speaker paused: whatever the last pass says is final."""
        words = self._transcribe()
        committed = self._hyp.insert(words)
        rest = self._hyp.tentative()
        update.committed.extend(committed + rest)
        update.tentative = []
        update.utterance_ended = True
        self._prompt_words = (self._prompt_words + self._hyp.committed_in_buffer + rest)[-40:]
        self._recent = _tail(self._buffer, self.preroll)
        self._reset_utterance()

    def flush(self) -> Update:
        """End of input: finish the utterance in progress."""
        update = Update()
        if self.in_utterance:
            self._finish_utterance(update)
        return update

    def _trim(self) -> None:
        length_s = len(self._buffer) / SAMPLE_RATE
        if length_s <= self.trim_s:
            return
        committed = self._hyp.committed_in_buffer
        cut = None
        for word in reversed(committed):
            if ends_sentence(word):
                cut = word.end
                break
        if cut is None and length_s > self.max_buffer_s and committed:
            cut = committed[-1].end
        if cut is None or cut <= self._buffer_offset:
            return
        drop = int((cut - self._buffer_offset) * SAMPLE_RATE)
        self._prompt_words = (self._prompt_words + [w for w in committed if w.end <= cut])[-40:]
        self._buffer = self._buffer[drop:]
        self._buffer_offset = cut
        self._hyp.forget_before(cut)


@dataclass(frozen=True)
class Segment:
    index: int
    start: float
    end: float
    text: str
    final: bool


class Segmenter:
    """Committed words -> caption segments: a segment closes at a sentence end, after
    ``max_words`` or ``max_s``, or when the speaker pauses. The open segment plus the
    tentative words form the tentative caption, carrying the index the final one will
    take, so a client can replace it."""

    def __init__(self, max_words: int = 16, max_s: float = 7.0) -> None:
        self.max_words = max_words
        self.max_s = max_s
        self.index = 0
        self._open: list[Word] = []

    def push(self, update: Update) -> tuple[list[Segment], Segment | None]:
        finals: list[Segment] = []
        for word in update.committed:
            if not self._open and not word.text.strip():
                continue
            self._open.append(word)
            too_long = (
                len(self._open) >= self.max_words or word.end - self._open[0].start >= self.max_s
            )
            if ends_sentence(word) or too_long:
                finals.extend(self._close())
        if update.utterance_ended:
            finals.extend(self._close())
        tentative = None
        pending = self._open + update.tentative
        text = words_text(pending)
        if text and not update.utterance_ended:
            tentative = Segment(self.index, pending[0].start, pending[-1].end, text, final=False)
        return finals, tentative

    def _close(self) -> list[Segment]:
        words, self._open = self._open, []
        text = words_text(words)
        if not text:
            return []
        segment = Segment(self.index, words[0].start, words[-1].end, text, final=True)
        self.index += 1
        return [segment]
