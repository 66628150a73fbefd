"""Load and faults: many uploads at once over HTTP, the store going away mid-request, an ingest killed.

The scenarios live in ``tests.hostile`` (``python -m bench reliability`` runs the same code and prints the
table); these tests assert that each one held on SQLite and on PostgreSQL: nothing lost or mixed, a clear
answer while the store is away and normal service once it is back, and the store as before after a kill.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash
from sqlalchemy import Engine

from dashboard.app import create_app
from tests import hostile
from tests.accounts import make_user, signed_in_client
from tests.conftest import require_postgres

pytestmark = pytest.mark.slow

SESSIONS = 20


@pytest.fixture
def app(engine: Engine) -> Dash:
    return create_app(engine=engine)


def test_twenty_uploads_at_once_from_twenty_sessions(app: Dash, engine: Engine, tmp_path: Path) -> None:
    """20 IT directors of 20 agencies, each signed in over HTTP, drop and confirm their file together."""
    agencies = hostile.agencies_of(engine)[:SESSIONS]
    uploaders = hostile.make_uploaders(engine, tmp_path, agencies, sessions=SESSIONS, label="one", first_value=100)

    tally = hostile.concurrent_uploads(
        app, engine, uploaders, scenario="20 agencies at once", engine_label=engine.dialect.name
    )

    assert tally.held, (tally.failures, tally.rows_lost)
    assert tally.errors_seen == 0 and tally.rows_lost == 0
    assert tally.requests == 5 * SESSIONS


def test_twenty_sessions_uploading_for_the_same_agencies(app: Dash, engine: Engine, tmp_path: Path) -> None:
    """Five IT directors of each of four agencies: 20 sessions, and for each agency five uploads racing.

    Each is stored with its own values; per agency one is current and the others are its history, each
    superseded exactly once."""
    agencies = hostile.agencies_of(engine, "QM")[:4]
    uploaders = hostile.make_uploaders(engine, tmp_path, agencies, sessions=SESSIONS, label="same", first_value=500)
    assert len({u.agency for u in uploaders}) == 4

    tally = hostile.concurrent_uploads(
        app, engine, uploaders, scenario="4 agencies × 5 sessions", engine_label=engine.dialect.name
    )

    assert tally.held, (tally.failures, tally.rows_lost)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A store of its own: on PostgreSQL a whole database (the fault renames it away)."""
    if request.param == "postgresql":
        require_postgres()
    with hostile.fresh_store(request.param, tmp_path) as store:
        yield store


def test_the_store_going_away_mid_request(own_store: tuple[str, Engine], tmp_path: Path) -> None:
    """PostgreSQL: the server ends the app's connection in the middle of an upload's write, then the
    database is renamed away (every session ended) and back. SQLite: the write and then every statement
    fail with a disk I/O error. Each request meanwhile answers 503 in Persian and English (a page as a
    page, a callback as JSON), nothing is half-written, and the same signed-in browser is served again."""
    _, engine = own_store
    agency = hostile.agencies_of(engine, "QM")[0]
    hostile.seed_report(engine, tmp_path / "seed", agency)
    app = create_app(engine=engine)
    client = signed_in_client(app, *make_user(engine, "it_director", agency=agency))

    tally = hostile.store_goes_away(
        app,
        engine,
        tmp_path,
        client=client,
        agency=agency,
        engine_label=engine.dialect.name,
        admin_url=hostile.POSTGRES_URL if engine.dialect.name == "postgresql" else None,
    )

    assert tally.held, (tally.failures, tally.rows_lost)
    assert tally.errors_expected >= 3


def test_the_unavailable_page_speaks_both_languages(own_store: tuple[str, Engine], tmp_path: Path) -> None:
    _, engine = own_store
    agency = hostile.agencies_of(engine, "QM")[0]
    app = create_app(engine=engine)
    client = signed_in_client(app, *make_user(engine, "it_director", agency=agency))
    fault = hostile.StoreFault(engine, hostile.POSTGRES_URL if engine.dialect.name == "postgresql" else None)
    try:
        fault.arm("")
        page = client.get(f"/scorecard?agency={agency}&lang=en")
    finally:
        fault.close()

    assert hostile.unavailable_in_both_languages(page)
    body = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and page.headers["Retry-After"] == "30"
    assert f'href="/scorecard?agency={agency}&amp;lang=en"' in body  # try again: the same page
    assert client.get(f"/scorecard?agency={agency}&lang=en").status_code == 200


def test_a_killed_ingest_of_many_files_leaves_the_store_as_before(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    tally = hostile.killed_ingest(store_url, engine, tmp_path, engine_label=engine.dialect.name)

    assert tally.held, (tally.failures, tally.rows_lost, tally.notes)
