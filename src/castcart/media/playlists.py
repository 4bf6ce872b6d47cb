"""Where a show's HLS lives on disk and how it is served and finalised. Pure file logic."""

from __future__ import annotations

import os
import re
from pathlib import Path

MASTER_PLAYLIST = "master.m3u8"
VARIANT_PLAYLIST = "index.m3u8"
SEGMENT_PATTERN = "seg_%05d.ts"
ENDLIST = "#EXT-X-ENDLIST"

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".aac": "audio/aac",
    ".vtt": "text/vtt; charset=utf-8",
}
_SHOW_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_PART = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$")


def show_dir(media_dir: Path, show_id: str) -> Path:
    if not _SHOW_ID.match(show_id):
        raise ValueError("bad show id")
    return media_dir / "shows" / show_id


def master_path(media_dir: Path, show_id: str) -> Path:
    return show_dir(media_dir, show_id) / MASTER_PLAYLIST


def variant_playlists(media_dir: Path, show_id: str) -> list[Path]:
    base = show_dir(media_dir, show_id)
    return sorted(base.glob(f"*/{VARIANT_PLAYLIST}"))


def hls_url(public_base: str, show_id: str) -> str:
    """The master playlist's URL: under ``public_base`` (a CDN) or this app's ``/media``."""
    base = public_base.rstrip("/") if public_base else "/media"
    return f"{base}/shows/{show_id}/{MASTER_PLAYLIST}"


def resolve_media_file(media_dir: Path, show_id: str, relative: str) -> Path | None:
    """The file a ``/media/shows/{show_id}/{relative}`` request names, or None.

    Only plain names (letters, digits, ``_ - .``, no leading dot) in at most three levels,
    with a known media extension, and the resolved path must stay inside the show's folder:
    no traversal, no hidden files, no symlink escape."""
    if not _SHOW_ID.match(show_id):
        return None
    parts = relative.split("/")
    if not 1 <= len(parts) <= 3 or not all(_PART.match(p) for p in parts):
        return None
    if ".." in parts or Path(parts[-1]).suffix not in CONTENT_TYPES:
        return None
    base = show_dir(media_dir, show_id).resolve()
    candidate = (base / Path(*parts)).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix, "application/octet-stream")


def is_final(playlist: Path) -> bool:
    try:
        text = playlist.read_text(encoding="utf-8")
    except OSError:
        return False
    return ENDLIST in text


def is_growing(path: Path) -> bool:
    """Playlists and captions are rewritten while live; segments are written once."""
    return path.suffix in (".m3u8", ".vtt")


def cache_control_for(path: Path, body: bytes) -> str:
    """Cache-Control for a playlist or caption file from the bytes actually served."""
    if path.suffix == ".m3u8" and path.name != MASTER_PLAYLIST and ENDLIST.encode() in body:
        return "public, max-age=3600"
    if is_growing(path):
        return "no-cache"
    return "public, max-age=31536000, immutable"


def cache_control(path: Path) -> str:
    """Segments never change; a playlist changes until it carries ENDLIST (the replay)."""
    if is_growing(path):
        try:
            return cache_control_for(path, path.read_bytes())
        except OSError:
            return "no-cache"
    return "public, max-age=31536000, immutable"


def finalise(media_dir: Path, show_id: str) -> list[Path]:
    """Append ENDLIST to every variant playlist that lacks it: the live event becomes the
    replay (players stop polling and can seek the whole show). Atomic per file; idempotent.
    Call only once no ffmpeg writes the playlists any more."""
    done = []
    for playlist in variant_playlists(media_dir, show_id):
        text = playlist.read_text(encoding="utf-8")
        if ENDLIST in text:
            continue
        if not text.endswith("\n"):
            text += "\n"
        temporary = playlist.with_suffix(".m3u8.final")
        temporary.write_text(text + ENDLIST + "\n", encoding="utf-8")
        os.replace(temporary, playlist)
        done.append(playlist)
    return done


def segment_count(media_dir: Path, show_id: str) -> int:
    """Segments in the show's least advanced rendition (0 before the master exists)."""
    counts = []
    for playlist in variant_playlists(media_dir, show_id):
        try:
            counts.append(playlist.read_text(encoding="utf-8").count("#EXTINF"))
        except OSError:
            counts.append(0)
    if not counts or not master_path(media_dir, show_id).is_file():
        return 0
    return min(counts)


def master_variants(text: str) -> list[dict[str, str]]:
    """The ``#EXT-X-STREAM-INF`` attributes of a master playlist with each variant's URI."""
    variants: list[dict[str, str]] = []
    lines = [line.strip() for line in text.splitlines()]
    for i, line in enumerate(lines):
        if not line.startswith("#EXT-X-STREAM-INF:"):
            continue
        attributes = dict(re.findall(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1]))
        uri = next((u for u in lines[i + 1 :] if u and not u.startswith("#")), "")
        variants.append({k: v.strip('"') for k, v in attributes.items()} | {"URI": uri})
    return variants


def duration_seconds(media_dir: Path, show_id: str) -> float:
    """Length of the recording: the sum of ``#EXTINF`` of the first rendition (0 if none)."""
    for playlist in variant_playlists(media_dir, show_id):
        try:
            text = playlist.read_text(encoding="utf-8")
        except OSError:
            continue
        total = 0.0
        for line in text.splitlines():
            if line.startswith("#EXTINF:"):
                try:
                    total += float(line[len("#EXTINF:") :].split(",")[0])
                except ValueError:
                    continue
        return total
    return 0.0
