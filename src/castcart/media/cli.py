"""``castcart media ...``: push a test stream, render the nginx-rtmp config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import typer

app = typer.Typer(help="Video: test streams and the nginx-rtmp ingest.", no_args_is_help=True)


@app.command("test-stream")
def stream_test_pattern(
    url: str = typer.Option(..., "--url", help="RTMP URL with the key: rtmp://host:port/live/KEY"),
    duration: float = typer.Option(0.0, "--duration", min=0, help="seconds (0: until stopped)"),
    size: str = typer.Option("1280x720", help="picture size WxH"),
    rate: int = typer.Option(25, min=1, max=60, help="frames per second"),
) -> None:
    """Publish a test pattern with a 440 Hz tone in real time, like an encoder (OBS) would."""
    from castcart.core.settings import get_settings
    from castcart.media.ffmpeg import find_ffmpeg, pattern_stream_command

    if not url.startswith(("rtmp://", "rtmps://")):
        raise typer.BadParameter("an rtmp:// URL", param_hint="--url")
    if not size.replace("x", "", 1).isdigit():
        raise typer.BadParameter("WxH, e.g. 1280x720", param_hint="--size")
    command = pattern_stream_command(
        find_ffmpeg(get_settings().media_ffmpeg),
        url,
        duration=duration or None,
        size=size,
        rate=rate,
    )
    try:
        code = subprocess.call(command)  # noqa: S603 - fixed argv, no shell
    except KeyboardInterrupt:
        code = 0
    if code != 0:
        typer.echo(f"ffmpeg exited with {code} (is the ingest listening and the key right?)")
        raise typer.Exit(code)


@app.command("nginx-config")
def nginx_config(
    out: Path = typer.Option(..., "--out", help="where to write the nginx.conf"),
    app_url: str = typer.Option("http://127.0.0.1:8000", help="castcart's URL for callbacks"),
    rtmp_port: int = typer.Option(1935, min=1, max=65535),
    http_port: int = typer.Option(8080, min=1, max=65535),
    run_dir: Path = typer.Option(Path("var/nginx"), help="pid, logs and temp files"),
    user: str = typer.Option("", help="worker user when nginx starts as root"),
    template: Path = typer.Option(None, help="template (default: deploy/nginx/)"),
) -> None:
    """Render the nginx + nginx-rtmp config: on_publish callbacks to castcart, the HLS
    ladder via exec_push into the media dir, /media served by nginx, the rest proxied."""
    from castcart.core.settings import get_settings
    from castcart.media import nginx
    from castcart.media.ffmpeg import find_ffmpeg

    settings = get_settings()
    config = nginx.NginxConfig(
        run_dir=run_dir.resolve(),
        media_dir=settings.effective_media_dir.resolve(),
        rtmp_port=rtmp_port,
        http_port=http_port,
        app_url=app_url,
        secret=settings.media_callback_secret,
        ffmpeg=find_ffmpeg(settings.media_ffmpeg),
        preset=settings.media_preset,
        segment_seconds=settings.media_segment_seconds,
        user=user or None,
    )
    try:
        nginx.write(template or nginx.default_template(), config, out)
    except (OSError, ValueError, KeyError) as exc:
        typer.echo(f"cannot render: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {out}; run: nginx -c {out.resolve()} -g 'daemon off;'")
    typer.echo(
        "set CASTCART_MEDIA_INGEST=nginx and CASTCART_MEDIA_NGINX_INGEST_URL="
        f"rtmp://<public host>:{rtmp_port}/live for castcart"
    )
    if os.geteuid() == 0 and not user:
        typer.echo("note: started as root, nginx workers run as nobody: give --user")
