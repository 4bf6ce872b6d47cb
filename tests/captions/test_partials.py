"""Tentative captions are translated too, throttled, and never after their final."""

from __future__ import annotations

from castcart.captions.streaming import StreamingTranscriber
from castcart.captions.worker import CaptionPipeline
from castcart.events.types import CaptionSegment
from castcart.lingua.translator import Translator
from tests.captions.test_streaming import EnergyGate, ScriptedRecognizer, silence, tone, words
from tests.lingua.test_translator import TagEngine


class ListPublisher:
    def __init__(self) -> None:
        self.events: list[CaptionSegment] = []

    def publish(self, segments: list[CaptionSegment]) -> None:
        self.events.extend(segments)

    def close(self) -> None:
        return None


SPEECH = "today we are showing a beautiful linen dress in three colours and two sizes"


def _run(partial_words: int = 3) -> tuple[list[CaptionSegment], TagEngine, int]:
    script = words(*[(1.0 + 0.4 * i, 1.3 + 0.4 * i, f" {w}") for i, w in enumerate(SPEECH.split())])
    script[-1] = script[-1].__class__(script[-1].start, script[-1].end, " sizes.")
    recognizer = ScriptedRecognizer(script)
    recognizer.offset = 1.0
    engine = TagEngine("tag", {("en", "es")})
    publisher = ListPublisher()
    now = [0.0]
    pipeline = CaptionPipeline(
        store_id="st",
        show_id="sh",
        recognizer=recognizer,
        publisher=publisher,
        languages=["en", "es"],
        translator=Translator([engine]),
        partial_words=partial_words,
        clock=lambda: now[0],
    )
    pipeline.streamer = StreamingTranscriber(recognizer, EnergyGate(), step_s=0.5, preroll_s=0.0)
    pipeline.feed(silence(1.0))
    for _ in range(28):  # 7 s of speech, a recognition pass every 0.5 s
        now[0] += 0.25
        pipeline.feed(tone(0.25))
    now[0] += 1.0
    pipeline.feed(silence(1.0))  # the pause makes it final
    return publisher.events, engine, pipeline.stats.tentatives


def test_tentative_text_is_translated_but_throttled() -> None:
    events, engine, tentatives = _run()
    drafts = [e for e in events if not e.final]
    finals = [e for e in events if e.final]
    assert finals
    assert len(drafts) == tentatives >= 4
    translated = [e for e in drafts if e.translations]
    # the viewer of another language reads the draft in their language...
    assert translated
    assert all(e.translations["es"] == f"[es] {e.text}" for e in translated)
    # ...but the translator is not asked on every pass: fewer calls than drafts
    partial_calls = [c for c in engine.calls if c[2][0] in {e.text for e in drafts}]
    assert 0 < len(partial_calls) < len(drafts)
    # a draft that is not translated differs by fewer than 3 words from the last one that was
    last = None
    for e in drafts:
        if e.translations:
            last = e.text.split()
        else:
            assert last is not None
            same = next(
                (i for i, (a, b) in enumerate(zip(last, e.text.split(), strict=False)) if a != b),
                min(len(last), len(e.text.split())),
            )
            assert max(len(last), len(e.text.split())) - same < 3
    assert all(f.translations == {"es": f"[es] {f.text}"} for f in finals)


def test_no_draft_follows_its_final() -> None:
    events, _, _ = _run(partial_words=1)  # every draft translated: the most events
    finalized: set[str] = set()
    for e in events:
        assert e.segment_id not in finalized, "a draft came after its final"
        if e.final:
            finalized.add(e.segment_id)
