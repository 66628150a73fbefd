"""Log ingests run as Dash background jobs, so the page never freezes and other users are served meanwhile.

The Service logs page starts a background callback with an upload's token; the callback runs in
another process and calls ``run_uploaded_log`` there, which claims the upload, runs
``ingest.service_logs.ingest_log_file`` (one job row in the store, like the command line and the inbox)
and reports its progress to the page's bar.

Where the job runs is ``EGOV_JOBS_BACKEND``:

- ``diskcache`` (default): a new process on the same machine per job, progress and results in a
  DiskCache folder (``<data_dir>/jobs-cache``), which every gunicorn worker of ``egov serve --workers N``
  shares.
- ``celery``: Celery workers over the Redis at ``EGOV_REDIS_URL``, on this machine or others, started
  with ``celery -A dashboard.celery_app worker`` (``dashboard/celery_app.py``); they need the same
  settings (store, data folder) as the web process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from dashboard.log_uploads import claim_ticket, release_upload
from ingest.service_logs import REASONS, LogIngestOutcome, ingest_log_file
from store.settings import Settings, get_settings

CELERY_APP_NAME = "egov-dashboard"
JOBS_CACHE_FOLDER = "jobs-cache"


@lru_cache(maxsize=4)
def celery_for(redis_url: str, queue: str) -> Any:
    """The Celery app of the dashboard's jobs: Redis as broker and result store, one named queue.

    One per process and URL, so the web process and ``celery -A dashboard.celery_app worker`` register
    the same tasks on the same app.
    """
    from celery import Celery

    app = Celery(CELERY_APP_NAME, broker=redis_url, backend=redis_url)
    app.conf.update(
        task_default_queue=queue,
        task_track_started=True,
        broker_connection_retry_on_startup=True,
        worker_prefetch_multiplier=1,
        task_acks_late=True,
        result_expires=24 * 3600,
    )
    return app


@lru_cache(maxsize=4)
def _diskcache_manager(folder: str) -> Any:
    import diskcache
    from dash import DiskcacheManager

    Path(folder).mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(folder))


@lru_cache(maxsize=4)
def _celery_manager(redis_url: str, queue: str) -> Any:
    from dash import CeleryManager

    return CeleryManager(celery_for(redis_url, queue))


def background_manager(settings: Settings | None = None) -> Any:
    """The background callback manager the settings ask for (one per process and configuration)."""
    settings = settings or get_settings()
    if settings.jobs_backend == "celery":
        return _celery_manager(settings.redis_url, settings.jobs_queue)
    return _diskcache_manager(str(settings.data_dir / JOBS_CACHE_FOLDER))


@dataclass(frozen=True)
class JobPlaces:
    """The folders a job works in (resolved in the web process's app context, passed to the job)."""

    uploads: Path
    rejects: Path


def outcome_summary(outcome: LogIngestOutcome) -> dict[str, Any]:
    """What the page shows about a finished ingest, as plain JSON-ready data (it crosses processes).

    >>> from ingest.service_logs import LogIngestOutcome
    >>> summary = outcome_summary(LogIngestOutcome("jan.csv", "ab", "done", "portal", rows_read=10, rows_rejected=1))
    >>> summary["status"], summary["rejected_share"], summary["file_name"]
    ('done', 0.1, 'jan.csv')
    """
    share = outcome.rows_rejected / outcome.rows_read if outcome.rows_read else 0.0
    return {
        "status": outcome.status,
        "file_name": outcome.file_name,
        "source_system": outcome.source_system,
        "job_id": outcome.job_id,
        "rows_read": outcome.rows_read,
        "rows_accepted": outcome.rows_accepted,
        "rows_rejected": outcome.rows_rejected,
        "rows_duplicate": outcome.rows_duplicate,
        "rejected_share": share,
        "reasons": {reason: int(count) for reason, count in outcome.reasons.items() if reason in REASONS},
        "months": [list(month) for month in outcome.months],
        "replaced": [dict(item) for item in outcome.replaced],
        "has_rejects": outcome.rejects_path is not None,
        "message_fa": outcome.message_fa,
        "message_en": outcome.message_en,
    }


def missing_upload_summary() -> dict[str, Any]:
    """The answer when a token has no waiting upload (already processed, or never uploaded)."""
    return {"status": "missing"}


def run_uploaded_log(
    engine: Engine,
    token: str,
    *,
    places: JobPlaces,
    on_progress: Callable[[float], None] | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Ingest the upload behind ``token`` once and summarise the outcome for the page.

    Runs inside the background process. The upload and its ticket are removed once ingest has
    answered (the job row and any rejects file remain); if ingest itself crashes they stay for a look.
    """
    settings = settings or get_settings()
    ticket = claim_ticket(token, places.uploads)
    if ticket is None:
        return missing_upload_summary()
    outcome = ingest_log_file(
        engine,
        places.uploads / ticket.stored_name,
        rejects_dir=places.rejects,
        actor=ticket.actor,
        trigger="web",
        source=ticket.source,
        max_rejected_share=settings.log_max_rejected_share,
        memory_limit_mb=settings.log_memory_limit_mb,
        on_progress=on_progress,
        file_name=ticket.file_name,
    )
    release_upload(ticket, places.uploads)
    return outcome_summary(outcome)


def progress_reporter(set_progress: Callable[[Any], None], label: Callable[[int], str]) -> Callable[[float], None]:
    """An ``on_progress`` for ingest that sends (percent, label) to the page, only when the percent changes."""
    last = [-1]

    def report(share: float) -> None:
        percent = max(0, min(100, round(share * 100)))
        if percent != last[0]:
            last[0] = percent
            set_progress((percent, label(percent)))

    return report


def fresh_connections(engine: Engine) -> Engine:
    """The engine, with a pool of its own in this process (a forked job must not share the parent's connections)."""
    engine.dispose(close=False)
    return engine
