"""Engines and sessions for SQLite (embedded default) and PostgreSQL, migrated on first use."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from store.settings import Settings, get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _set_sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def create_store_engine(url: str, *, busy_timeout_ms: int = 30_000) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas(busy_timeout_ms))
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


_STORE_KEYS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def store_key(engine: Engine) -> str:
    """The store an engine opens, as text: the first part of every cache key. Kept per engine (an
    engine's URL never changes), since rendering it costs ≈ 4 µs and a page asks dozens of times."""
    key = _STORE_KEYS.get(engine)
    if key is None:
        key = _STORE_KEYS[engine] = engine.url.render_as_string(hide_password=False)
    return key


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade_store(engine: Engine) -> None:
    """Bring the schema to the newest migration and load the declared reference data."""
    from store.reference import record_reference_changes, sync_reference_data

    if current_revision(engine) != head_revision(engine):
        command.upgrade(alembic_config(engine), "head")
    with session_scope(engine) as session:
        sync_reference_data(session)
        record_reference_changes(session, actor=f"system:{os.environ.get('USER') or 'unknown'}")


_ENGINES: dict[str, Engine] = {}


def open_store(settings: Settings | None = None) -> Engine:
    """The engine of the configured store, migrated and loaded on first use in this process."""
    settings = settings or get_settings()
    url = settings.resolved_database_url
    if url not in _ENGINES:
        engine = create_store_engine(url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        upgrade_store(engine)
        _ENGINES[url] = engine
    return _ENGINES[url]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back whole if anything raises."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        with session.begin():
            yield session
    finally:
        session.close()
