"""Video: RTMP ingest (embedded ffmpeg or nginx-rtmp), HLS with a 720p/480p ladder served at
``/media/shows/{show_id}/``, the live ⇄ interrupted → ended transitions a stream drives, and
the audio tap the captions worker reads. See docs/video.md."""

from __future__ import annotations

from castcart.core.settings import Settings, get_settings


def audio_tap_url(show_id: str, settings: Settings | None = None) -> str:
    """A URL ffmpeg can read the show's audio from while it streams.

    Embedded ingest: MPEG-TS over UDP on 127.0.0.1 (the listener sends it whether or not
    anybody reads; the reader binds the port), opening the show's ingest if needed so the
    port is fixed. nginx: the RTMP play URL of the stream (renamed to the show id)."""
    from castcart.core.db import Database
    from castcart.media import service
    from castcart.media.supervisor import audio_tap_source
    from castcart.shows.models import Show

    settings = settings or get_settings()
    if settings.media_ingest == "nginx":
        return f"{settings.media_nginx_play_url.rstrip('/')}/{show_id}"
    if settings.media_ingest == "off":
        raise LookupError("video ingest is off (CASTCART_MEDIA_INGEST=off)")
    db = Database(settings.effective_database_url, pool_size=1)
    try:
        with db.write() as session:
            show = session.get(Show, show_id)
            if show is None:
                raise LookupError(f"no show {show_id}")
            ingest = service.open_ingest(session, settings, show)
            port = ingest.port
    finally:
        db.dispose()
    if port is None:  # pragma: no cover - open_ingest reserves one in embedded mode
        raise LookupError(f"show {show_id} has no ingest port")
    return audio_tap_source(port)


__all__ = ["audio_tap_url"]
