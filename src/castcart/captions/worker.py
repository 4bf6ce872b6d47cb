"""The caption worker: audio tap -> speech gate -> streaming ASR -> caption segments ->
translations into the store's languages -> events for viewers + WebVTT files.

``CaptionPipeline`` is the synchronous core (tests and the benchmark drive it directly);
``run_worker`` wires it to ffmpeg, the database, the translator and a publisher for
``castcart worker captions --show ID``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from castcart.captions.asr import Audio, SpeechRecognizer
from castcart.captions.audio import AudioDecoder, Gate, SpeechGate
from castcart.captions.publish import CaptionPublisher
from castcart.captions.streaming import Segment, Segmenter, StreamingTranscriber
from castcart.captions.vtt import CaptionFiles
from castcart.events.types import CaptionSegment
from castcart.lingua.glossary import EMPTY, Glossary
from castcart.lingua.translator import Translator

log = logging.getLogger(__name__)

# Tentative text is translated too (viewers otherwise read the untranslated draft for most
# of each segment), but not on every recognition pass: only once it has grown or changed by
# PARTIAL_WORDS words since the last translated draft, or PARTIAL_INTERVAL_S after it.
PARTIAL_WORDS = 3
PARTIAL_INTERVAL_S = 1.5


@dataclass
class PipelineStats:
    finals: int = 0
    tentatives: int = 0
    translated: int = 0
    partials_translated: int = 0
    # wall-clock seconds from the arrival of a final segment's last audio to: its text
    # being ready (before translation) and its event being published (after translation)
    ready_latencies_s: list[float] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)


class CaptionPipeline:
    def __init__(
        self,
        *,
        store_id: str,
        show_id: str,
        recognizer: SpeechRecognizer,
        publisher: CaptionPublisher,
        languages: Iterable[str] = (),
        translator: Translator | None = None,
        glossary: Glossary = EMPTY,
        files: CaptionFiles | None = None,
        gate: Gate | None = None,
        tentatives: bool = True,
        partial_words: int = PARTIAL_WORDS,
        partial_interval_s: float = PARTIAL_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store_id = store_id
        self.show_id = show_id
        self.recognizer = recognizer
        self.publisher = publisher
        self.languages = sorted(set(languages))
        self.translator = translator
        self.glossary = glossary
        self.files = files
        self.streamer = StreamingTranscriber(recognizer, gate or SpeechGate())
        self.segmenter = Segmenter()
        self.tentatives = tentatives
        self.clock = clock
        self.stats = PipelineStats()
        self._last_tentative = ""
        self.partial_words = partial_words
        self.partial_interval_s = partial_interval_s
        # (segment index, words, clock) of the last tentative text that was translated
        self._partial_translated: tuple[int, list[str], float] | None = None
        # wall time at which each second of stream audio arrived (for latency figures)
        self._arrivals: list[tuple[float, float]] = []

    @property
    def lang(self) -> str | None:
        return self.recognizer.language or getattr(self.recognizer, "detected_language", None)

    def feed(self, audio: Audio) -> list[CaptionSegment]:
        self._arrivals.append((self.streamer.stream_time + len(audio) / 16_000, self.clock()))
        return self._emit(*self.segmenter.push(self.streamer.feed(audio)))

    def finish(self) -> list[CaptionSegment]:
        events = self._emit(*self.segmenter.push(self.streamer.flush()))
        if self.files is not None:
            self.files.write_playlists()
        return events

    def _segment_id(self, index: int) -> str:
        return f"{self.show_id[:12]}-{index}"

    def _arrived_at(self, stream_s: float) -> float | None:
        for end, wall in self._arrivals:
            if end >= stream_s:
                return wall
        return None

    def _emit(self, finals: list[Segment], tentative: Segment | None) -> list[CaptionSegment]:
        events: list[CaptionSegment] = []
        lang = self.lang
        ready = self.clock()
        if finals:
            translations = self._translate([s.text for s in finals], lang)
            for i, segment in enumerate(finals):
                texts = {target: out[i] for target, out in translations.items()}
                events.append(self._event(segment, lang, texts))
                if self.files is not None:
                    self.files.add(
                        self._segment_id(segment.index),
                        segment.start,
                        segment.end,
                        {**({lang: segment.text} if lang else {}), **texts},
                    )
            self.stats.finals += len(finals)
        if tentative is not None and self.tentatives and tentative.text != self._last_tentative:
            self._last_tentative = tentative.text
            draft: dict[str, str] = {}
            if self._partial_due(tentative):
                self._partial_translated = (tentative.index, tentative.text.split(), self.clock())
                out = self._translate([tentative.text], lang)
                draft = {target: values[0] for target, values in out.items()}
                self.stats.partials_translated += 1
            # appended after this call's finals: the event order is the order of speech, so
            # a draft's translation can never arrive after (and overwrite) its final
            events.append(self._event(tentative, lang, draft))
            self.stats.tentatives += 1
        if events:
            self.publisher.publish(events)
            now = self.clock()
            for segment in finals:
                arrived = self._arrived_at(segment.end)
                if arrived is not None:
                    self.stats.ready_latencies_s.append(ready - arrived)
                    self.stats.latencies_s.append(now - arrived)
        horizon = self.streamer.stream_time - 60
        self._arrivals = [a for a in self._arrivals if a[0] >= horizon]
        return events

    def _partial_due(self, tentative: Segment) -> bool:
        """Translate this draft? Yes for a new segment's first draft, once it differs by
        ``partial_words`` words from the last translated one, or after the interval."""
        if self.translator is None or not self.languages:
            return False
        last = self._partial_translated
        if last is None or last[0] != tentative.index:
            return True
        index, words, at = last
        current = tentative.text.split()
        same = 0
        for a, b in zip(words, current, strict=False):
            if a != b:
                break
            same += 1
        changed = max(len(words), len(current)) - same
        if changed >= self.partial_words:
            return True
        return changed > 0 and self.clock() - at >= self.partial_interval_s

    def _translate(self, texts: list[str], lang: str | None) -> dict[str, list[str]]:
        if self.translator is None or lang is None:
            return {}
        targets = [t for t in self.languages if t != lang]
        out = self.translator.translate_to_many(texts, lang, targets, self.glossary)
        self.stats.translated += len(texts) * len(out)
        return out

    def _event(self, segment: Segment, lang: str | None, texts: dict[str, str]) -> CaptionSegment:
        return CaptionSegment(
            store_id=self.store_id,
            show_id=self.show_id,
            segment_id=self._segment_id(segment.index),
            start_ms=round(segment.start * 1000),
            end_ms=round(segment.end * 1000),
            text=segment.text,
            lang=lang,
            final=segment.final,
            translations=texts,
        )


def run_pipeline(pipeline: CaptionPipeline, decoder: AudioDecoder) -> PipelineStats:
    """Until the input ends (the show's stream stops) or the process is interrupted."""
    try:
        for chunk in decoder.chunks():
            pipeline.feed(chunk)
    finally:
        decoder.close()
        pipeline.finish()
    return pipeline.stats
