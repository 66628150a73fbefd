"""The store on both engines: migrations, reference data, the append-only event log."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from store.declared import load_organisation
from store.engine import create_store_engine, current_revision, head_revision, upgrade_store
from store.models import Agency, County, District, Event, Period


def test_migrated_to_head_and_idempotent(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        agencies = connection.scalar(select(func.count()).select_from(Agency))
    upgrade_store(engine)  # a second run changes nothing
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Agency)) == agencies


def test_organisation_of_the_four_provinces(engine: Engine) -> None:
    with engine.connect() as connection:
        per_province = Counter(connection.scalars(select(Agency.province_code)))
        qom_counties = connection.scalars(select(County.name_en).where(County.province_code == "QM")).all()
        qom_districts = set(
            connection.scalars(select(District.name_en).join(County).where(County.province_code == "QM"))
        )
        kinds = Counter(connection.scalars(select(Agency.kind).where(Agency.province_code == "QM")))
    assert set(per_province) == {"QM", "AR", "WA", "QZ"}
    assert min(per_province.values()) >= 25
    assert qom_counties == ["Qom"]
    assert qom_districts == {"Markazi", "Jafarieh", "Salafchegan", "Kahak", "Khaljestan"}
    assert kinds["governorate"] == 1 and kinds["county_governorate"] == 1 and kinds["district_office"] == 5


def test_agency_codes_are_unique_and_stable() -> None:
    agencies = load_organisation().agencies
    codes = [a.code for a in agencies]
    assert len(codes) == len(set(codes))
    assert "QM-GOV" in codes and "QM-QOM-KAH-BKH" in codes and "QZ-CREG" in codes


def test_periods_of_the_plan(engine: Engine) -> None:
    with engine.connect() as connection:
        years = connection.scalars(select(Period.year).where(Period.kind == "year").order_by(Period.year)).all()
        q4 = connection.execute(select(Period.start_date, Period.end_date).where(Period.code == "1393-Q4")).one()
    assert years == [1390, 1391, 1392, 1393, 1394]
    assert (q4.start_date.isoformat(), q4.end_date.isoformat()) == ("2014-12-22", "2015-03-20")


def test_event_log_refuses_update_and_delete(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(Event).values(kind="test", actor="tester", detail={"n": 1}))
    for statement in ("UPDATE events SET actor = 'someone else'", "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(select(Event.actor).where(Event.kind == "test")).scalars().all() == ["tester"]


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 's.sqlite3'}", busy_timeout_ms=1234)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
    engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(
            insert(Agency).values(
                code="X-1", name_fa="x", name_en="x", kind="directorate", sector_code="nope", province_code="QM"
            )
        )
