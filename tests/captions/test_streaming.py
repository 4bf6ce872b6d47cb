"""LocalAgreement-2 and segmentation over a scripted recogniser (pure logic; the real
recogniser is exercised by the round-trip tests)."""

from __future__ import annotations

import numpy as np

from castcart.captions.asr import SAMPLE_RATE, Audio, Word
from castcart.captions.streaming import (
    HypothesisBuffer,
    Segmenter,
    StreamingTranscriber,
    Update,
)


def words(*items: tuple[float, float, str]) -> list[Word]:
    return [Word(a, b, t) for a, b, t in items]


def test_a_word_commits_once_two_passes_agree() -> None:
    hyp = HypothesisBuffer()
    assert hyp.insert(words((0.0, 0.4, " Hello"), (0.5, 0.9, " word"))) == []
    committed = hyp.insert(words((0.0, 0.4, " Hello"), (0.5, 0.9, " world"), (1.0, 1.4, " how")))
    assert [w.text for w in committed] == [" Hello"]
    assert [w.text for w in hyp.tentative()] == [" world", " how"]
    committed = hyp.insert(words((0.0, 0.4, " Hello"), (0.5, 0.9, " world,"), (1.0, 1.4, " how")))
    assert [w.text for w in committed] == [" world,", " how"]  # punctuation/case tolerant


def test_repeated_committed_words_at_the_start_of_a_pass_are_skipped() -> None:
    hyp = HypothesisBuffer()
    hyp.insert(words((0.0, 0.4, " buy"), (0.5, 0.9, " now")))
    hyp.insert(words((0.0, 0.4, " buy"), (0.5, 0.9, " now")))
    assert hyp.last_committed_time == 0.9
    # a pass over a trimmed buffer repeats "now" with a slightly earlier time
    hyp.insert(words((0.85, 0.9, " now"), (1.0, 1.3, " please")))
    committed = hyp.insert(words((0.85, 0.9, " now"), (1.0, 1.3, " please")))
    assert [w.text for w in committed] == [" please"]


class ScriptedRecognizer:
    """Returns, for each pass, the words of the script that lie inside the audio given."""

    name = "scripted"
    language = "en"

    def __init__(self, script: list[Word]) -> None:
        self.script = script
        self.offsets: list[float] = []
        self.calls = 0

    def transcribe(self, audio: Audio, *, prompt: str = "") -> list[Word]:
        self.calls += 1
        # the streamer tells us nothing about absolute time: infer from what we were given
        duration = len(audio) / SAMPLE_RATE
        start = self.offset
        return [
            Word(w.start - start, w.end - start, w.text)
            for w in self.script
            if w.start >= start - 0.05 and w.end <= start + duration
        ]

    offset = 0.0


class EnergyGate:
    def is_speech(self, window: Audio) -> bool:
        return float(np.abs(window).mean()) > 0.01


def tone(seconds: float) -> Audio:
    return (0.2 * np.ones(int(seconds * SAMPLE_RATE))).astype(np.float32)


def silence(seconds: float) -> Audio:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def test_utterance_is_transcribed_while_spoken_and_committed_at_the_pause() -> None:
    script = words(
        (1.0, 1.5, " Welcome"), (1.6, 2.0, " to"), (2.1, 2.6, " the"), (2.7, 3.4, " show.")
    )
    rec = ScriptedRecognizer(script)
    streamer = StreamingTranscriber(rec, EnergyGate(), step_s=0.5, preroll_s=0.0)
    rec.offset = 1.0  # the buffer starts where speech starts (no pre-roll)
    segmenter = Segmenter()
    finals, tentatives = [], []
    assert streamer.feed(silence(1.0)) == Update()  # silence: no recognition at all
    assert rec.calls == 0
    for _ in range(10):  # 2.5 s of "speech" in 0.25 s steps
        update = streamer.feed(tone(0.25))
        done, tentative = segmenter.push(update)
        finals += done
        if tentative:
            tentatives.append(tentative)
    assert rec.calls >= 3
    assert tentatives
    assert not tentatives[-1].final
    done, _ = segmenter.push(streamer.feed(silence(1.0)))  # the pause ends the utterance
    finals += done
    assert [s.text for s in finals] == ["Welcome to the show."]
    assert finals[0].start == 1.0
    assert finals[0].end == 3.4
    assert not streamer.in_utterance
    calls = rec.calls
    streamer.feed(silence(3.0))
    assert rec.calls == calls


def test_segments_close_at_sentence_ends_and_length_limits() -> None:
    segmenter = Segmenter(max_words=3)
    update = Update(
        committed=words(
            (0, 1, " Hi."), (1, 2, " This"), (2, 3, " is"), (3, 4, " long"), (4, 5, " really")
        ),
        tentative=words((5, 6, " nice")),
    )
    finals, tentative = segmenter.push(update)
    assert [(s.index, s.text) for s in finals] == [(0, "Hi."), (1, "This is long")]
    assert tentative is not None
    assert (tentative.index, tentative.text) == (2, "really nice")
    finals, tentative = segmenter.push(
        Update(committed=words((5, 6, " nice")), utterance_ended=True)
    )
    assert [(s.index, s.text, s.final) for s in finals] == [(2, "really nice", True)]
    assert tentative is None
