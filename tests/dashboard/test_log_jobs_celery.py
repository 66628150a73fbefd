"""With ``EGOV_JOBS_BACKEND=celery`` the page's background job runs in a real Celery worker over Redis.

The worker is ``celery -A dashboard.celery_app worker`` in a subprocess with the same settings as the web
side (store, data folder, Redis, a queue of this test's own, so no other worker on this Redis takes
the task). Skips without Redis unless ``EGOV_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from dashboard.log_jobs import background_manager
from store import engine as engine_module
from store.engine import create_store_engine, upgrade_store
from store.models import IngestJob
from store.settings import get_settings
from tests.accounts import client_as
from tests.conftest import REDIS_URL, require_redis
from tests.dashboard.log_helpers import ROWS, log_app, run_background, seed_services, upload, write_log

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def celery_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Settings for the celery backend, for this process and the worker: one store, one data folder, one queue."""
    require_redis()
    env = {
        "EGOV_JOBS_BACKEND": "celery",
        "EGOV_REDIS_URL": REDIS_URL,
        "EGOV_JOBS_QUEUE": f"egov-test-{uuid.uuid4().hex[:12]}",
        "EGOV_DATA_DIR": str(tmp_path / "data"),
        "EGOV_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()
    for cached in engine_module._ENGINES.values():
        cached.dispose()
    engine_module._ENGINES.clear()


@pytest.fixture
def store(celery_env: dict[str, str], tmp_path: Path) -> Iterator[Engine]:
    engine = create_store_engine(celery_env["EGOV_DATABASE_URL"])
    upgrade_store(engine)
    yield seed_services(engine, tmp_path)
    engine.dispose()


@pytest.fixture
def celery_worker(celery_env: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    """A real worker process; its log file is returned for the failure message."""
    log = tmp_path / "celery-worker.log"
    command = [
        *(sys.executable, "-m", "celery", "-A", "dashboard.celery_app", "worker"),
        *("--queues", celery_env["EGOV_JOBS_QUEUE"], "--concurrency", "1", "--loglevel", "INFO"),
        *(
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"egov-test-{uuid.uuid4().hex[:8]}@%h",
        ),
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(
            command, cwd=REPO, env={**os.environ, **celery_env}, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield log
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def test_the_manager_follows_the_setting(celery_env: dict[str, str]) -> None:
    from dash import CeleryManager

    manager = background_manager()
    assert isinstance(manager, CeleryManager)
    assert manager.handle.conf.task_default_queue == celery_env["EGOV_JOBS_QUEUE"]


def test_a_log_is_ingested_by_a_celery_worker(store: Engine, tmp_path: Path, celery_worker: Path) -> None:
    app = log_app(store, tmp_path, own_folders=False)  # the worker finds uploads through the shared settings
    client = client_as(app, "admin")
    token = upload(client, write_log(tmp_path / "kahak-celery.csv", ROWS), source="portal").get_json()["token"]

    try:
        summary, _progress = run_background(client, token, lang="fa", timeout_s=120)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- worker log ---\n{celery_worker.read_text(errors='replace')[-4000:]}") from exc

    assert summary["status"] == "done", summary
    assert (summary["rows_read"], summary["rows_accepted"]) == (5, 5)
    with store.connect() as connection:
        job = connection.execute(select(IngestJob)).one()
    assert (job.file_name, job.trigger, job.source_system) == ("kahak-celery.csv", "web", "portal")
    assert "background_callback_" in celery_worker.read_text(errors="replace")  # the worker ran it, not this process
