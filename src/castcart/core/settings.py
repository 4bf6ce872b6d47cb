"""Configuration from the environment (prefix ``CASTCART_``), validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - refused outside development


MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 12  # "aaaa…" or "abab…" is long enough but guessable


def secret_problem(value: str) -> str | None:
    """Why a secret is too weak for production, or None."""
    if not value:
        return "is empty"
    if value == DEV_SECRET:
        return "is the development default"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if len(set(value)) < MIN_SECRET_DISTINCT:
        return f"has fewer than {MIN_SECRET_DISTINCT} distinct characters (low entropy)"
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASTCART_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""  # empty: embedded SQLite under data_dir
    redis_url: str = ""  # empty: in-process bus only
    secret_key: str = DEV_SECRET
    payment_webhook_secret: str = DEV_SECRET
    public_base_url: str = "http://127.0.0.1:8000"
    allow_signup: bool = True  # public store sign-up (POST /api/v1/accounts/signup, page)
    # /docs and /openapi.json: None means on in development/test, off in production.
    api_docs: bool | None = None
    # Strict-Transport-Security max-age on https responses; 0 (default) sends none. Turn it
    # on only once the site is served over https for good: browsers remember it.
    hsts_seconds: int = Field(default=0, ge=0)
    # Login throttling (per process, in memory): failures per account and per client address
    # within the window answer 429 with Retry-After; guest sessions per address likewise.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_window_seconds: float = Field(default=900.0, gt=0)
    # None: 30 per window, except in the "test" environment (suites mint hundreds of guests)
    guest_sessions_per_address: int | None = Field(default=None, ge=1)
    guest_sessions_window_seconds: float = Field(default=60.0, gt=0)
    # The sandbox gateway moves no money: None means on in development/test, off in
    # production; production refuses it unless the operator sets it explicitly, and then
    # completing a sandbox payment needs a staff login (docs/security.md).
    sandbox_gateway: bool | None = None
    # The live channel (WebSocket) is opened with a single-use ticket. A bearer token in its
    # URL (scripts, old clients) is accepted only where this allows it: None means outside
    # production only. Open sockets are capped per viewer and per client address (per node).
    live_url_tokens: bool | None = None
    live_sockets_per_viewer: int = Field(default=8, ge=1)
    live_sockets_per_address: int = Field(default=300, ge=1)
    # permessage-deflate on live sockets: off by default (memory and CPU per viewer,
    # web/serving.py explains the trade).
    live_compression: bool = False
    # How long an unpaid order keeps its stock before the sweeper releases it.
    reservation_ttl_seconds: int = Field(default=900, ge=10)
    reservation_sweep_interval_seconds: float = Field(default=15.0, gt=0)
    # The event outbox relay: marks published events, republishes what a crash left behind.
    outbox_relay_interval_seconds: float = Field(default=1.0, gt=0)
    outbox_recover_after_seconds: float = Field(default=30.0, gt=0)  # unmarked this long: lost
    # a relay that claimed a row and died gives it back after this long (another node's
    # relay, or this one restarted, then republishes it)
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    # Crash tests only (core/failpoints.py): points where this process SIGKILLs itself.
    # Refused in production.
    failpoints: str = ""
    low_stock_threshold: int = Field(default=5, ge=0)
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    db_pool_size: int = Field(default=20, ge=1)
    # An ECB eurofxref-daily.xml the operator refreshes daily; empty: the bundled snapshot.
    fx_rates_file: Path | None = None
    # `castcart fx refresh` keeps fetched rates in {data_dir}/fx/ (used when fx_rates_file
    # is empty); the admin warns when the rates in use are older than fx_max_age_days.
    fx_feed_url: str = ""
    fx_max_age_days: int = Field(default=3, ge=1)
    # Video (castcart.media, docs/video.md). HLS under {media_dir}/shows/{show_id}/.
    media_dir: Path | None = None  # default: {data_dir}/media
    # embedded: castcart runs one ffmpeg RTMP listener per open show; nginx: nginx-rtmp
    # ingests and calls back (deploy/nginx); off: no ingest, HLS still served.
    media_ingest: Literal["embedded", "nginx", "off"] = "embedded"
    # embedded: the one RTMP listener of every show (the stream key picks the show);
    # 0.0.0.0 accepts encoders from other machines
    media_rtmp_bind: str = "127.0.0.1"
    media_rtmp_port: int = Field(default=1935, ge=0, le=65535)  # 0: any free port (tests)
    media_rtmp_public_url: str = ""  # ingest URL hosts get; empty: rtmp://<bind>:<port>/live
    media_tap_ports: str = "19350-19449"  # embedded: UDP ports of the captions audio taps
    media_nginx_ingest_url: str = "rtmp://127.0.0.1:1935/live"  # nginx: given to hosts
    media_nginx_play_url: str = "rtmp://127.0.0.1:1935/live"  # nginx: internal play (audio tap)
    media_callback_secret: str = DEV_SECRET  # nginx on_publish callbacks carry it
    media_grace_seconds: float = Field(default=60.0, ge=0)  # interrupted -> ended after this
    media_open_ahead_minutes: int = Field(default=30, ge=0)  # listeners for shows due soon
    media_public_url: str = ""  # base URL of HLS (a CDN); empty: /media on this app
    media_ffmpeg: str = ""  # ffmpeg binary; empty: ffmpeg on PATH, else imageio-ffmpeg's
    media_preset: str = "veryfast"  # x264 preset of the renditions (CPU vs quality)
    media_segment_seconds: int = Field(default=2, ge=1, le=10)
    media_poll_seconds: float = Field(default=1.0, gt=0)  # supervisor reconcile interval

    # Shopper mails (castcart.notifications, docs/notifications.md). Empty host: no mail is
    # sent (logged once per mail), checkout and payment work the same.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True  # upgrade the connection before logging in (port 587)
    smtp_from: str = ""  # "Store <orders@example.com>"; empty: orders@<public host>
    smtp_timeout_seconds: float = Field(default=15.0, gt=0)
    notifications_retry_seconds: float = Field(default=60.0, gt=0)  # pending mails retried
    # Show analytics (docs/analytics.md): the event store behind the dashboards. "duckdb"
    # (embedded file, default {data_dir}/analytics.duckdb), "clickhouse" (a chdb directory)
    # or "postgres" (a URL); "off" records nothing.
    analytics_backend: Literal["duckdb", "clickhouse", "postgres", "off"] = "duckdb"
    analytics_location: str = ""  # the file, directory or URL; empty: the default above
    analytics_flush_seconds: float = Field(default=0.25, gt=0)  # writer batches this often
    analytics_batch_events: int = Field(default=20_000, ge=1)  # ... or this many at once
    analytics_queue_events: int = Field(default=2_000_000, ge=1)  # beyond: dropped, counted
    analytics_heartbeat_seconds: float = Field(default=30.0, gt=0, le=60)  # room beats
    analytics_consent_ttl_seconds: float = Field(default=30.0, ge=0)  # consent cache
    notifications_max_attempts: int = Field(default=10, ge=1)
    # how long a claimed mail is left to the process that claimed it before another may
    # retry it (that process may have died between claiming and sending)
    notifications_lease_seconds: float = Field(default=120.0, ge=1)

    # Show reminders and replays (castcart.audience, docs/audience.md). Reminder mails use
    # the SMTP settings above; Web Push needs a VAPID key (`castcart audience vapid-keys`).
    vapid_private_key_file: Path | None = None  # PEM written by `castcart audience vapid-keys`
    vapid_subject: str = ""  # mailto: or https: contact for push services; empty: smtp_from
    reminders_in_app: bool = (
        True  # the app sends reminders itself (else `castcart worker reminders`)
    )
    reminders_poll_seconds: float = Field(default=30.0, gt=0)
    reminders_max_attempts: int = Field(default=6, ge=1)
    reminders_retry_seconds: float = Field(default=30.0, gt=0)  # doubles per failure
    replay_sweep_seconds: float = Field(default=3600.0, gt=0)  # replay retention sweep

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        if self.failpoints.strip():
            from castcart.core.failpoints import parse

            parse(self.failpoints)  # a typo fails the start, not the test that never fires
            if self.environment == "production":
                raise ValueError(
                    "CASTCART_FAILPOINTS is set in production; fail points (crash tests) make "
                    "the server kill itself and are refused there: unset it"
                )
        if self.environment == "production":
            # secret_key also derives the captions/internal signing key (captions/publish.py)
            names = ["secret_key", "payment_webhook_secret"]
            if self.media_ingest == "nginx":
                names.append("media_callback_secret")
            for name in names:
                problem = secret_problem(getattr(self, name))
                if problem:
                    raise ValueError(
                        f"CASTCART_{name.upper()} {problem} in production; generate one with "
                        "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                    )
        return self

    @property
    def effective_guest_sessions_per_address(self) -> int:
        if self.guest_sessions_per_address is not None:
            return self.guest_sessions_per_address
        return 1_000_000 if self.environment == "test" else 30

    @property
    def api_docs_enabled(self) -> bool:
        if self.api_docs is None:
            return self.environment != "production"
        return self.api_docs

    @property
    def sandbox_enabled(self) -> bool:
        if self.sandbox_gateway is None:
            return self.environment != "production"
        return self.sandbox_gateway

    @property
    def live_url_tokens_allowed(self) -> bool:
        if self.live_url_tokens is None:
            return self.environment != "production"
        return self.live_url_tokens

    @property
    def sandbox_requires_staff(self) -> bool:
        return self.environment == "production"

    @property
    def effective_media_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'castcart.db').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
