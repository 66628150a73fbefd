"""Settings, read once from the environment (``EGOV_*``) or an ``egov.env`` file.

Everything that differs between a laptop demo and a province's server lives here, so the
code never reads ``os.environ`` itself.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
DECLARED_DATA_DIR = REPO_ROOT / "data"
"""The repository's ``data/`` folder: declared inputs (catalogue, organisation), never written."""


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "egov"


class Settings(BaseSettings):
    """Product settings; every field is documented in the README (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="EGOV_", env_file="egov.env", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the product writes: the SQLite file, demo workbooks, uploads, rejects.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store; default: SQLite file egov.sqlite3 in data_dir.",
    )
    max_upload_mb: float = Field(default=10.0, gt=0, description="Largest self-report workbook accepted, in megabytes.")
    log_max_rejected_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Share of unusable rows above which a log file is refused whole; default from data/log_format.yaml (1%).",
    )
    log_memory_limit_mb: int = Field(
        default=512, ge=64, description="Memory the log aggregation may use before spilling to disk."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=30_000, ge=0, description="How long SQLite waits for a lock before giving up."
    )
    # --- log uploads/jobs ---
    max_log_upload_mb: float = Field(
        default=1024.0, gt=0, description="Largest service-log file accepted through the web page, in megabytes."
    )
    jobs_backend: Literal["diskcache", "celery"] = Field(
        default="diskcache",
        description="Where the dashboard runs long jobs: diskcache (processes on this machine) or celery (workers over Redis).",
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", description="Redis for the celery jobs backend (broker and results)."
    )
    jobs_queue: str = Field(
        default="egov",
        min_length=1,
        description="Celery queue of the dashboard's jobs (one per store sharing a Redis).",
    )
    # --- end log uploads/jobs ---
    # --- accounts ---
    secret_key: str | None = Field(
        default=None,
        description="Signs the session cookie; default: a random key kept in data_dir/secret_key (made once, mode 600).",
    )
    session_hours: float = Field(default=8.0, gt=0, description="A sign-in lasts at most this long.")
    session_idle_minutes: float = Field(
        default=60.0, gt=0, description="A sign-in ends after this long without a request."
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Mark cookies Secure; default: when the request came over HTTPS (set true behind a TLS proxy).",
    )
    sign_in_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins per user name or address before sign-in pauses."
    )
    sign_in_window_minutes: float = Field(
        default=15.0, gt=0, description="How far back failed sign-ins count, and how long the pause lasts."
    )
    # --- end accounts ---

    @property
    def resolved_database_url(self) -> str:
        """The store URL, defaulting to the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'egov.sqlite3'}"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    # --- log uploads/jobs ---
    @property
    def max_log_upload_bytes(self) -> int:
        return int(self.max_log_upload_mb * 1024 * 1024)

    # --- end log uploads/jobs ---


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests build their own ``Settings``)."""
    return Settings()
