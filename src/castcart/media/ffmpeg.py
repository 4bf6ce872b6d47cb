"""ffmpeg command lines: the HLS ladder behind the embedded RTMP server (FLV on stdin) and
behind nginx, and the test pattern. Pure functions (no process is started here) so the flags
can be unit-tested."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from castcart.media.playlists import MASTER_PLAYLIST, SEGMENT_PATTERN, VARIANT_PLAYLIST

RTMP_APP = "live"


class FfmpegMissingError(RuntimeError):
    pass


@dataclass(frozen=True)
class Rendition:
    name: str  # also the directory and the variant playlist's folder
    height: int
    video_kbps: int
    audio_kbps: int = 128

    @property
    def maxrate_kbps(self) -> int:
        return self.video_kbps * 11 // 10

    @property
    def bufsize_kbps(self) -> int:
        return self.video_kbps * 2


# The ladder: 720p for most viewers, a 480p rung for slow networks (hls.js switches).
LADDER: tuple[Rendition, ...] = (
    Rendition("720p", 720, 2500),
    Rendition("480p", 480, 900, audio_kbps=96),
)


def find_ffmpeg(configured: str = "") -> str:
    """The configured binary, else ``ffmpeg`` on PATH, else the one imageio-ffmpeg ships."""
    if configured:
        return configured
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - a pinned dependency
        raise FfmpegMissingError("no ffmpeg on PATH and imageio-ffmpeg is not installed") from exc
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def parse_ports(spec: str) -> list[int]:
    """``"1935-1937,1940"`` → ``[1935, 1936, 1937, 1940]`` (sorted, unique)."""
    ports: set[int] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            raise ValueError(f"bad port range {part!r}")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 1 <= low <= high <= 65535:
            raise ValueError(f"bad port range {part!r}")
        ports.update(range(low, high + 1))
    return sorted(ports)


def ladder_args(
    out_dir: str,
    *,
    preset: str,
    segment_seconds: int,
    ladder: Sequence[Rendition] = LADDER,
) -> list[str]:
    """Output half of the command: the renditions as one HLS output with a master playlist.

    Keyframes are forced every segment on every rendition so that segments line up across
    renditions (ABR switches cleanly); ``append_list`` continues the playlist after an
    encoder reconnects (with a discontinuity) and ``omit_endlist`` leaves the ENDLIST to
    castcart, written when the show really ends."""
    n = len(ladder)
    splits = "".join(f"[s{i}]" for i in range(n))
    scales = ";".join(
        f"[s{i}]scale=-2:{r.height},setsar=1[v{r.name}]" for i, r in enumerate(ladder)
    )
    args = ["-filter_complex", f"[0:v]split={n}{splits};{scales}"]
    for rendition in ladder:
        args += ["-map", f"[v{rendition.name}]", "-map", "0:a"]
    args += [
        "-c:v",
        "libx264",
        "-preset",
        preset,
        "-tune",
        "zerolatency",
        "-pix_fmt",
        "yuv420p",
        "-sc_threshold",
        "0",
        "-force_key_frames",
        f"expr:gte(t,n_forced*{segment_seconds})",
        "-c:a",
        "aac",
        "-ac",
        "2",
        "-ar",
        "48000",
    ]
    for i, rendition in enumerate(ladder):
        args += [
            f"-b:v:{i}",
            f"{rendition.video_kbps}k",
            f"-maxrate:v:{i}",
            f"{rendition.maxrate_kbps}k",
            f"-bufsize:v:{i}",
            f"{rendition.bufsize_kbps}k",
            f"-b:a:{i}",
            f"{rendition.audio_kbps}k",
        ]
    stream_map = " ".join(f"v:{i},a:{i},name:{r.name}" for i, r in enumerate(ladder))
    args += [
        "-f",
        "hls",
        "-hls_time",
        str(segment_seconds),
        "-hls_list_size",
        "0",
        "-hls_playlist_type",
        "event",
        "-hls_flags",
        "independent_segments+append_list+omit_endlist",
        "-master_pl_name",
        MASTER_PLAYLIST,
        "-var_stream_map",
        stream_map,
        "-hls_segment_filename",
        f"{out_dir}/%v/{SEGMENT_PATTERN}",
        f"{out_dir}/%v/{VARIANT_PLAYLIST}",
    ]
    return args


def transcode_command(
    ffmpeg: str,
    *,
    out_dir: Path,
    audio_tap: str | None,
    preset: str,
    segment_seconds: int,
) -> list[str]:
    """The embedded ingest's transcoder: the FLV of one accepted publisher on stdin (the RTMP
    server in ``castcart.media.rtmp`` pipes it), the HLS ladder out, and the audio copied as
    MPEG-TS to the captions tap (UDP: never blocks with no listener). It exits when stdin
    closes (the publisher left)."""
    args = [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "warning",
        "-f",
        "flv",
        "-i",
        "pipe:0",
    ]
    args += ladder_args(str(out_dir), preset=preset, segment_seconds=segment_seconds)
    if audio_tap:
        args += ["-map", "0:a", "-c:a", "copy", "-f", "mpegts", audio_tap]
    return args


def relay_command(
    ffmpeg: str, *, input_url: str, out_dir: str, preset: str, segment_seconds: int
) -> list[str]:
    """The same ladder reading a stream nginx-rtmp already accepted (``exec_push``)."""
    args = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning"]
    args += ["-i", input_url]
    return args + ladder_args(out_dir, preset=preset, segment_seconds=segment_seconds)


def pattern_stream_command(
    ffmpeg: str,
    url: str,
    *,
    duration: float | None,
    size: str = "1280x720",
    rate: int = 25,
    tone_hz: int = 440,
    audio_file: str | None = None,
) -> list[str]:
    """A test pattern and a tone (or ``audio_file`` on a loop, e.g. a narration), read in
    real time (``-re``) and pushed like an encoder."""
    args = [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "warning",
        "-re",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={size}:rate={rate}",
    ]
    if audio_file is not None:
        args += ["-re", "-stream_loop", "-1", "-i", audio_file]
    else:
        args += ["-re", "-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000"]
    if duration is not None and duration > 0:
        args += ["-t", f"{duration:g}"]
    args += [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-tune",
        "zerolatency",
        "-pix_fmt",
        "yuv420p",
        "-g",
        str(rate * 2),
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        "-f",
        "flv",
        url,
    ]
    return args
