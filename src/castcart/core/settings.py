"""Configuration from the environment (prefix ``CASTCART_``), validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - refused outside development


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASTCART_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""  # empty: embedded SQLite under data_dir
    redis_url: str = ""  # empty: in-process bus only
    secret_key: str = DEV_SECRET
    payment_webhook_secret: str = DEV_SECRET
    public_base_url: str = "http://127.0.0.1:8000"
    allow_signup: bool = True
    # How long an unpaid order keeps its stock before the sweeper releases it.
    reservation_ttl_seconds: int = Field(default=900, ge=10)
    reservation_sweep_interval_seconds: float = Field(default=15.0, gt=0)
    low_stock_threshold: int = Field(default=5, ge=0)
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    db_pool_size: int = Field(default=20, ge=1)

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        if self.environment == "production":
            for name in ("secret_key", "payment_webhook_secret"):
                if getattr(self, name) == DEV_SECRET:
                    raise ValueError(f"CASTCART_{name.upper()} must be set in production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'castcart.db').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
