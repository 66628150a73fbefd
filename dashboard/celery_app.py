"""The Celery app of the dashboard's background jobs: ``celery -A dashboard.celery_app worker``.

Used when ``EGOV_JOBS_BACKEND=celery``. Importing this module builds the dashboard (``create_app()``),
which registers its background callbacks as tasks of ``celery_app``: a worker must know the same tasks
as the web processes. Workers read the same settings as ``egov serve`` (store, data folder, Redis,
queue): the uploaded file and the rejects folder must be the same paths for both.
"""

from __future__ import annotations

from typing import Any

from dashboard.app import create_app
from dashboard.log_jobs import background_manager, celery_for
from store.settings import get_settings

_settings = get_settings()
if _settings.jobs_backend != "celery":
    raise RuntimeError(
        "EGOV_JOBS_BACKEND is not 'celery': the dashboard runs its jobs itself (diskcache) and sends none to "
        "Celery. Set EGOV_JOBS_BACKEND=celery for the web processes and for the workers."
    )

celery_app: Any = celery_for(_settings.redis_url, _settings.jobs_queue)
background_manager(_settings)  # the manager that turns each background callback into a task of celery_app
dash_app = create_app()
"""The dashboard this worker runs jobs for; its callbacks are the worker's tasks."""
