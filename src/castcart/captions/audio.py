"""The audio tap and the speech gate.

``AudioDecoder`` runs ``ffmpeg -i <url> -ac 1 -ar 16000 -f s16le -`` on anything ffmpeg reads
(the show's tap URL from ``castcart.media.audio_tap_url``, an RTMP/HLS URL, a file) and
hands out float32 PCM. A reader thread drains ffmpeg's pipe continuously, so a slow ASR step
never back-pressures ffmpeg (which, on a live input, would make it fall behind and drop);
the caption loop takes whatever has accumulated since its last step.

``SpeechGate`` is Silero VAD (the ONNX model packaged inside faster-whisper): silence, music
beds and tones never reach Whisper, which would otherwise hallucinate text on them.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from castcart.captions.asr import SAMPLE_RATE, Audio
from castcart.captions.errors import CaptionsErrorCode
from castcart.core.errors import UnprocessableError


class DecoderError(UnprocessableError):
    code = "audio_decoder_failed"


class AudioDecoder:
    """ffmpeg -> 16 kHz mono float32 chunks. ``realtime`` reads the input at its native rate
    (``-re``), which a file must use to behave like a live stream."""

    def __init__(
        self,
        url: str,
        *,
        realtime: bool = False,
        chunk_s: float = 0.1,
        ffmpeg: str = "ffmpeg",
    ) -> None:
        binary = shutil.which(ffmpeg)
        if binary is None:
            raise DecoderError("ffmpeg is not installed", code=CaptionsErrorCode.FFMPEG_MISSING)
        self.url = url
        self.chunk_bytes = int(chunk_s * SAMPLE_RATE) * 2
        command = [binary, "-nostdin", "-hide_banner", "-loglevel", "error"]
        if realtime:
            command.append("-re")
        command += ["-i", url, "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"]
        self._process = subprocess.Popen(  # noqa: S603 - fixed binary, URL passed as one arg
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="castcart-audio", daemon=True)
        self._reader.start()
        self.stderr = ""
        self._closed = False

    def _read(self) -> None:
        stdout = self._process.stdout
        while stdout is not None:
            data = stdout.read(self.chunk_bytes)
            if not data:
                break
            self._queue.put(data)
        self._queue.put(None)

    def chunks(self, timeout_s: float | None = None) -> Iterator[Audio]:
        """Everything decoded so far, as one array per step; ends with the input. A step
        blocks until at least one chunk arrives."""
        pending = b""
        while True:
            try:
                first = self._queue.get(timeout=timeout_s)
            except queue.Empty:
                continue
            if first is None:
                break
            parts = [first]
            ended = False
            while True:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    ended = True
                    break
                parts.append(more)
            data = pending + b"".join(parts)
            usable = len(data) - len(data) % 2
            pending = data[usable:]
            if usable:
                yield pcm16_to_float(data[:usable])
            if ended:
                break
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._process.poll() is None:
            self._process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
            if self._process.poll() is None:
                self._process.kill()
        self._process.wait()
        if self._process.stderr is not None:
            self.stderr = self._process.stderr.read().decode(errors="replace")[-2000:]
            self._process.stderr.close()
        if self._process.stdout is not None:
            self._process.stdout.close()

    @property
    def returncode(self) -> int | None:
        return self._process.returncode


def pcm16_to_float(data: bytes) -> Audio:
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)


def decode_file(path: str) -> Audio:
    """A whole input decoded at once (tests, benchmarks)."""
    decoder = AudioDecoder(path)
    parts = list(decoder.chunks())
    if decoder.returncode not in (0, None) and not parts:
        raise DecoderError(f"ffmpeg could not decode {path}: {decoder.stderr}")
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


class Gate(Protocol):
    def is_speech(self, window: Audio) -> bool: ...


class SpeechGate:
    """Per-window speech decision from Silero VAD.

    Each call scores a window together with the tail of the previous audio (Silero needs a
    little context to settle); a window counts as speech when enough of its 32 ms frames
    are above the threshold."""

    FRAME = 512  # samples per Silero frame at 16 kHz

    def __init__(self, threshold: float = 0.5, min_speech_frames: int = 3) -> None:
        from faster_whisper.vad import get_vad_model

        self._model: Any = get_vad_model()
        self.threshold = threshold
        self.min_speech_frames = min_speech_frames
        self._context = np.zeros(0, dtype=np.float32)

    def is_speech(self, window: Audio) -> bool:
        audio = np.concatenate([self._context, window])
        self._context = audio[-SAMPLE_RATE // 2 :]
        padded_len = -(-len(audio) // self.FRAME) * self.FRAME
        if padded_len == 0:
            return False
        padded = np.zeros(padded_len, dtype=np.float32)
        padded[: len(audio)] = audio
        probs = np.asarray(self._model(padded)).reshape(-1)
        own = probs[-max(1, -(-len(window) // self.FRAME)) :]  # the frames of this window
        return int((own > self.threshold).sum()) >= self.min_speech_frames

    def reset(self) -> None:
        self._context = np.zeros(0, dtype=np.float32)
