"""The demo host's narration: synthesized once with the packaged voice, looped in the stream."""

from __future__ import annotations

import wave
from pathlib import Path

from castcart.demo.narration import narration_wav
from castcart.media.ffmpeg import pattern_stream_command


def test_narration_is_synthesized_once_and_cached(tmp_path: Path) -> None:
    first = narration_wav(tmp_path)
    assert first is not None  # piper-tts and the voice are dev dependencies
    with wave.open(str(first)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert seconds > 5  # the whole script, not an empty file
    stamp = first.stat().st_mtime_ns
    assert narration_wav(tmp_path) == first
    assert first.stat().st_mtime_ns == stamp


def test_stream_loops_the_narration_instead_of_the_tone() -> None:
    command = pattern_stream_command(
        "ffmpeg", "rtmp://127.0.0.1:1935/live/k", duration=None, audio_file="/x/n.wav"
    )
    assert command[command.index("/x/n.wav") - 3 : command.index("/x/n.wav")] == [
        "-stream_loop",
        "-1",
        "-i",
    ]
    assert not any(arg.startswith("sine=") for arg in command)
    tone = pattern_stream_command("ffmpeg", "rtmp://h/live/k", duration=5)
    assert any(arg.startswith("sine=") for arg in tone)
