"""Where a show's video can be watched, as the show pages need it.

The media domain owns streams and depends on shows (ingest moves a show's status); shows
must not depend back on it. So shows declare this port and media plugs its answer in when
the app is built (``castcart.media.module:install``); without media, shows have no video."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from castcart.core.settings import Settings

HlsUrlFor = Callable[[Session, Settings, str], "str | None"]


def _no_video(session: Session, settings: Settings, show_id: str) -> str | None:
    return None


_provider: HlsUrlFor = _no_video


def provide_hls_urls(provider: HlsUrlFor) -> None:
    global _provider  # one provider per process: the media domain's
    _provider = provider


def hls_url(session: Session, settings: Settings, show_id: str) -> str | None:
    """The show's HLS master playlist URL; None until a stream has started."""
    return _provider(session, settings, show_id)
