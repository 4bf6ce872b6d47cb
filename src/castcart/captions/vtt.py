"""WebVTT files per language under the show's media directory, for the replay player, the
``<track>`` element and HLS.

``{media_dir}/shows/{show_id}/captions/{lang}.vtt`` grows by one cue per final segment
(appended and flushed, so a reader never sees half a cue). Cue times are from the start of
the audio tap, which is the start of the stream. An HLS subtitles playlist
(``{lang}.m3u8``) that points at the whole file is written when the show's captions end:
HLS wants immutable subtitle segments, so live viewers get captions over the WebSocket and
the replay gets them through HLS.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from castcart.lingua.languages import normalize


def vtt_time(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def cue_text(text: str) -> str:
    """WebVTT cue payload: no blank lines, no ``-->``, markup characters escaped."""
    text = " ".join(text.split()).replace("-->", "->")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CaptionFiles:
    def __init__(self, media_dir: Path, show_id: str, languages: Iterable[str]) -> None:
        if not show_id.isalnum():
            raise ValueError("show id must be alphanumeric")  # it becomes a path
        self.directory = media_dir / "shows" / show_id / "captions"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.languages = sorted({normalize(lang) for lang in languages})
        self._lock = threading.Lock()
        self._cues: dict[str, int] = {}
        self._last_end: dict[str, float] = {}
        for lang in self.languages:
            path = self.path(lang)
            if not path.exists() or path.stat().st_size == 0:
                path.write_text("WEBVTT\n\n", encoding="utf-8")

    def path(self, lang: str) -> Path:
        return self.directory / f"{lang}.vtt"

    def add(self, segment_id: str, start: float, end: float, texts: Mapping[str, str]) -> None:
        """One cue in each language that has a text for it."""
        with self._lock:
            for lang, text in texts.items():
                if lang not in self.languages or not text.strip():
                    continue
                # cues must not go backwards in a file; clamp on overlap
                begin = max(start, self._last_end.get(lang, 0.0))
                finish = max(end, begin + 0.5)
                cue = (
                    f"{segment_id}\n{vtt_time(begin)} --> {vtt_time(finish)}\n{cue_text(text)}\n\n"
                )
                with self.path(lang).open("a", encoding="utf-8") as handle:
                    handle.write(cue)
                self._cues[lang] = self._cues.get(lang, 0) + 1
                self._last_end[lang] = finish

    def cue_count(self, lang: str) -> int:
        return self._cues.get(lang, 0)

    def write_playlists(self) -> list[Path]:
        """HLS subtitle playlists (VOD, one segment: the whole WebVTT file)."""
        written = []
        for lang in self.languages:
            duration = max(1, math.ceil(self._last_end.get(lang, 0.0)))
            playlist = self.directory / f"{lang}.m3u8"
            playlist.write_text(
                "#EXTM3U\n#EXT-X-VERSION:3\n"
                f"#EXT-X-TARGETDURATION:{duration}\n#EXT-X-MEDIA-SEQUENCE:0\n"
                "#EXT-X-PLAYLIST-TYPE:VOD\n"
                f"#EXTINF:{duration:.3f},\n{lang}.vtt\n#EXT-X-ENDLIST\n",
                encoding="utf-8",
            )
            written.append(playlist)
        return written
