"""``castcart worker captions --show ID``: live captions for one show, as its own process."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

app = typer.Typer(help="Long-running workers beside the app.", no_args_is_help=True)


def _tap_url(show_id: str) -> str:
    import importlib

    try:
        media = importlib.import_module("castcart.media")  # the media side provides the tap
    except ImportError:
        raise typer.BadParameter("no media module here: give --url", param_hint="--url") from None
    tap = getattr(media, "audio_tap_url", None)
    if tap is None:
        raise typer.BadParameter("no audio tap available: give --url", param_hint="--url")
    return str(tap(show_id))


@app.command()
def captions(
    show: str = typer.Option(..., "--show", help="the show to caption"),
    url: str = typer.Option("", help="audio source ffmpeg can read (default: the show's tap)"),
    lang: str = typer.Option("", help="language the host speaks (default: the store's)"),
    task: str = typer.Option(
        "transcribe", help="transcribe, or translate (any spoken language -> English)"
    ),
    realtime: bool = typer.Option(
        False, help="read the input at its native rate (for a file standing in for a stream)"
    ),
    app_url: str = typer.Option(
        "", help="app base URL for posting captions without Redis (default: public_base_url)"
    ),
) -> None:
    """Caption a show: ASR of the host's speech, translated into the store's languages,
    published to viewers and written as WebVTT. Runs until the stream ends."""
    from castcart.captions.asr import load_recognizer
    from castcart.captions.audio import AudioDecoder
    from castcart.captions.publish import BusPublisher, CaptionPublisher, HttpPublisher
    from castcart.captions.vtt import CaptionFiles
    from castcart.captions.worker import CaptionPipeline, run_pipeline
    from castcart.core.db import Database
    from castcart.core.settings import get_settings
    from castcart.lingua import service
    from castcart.lingua.languages import normalize_supported
    from castcart.lingua.settings import get_lingua_settings
    from castcart.shows.models import Show

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings, lingua = get_settings(), get_lingua_settings()
    db = Database(settings.effective_database_url, pool_size=2)
    try:
        with db.read() as session:
            row = session.get(Show, show)
            if row is None:
                raise typer.BadParameter(f"no show {show}", param_hint="--show")
            store_id = row.store_id
            languages = service.store_languages(session, store_id)
            glossary = service.load_glossary(session, store_id)
        spoken = normalize_supported(lang) if lang else languages[0]
        recognizer = load_recognizer(
            model_dir=lingua.asr_model_dir,
            language=spoken,
            task=task,
            cache_dir=lingua.effective_model_cache_dir,
            device=lingua.asr_device,
            compute_type=lingua.asr_compute_type,
            cpu_threads=lingua.asr_threads,
        )
        publisher: CaptionPublisher
        if lingua.redis_url or settings.redis_url:
            from castcart.events.redis_bus import RedisWorkerPublisher

            # onto the workers' stream: one app node takes each segment as its own
            publisher = BusPublisher(RedisWorkerPublisher(lingua.redis_url or settings.redis_url))
        else:
            publisher = HttpPublisher(
                app_url or settings.public_base_url, settings.secret_key, show
            )
        out_lang = recognizer.language or spoken
        pipeline = CaptionPipeline(
            store_id=store_id,
            show_id=show,
            recognizer=recognizer,
            publisher=publisher,
            languages=languages,
            translator=service.shared_translator(lingua, db),
            glossary=glossary,
            files=CaptionFiles(lingua.effective_media_dir, show, {*languages, out_lang}),
        )
        decoder = AudioDecoder(url or _tap_url(show), realtime=realtime)
        typer.echo(f"captioning show {show} ({recognizer.name}, {out_lang} -> {languages})")
        stats = run_pipeline(pipeline, decoder)
        publisher.close()
        typer.echo(
            f"done: {stats.finals} captions, {stats.translated} translations, "
            f"files in {Path(pipeline.files.directory) if pipeline.files else '-'}"
        )
    finally:
        db.dispose()
