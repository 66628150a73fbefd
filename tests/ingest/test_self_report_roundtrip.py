"""A filled template goes through ingest into the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from ingest.submissions import ingest_report_file
from store.models import Event, ReportedService, ReportedValue, Submission
from tests.store_state import snapshot
from tests.workbooks import AGENCY, EXPECTED_FORM, fill_report, write_filled_report

MAX = 10 * 1024 * 1024


def _stored_values(engine: Engine, submission_id: int) -> dict[str, float | None]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ReportedValue.field, ReportedValue.value).where(ReportedValue.submission_id == submission_id)
        )
        return {field: value for field, value in rows}


def test_typed_report_is_stored_with_clean_values(engine: Engine, tmp_path: Path) -> None:
    path = write_filled_report(tmp_path / "kahak-1393.xlsx")

    outcome = ingest_report_file(engine, path, actor="test", max_bytes=MAX)

    assert outcome.status == "stored", [p.message_en for p in outcome.problems]
    assert (outcome.agency_code, outcome.period) == (AGENCY, "1393")
    values = _stored_values(engine, outcome.submission_id or -1)
    assert values["files_total"] == 1200
    assert values["files_electronic"] == 450
    assert values["services_total"] == 5
    assert values["paper_reduction_pct"] == 45.0
    assert values["digital_signature"] == 1.0 and values["setad_procurement"] == 0.0
    assert values["service_desk"] == 1.0  # physical desk: the ordinal of the declared choice
    assert values["printers_total"] is None  # left empty: missing, not zero
    with engine.connect() as connection:
        reporter, report_date = connection.execute(select(Submission.reporter_name, Submission.report_date)).one()
        services = connection.execute(
            select(ReportedService.service_code, ReportedService.level, ReportedService.at_counters).order_by(
                ReportedService.service_code
            )
        ).all()
    assert reporter == EXPECTED_FORM["reporter_name"]
    assert report_date == dt.date(2015, 4, 4)  # 1394/01/15
    assert [tuple(s) for s in services] == [
        ("S001", "transactional", True),
        ("S002", "transactional", True),
        ("S003", "interactive", False),
        ("S004", "informational", False),
        ("S005", "none", False),
    ]


def test_same_file_twice_is_stored_once(engine: Engine, tmp_path: Path) -> None:
    path = write_filled_report(tmp_path / "r.xlsx")
    first = ingest_report_file(engine, path, actor="test", max_bytes=MAX)
    before = snapshot(engine)

    second = ingest_report_file(engine, path, actor="test", max_bytes=MAX)

    assert second.status == "duplicate" and second.submission_id == first.submission_id
    assert snapshot(engine) == before


def test_resaved_file_with_same_content_is_a_duplicate(engine: Engine, tmp_path: Path) -> None:
    path = write_filled_report(tmp_path / "r.xlsx")
    first = ingest_report_file(engine, path, actor="test", max_bytes=MAX)
    fill_report(path, form={}, services=[])  # opened and saved again: new bytes, same answers

    second = ingest_report_file(engine, path, actor="test", max_bytes=MAX)

    assert second.status == "duplicate" and second.submission_id == first.submission_id


def test_corrected_report_supersedes_and_keeps_history(engine: Engine, tmp_path: Path) -> None:
    first = ingest_report_file(engine, write_filled_report(tmp_path / "v1.xlsx"), actor="a", max_bytes=MAX)
    corrected = write_filled_report(tmp_path / "v2.xlsx")
    fill_report(corrected, form={"files_electronic": 600}, services=[])

    second = ingest_report_file(engine, corrected, actor="b", max_bytes=MAX)

    assert second.status == "stored" and second.supersedes_id == first.submission_id
    with engine.connect() as connection:
        rows = connection.execute(select(Submission.id, Submission.status).order_by(Submission.id)).all()
        events = connection.execute(
            select(Event.kind, Event.submission_id).where(Event.kind.like("submission.%")).order_by(Event.id)
        ).all()
    assert [tuple(r) for r in rows] == [(first.submission_id, "superseded"), (second.submission_id, "submitted")]
    assert [tuple(e) for e in events] == [
        ("submission.stored", first.submission_id),
        ("submission.stored", second.submission_id),
    ]
    assert _stored_values(engine, first.submission_id or -1)["files_electronic"] == 450  # history kept
    assert _stored_values(engine, second.submission_id or -1)["files_electronic"] == 600


def test_dry_run_checks_and_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    before = snapshot(engine)

    outcome = ingest_report_file(
        engine, write_filled_report(tmp_path / "r.xlsx"), actor="t", max_bytes=MAX, dry_run=True
    )

    assert outcome.status == "checked" and not outcome.problems
    assert snapshot(engine) == before


def test_half_year_period_is_accepted(engine: Engine, tmp_path: Path) -> None:
    outcome = ingest_report_file(
        engine, write_filled_report(tmp_path / "h.xlsx", period="1393-H1"), actor="t", max_bytes=MAX
    )
    assert outcome.status == "stored" and outcome.period == "1393-H1"
