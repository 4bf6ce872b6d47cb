"""Renders deploy/nginx/castcart-rtmp.conf.template: nginx-rtmp authenticating stream keys
through castcart's ``on_publish`` callback and transcoding with the embedded ladder's flags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from castcart.media.ffmpeg import RTMP_APP, relay_command

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
_BARE = re.compile(r"^[A-Za-z0-9_@%+=:,./$-]+$")


def default_template() -> Path:
    """The template in this checkout (``deploy/nginx/``)."""
    return Path(__file__).resolve().parents[3] / "deploy" / "nginx" / "castcart-rtmp.conf.template"


@dataclass(frozen=True)
class NginxConfig:
    run_dir: Path  # pid, logs, temp dirs
    media_dir: Path  # castcart's media dir: where exec_push writes, what /media serves
    rtmp_port: int
    http_port: int
    app_url: str  # castcart, e.g. http://127.0.0.1:8000
    secret: str  # media_callback_secret
    ffmpeg: str
    preset: str = "veryfast"
    segment_seconds: int = 2
    user: str | None = None  # "user" directive (only meaningful when nginx starts as root)
    bind: str = "0.0.0.0"  # noqa: S104 - the ingest is for encoders on other machines
    rtmp_module: Path = RTMP_MODULE
    mime_types: Path = MIME_TYPES


def _quote(arg: str) -> str:
    """An nginx config token: bare when safe, else double-quoted (``;`` ``{`` and spaces
    would end or split the directive)."""
    if _BARE.match(arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def exec_push_line(config: NginxConfig) -> str:
    """The transcoder nginx starts per published stream; ``$name`` is the show id (the
    ``on_publish`` callback renamed the stream)."""
    command = relay_command(
        config.ffmpeg,
        input_url=f"rtmp://127.0.0.1:{config.rtmp_port}/{RTMP_APP}/$name",
        out_dir=f"{config.media_dir}/shows/$name",
        preset=config.preset,
        segment_seconds=config.segment_seconds,
    )
    return " ".join(_quote(arg) for arg in command)


def render(template: str, config: NginxConfig) -> str:
    values = {
        "rtmp_module": str(config.rtmp_module),
        "user_directive": f"user {config.user};" if config.user else "",
        "run_dir": str(config.run_dir),
        "rtmp_listen": f"{config.bind}:{config.rtmp_port}",
        "http_listen": f"{config.bind}:{config.http_port}",
        "callback_base": config.app_url.rstrip("/"),
        "secret": config.secret,
        "exec_push": exec_push_line(config),
        "media_dir": str(config.media_dir),
        "mime_types": str(config.mime_types),
        "app_url": config.app_url.rstrip("/"),
    }
    if not re.fullmatch(r"[A-Za-z0-9_.~-]+", config.secret):
        raise ValueError("the callback secret must be URL-safe (letters, digits, _ . ~ -)")

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"unknown placeholder {{{{{key}}}}} in the nginx template")
        return values[key]

    return _PLACEHOLDER.sub(fill, template)


def write(template: Path, config: NginxConfig, out: Path) -> Path:
    """Render into ``out`` and create the run dir nginx writes to."""
    config.run_dir.mkdir(parents=True, exist_ok=True)
    (config.media_dir / "shows").mkdir(parents=True, exist_ok=True)
    out.write_text(render(template.read_text(encoding="utf-8"), config), encoding="utf-8")
    return out
