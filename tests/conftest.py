"""Shared fixtures: a fresh store on SQLite and on PostgreSQL, and filled workbooks on disk.

PostgreSQL tests skip with the reason when no server answers, unless ``EGOV_REQUIRE_SERVICES=1``
(set by ``.ci/run``), which turns the skip into a failure so CI never skips them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from store.engine import create_store_engine, upgrade_store


def pytest_configure(config: pytest.Config) -> None:
    """Tests never write to the user's real data folder or store."""
    scratch = Path(tempfile.mkdtemp(prefix="egov-tests-"))
    os.environ["EGOV_DATA_DIR"] = str(scratch)
    os.environ.pop("EGOV_DATABASE_URL", None)


POSTGRES_URL = os.environ.get("EGOV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("EGOV_REQUIRE_SERVICES") == "1"


def _postgres_problem() -> str | None:
    try:
        probe = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:  # any failure to connect means: no usable server here
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


_PG_PROBLEM: str | bool | None = False


def require_postgres() -> None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _postgres_problem()
    if _PG_PROBLEM:
        if REQUIRE_SERVICES:
            pytest.fail(f"{_PG_PROBLEM} (EGOV_REQUIRE_SERVICES=1: required here)")
        pytest.skip(_PG_PROBLEM)


@contextmanager
def fresh_postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new schema, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres_url() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once per engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """A migrated store with the organisation tree and periods loaded, on each engine."""
    store_engine = create_store_engine(store_url)
    upgrade_store(store_engine)
    yield store_engine
    store_engine.dispose()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store_url: str) -> Iterator[Path]:
    """Point the ``egov`` command at a fresh data folder and store; returns the data folder."""
    from store import engine as engine_module
    from store.settings import get_settings

    data_dir = tmp_path / "egov-data"
    monkeypatch.setenv("EGOV_DATA_DIR", str(data_dir))
    monkeypatch.setenv("EGOV_DATABASE_URL", store_url)
    get_settings.cache_clear()
    engine_module._ENGINES.clear()
    yield data_dir
    get_settings.cache_clear()
    for cached in engine_module._ENGINES.values():
        cached.dispose()
    engine_module._ENGINES.clear()


# --- log uploads/jobs ---
REDIS_URL = os.environ.get("EGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_REDIS_PROBLEM: str | bool | None = False


def _redis_problem() -> str | None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:  # any failure to connect means: no usable server here
        return f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


def require_redis() -> None:
    """Skip (or, with ``EGOV_REQUIRE_SERVICES=1``, fail) when no Redis answers at ``EGOV_TEST_REDIS_URL``."""
    global _REDIS_PROBLEM
    if _REDIS_PROBLEM is False:
        _REDIS_PROBLEM = _redis_problem()
    if _REDIS_PROBLEM:
        if REQUIRE_SERVICES:
            pytest.fail(f"{_REDIS_PROBLEM} (EGOV_REQUIRE_SERVICES=1: required here)")
        pytest.skip(str(_REDIS_PROBLEM))


# --- end log uploads/jobs ---
