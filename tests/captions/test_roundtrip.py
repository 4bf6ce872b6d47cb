"""Real speech through the real decoder (ffmpeg), speech gate (Silero) and streaming ASR
(faster-whisper), scored with the word error rate against the script.

Bounds: Whisper tiny.en has ~6% WER on LibriSpeech test-clean offline; streaming over a
growing buffer and TTS prosody add a few points, and one misheard word in this 35-word
script is ~3%: 0.20 leaves room for that without letting a broken pipeline (dropped or
duplicated sentences score > 0.3) pass. Spanish runs Whisper base on espeak-ng's formant
voice, which is far from natural speech (base mishears its vowels and "v"/"b"), so the bound is
looser (0.4: four of its ten words): it still fails on silence, the wrong language or garbage.
"""

from __future__ import annotations

from pathlib import Path

import jiwer
import pytest

from castcart.captions.asr import load_recognizer
from castcart.captions.audio import AudioDecoder, decode_file
from castcart.captions.publish import BusPublisher
from castcart.captions.vtt import CaptionFiles
from castcart.captions.worker import CaptionPipeline, run_pipeline
from castcart.events.bus import InProcessEventBus
from castcart.events.types import CaptionSegment, DomainEvent
from castcart.lingua.engines import ApertiumEngine
from castcart.lingua.glossary import Glossary
from castcart.lingua.translator import Translator
from tests.captions.conftest import ENGLISH_SCRIPT, SPANISH_SCRIPT

_NORMALIZE = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def wer(reference: str, hypothesis: str) -> float:
    return float(
        jiwer.wer(
            reference,
            hypothesis,
            reference_transform=_NORMALIZE,
            hypothesis_transform=_NORMALIZE,
        )
    )


def collect(bus: InProcessEventBus) -> list[CaptionSegment]:
    events: list[CaptionSegment] = []

    def keep(event: DomainEvent) -> None:
        assert isinstance(event, CaptionSegment)
        events.append(event)

    bus.subscribe("caption.segment", keep)
    return events


def test_english_round_trip(english_wav: Path, model_cache: Path, tmp_path: Path) -> None:
    bus = InProcessEventBus()
    events = collect(bus)
    apertium = ApertiumEngine()
    translate = ("en", "es") in apertium.pairs()
    pipeline = CaptionPipeline(
        store_id="store1",
        show_id="show1",
        recognizer=load_recognizer(
            model_dir=None, language="en", task="transcribe", cache_dir=model_cache
        ),
        publisher=BusPublisher(bus),
        languages=["en", "es"],
        translator=Translator([apertium]) if translate else None,
        glossary=Glossary.build(protected=["linen"]),
        files=CaptionFiles(tmp_path / "media", "show1", ["en", "es"]),
    )
    # fed in 100 ms pieces, as a live tap delivers it (a file decodes in one burst)
    audio = decode_file(str(english_wav))
    for start in range(0, len(audio), 1600):
        pipeline.feed(audio[start : start + 1600])
    pipeline.finish()

    finals = [e for e in events if e.final]
    tentatives = [e for e in events if not e.final]
    text = " ".join(e.text for e in finals)
    score = wer(ENGLISH_SCRIPT, text)
    print(f"\nEnglish tiny.en WER={score:.3f}\n  ref: {ENGLISH_SCRIPT}\n  hyp: {text}")
    assert score < 0.20
    assert tentatives, "streaming shows tentative text before it commits"
    # final segments: unique ids, in order, inside the audio (1 s of silence first)
    assert len({e.segment_id for e in finals}) == len(finals)
    starts = [e.start_ms for e in finals]
    assert starts == sorted(starts)
    assert finals[0].start_ms >= 500
    assert finals[-1].end_ms <= 20_000
    assert all(e.lang == "en" and e.end_ms >= e.start_ms for e in finals)
    # every tentative is later replaced by a final with its id
    assert {e.segment_id for e in tentatives} <= {e.segment_id for e in finals}

    vtt_en = (tmp_path / "media/shows/show1/captions/en.vtt").read_text()
    assert vtt_en.startswith("WEBVTT\n\n")
    assert vtt_en.count(" --> ") == len(finals)
    assert (tmp_path / "media/shows/show1/captions/en.m3u8").read_text().startswith("#EXTM3U")
    if translate:
        assert all(set(e.translations) == {"es"} for e in finals)
        spanish = " ".join(e.translations["es"] for e in finals).lower()
        assert "vestido" in spanish
        assert "linen" in spanish
        vtt_es = (tmp_path / "media/shows/show1/captions/es.vtt").read_text()
        assert vtt_es.count(" --> ") == len(finals)


def test_silence_and_a_tone_produce_no_caption(
    tone_and_silence_wav: Path, model_cache: Path
) -> None:
    bus = InProcessEventBus()
    events = collect(bus)
    pipeline = CaptionPipeline(
        store_id="store1",
        show_id="show1",
        recognizer=load_recognizer(
            model_dir=None, language="en", task="transcribe", cache_dir=model_cache
        ),
        publisher=BusPublisher(bus),
    )
    run_pipeline(pipeline, AudioDecoder(str(tone_and_silence_wav)))
    assert events == []
    assert pipeline.streamer.asr_calls == 0  # the gate kept Whisper from hallucinating
    assert pipeline.streamer.stream_time == pytest.approx(8.0, abs=0.3)


def test_spanish_round_trip_with_multilingual_base(spanish_wav: Path, model_cache: Path) -> None:
    bus = InProcessEventBus()
    events = collect(bus)
    pipeline = CaptionPipeline(
        store_id="store1",
        show_id="show1",
        recognizer=load_recognizer(
            model_dir=None, language="es", task="transcribe", cache_dir=model_cache
        ),
        publisher=BusPublisher(bus),
        tentatives=False,
    )
    run_pipeline(pipeline, AudioDecoder(str(spanish_wav)))
    text = " ".join(e.text for e in events)
    score = wer(SPANISH_SCRIPT, text)
    print(f"\nSpanish base WER={score:.3f}\n  ref: {SPANISH_SCRIPT}\n  hyp: {text}")
    assert events
    assert all(e.final and e.lang == "es" for e in events)
    assert score < 0.4
