"""Store a checked self-report as a submission, in one transaction, superseding the earlier one.

This is the only writer of reported data. The same file twice is stored once; a different file
for the same agency and period supersedes the current submission, which stays in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Dialect, Engine, Table, and_, bindparam, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from ingest.problems import Problem, too_large_problem
from ingest.schema import FORM_FIELDS, NUMERIC_KINDS, stored_value
from ingest.self_reports import ParsedReport, read_self_report
from store.events import record_event
from store.models import Base, ReportedService, ReportedValue, Submission, utc_now
from store.reference import agency_codes

Status = Literal["stored", "duplicate", "rejected", "checked"]
_NUMERIC_SPECS = [s for s in FORM_FIELDS if s.kind in NUMERIC_KINDS]


@dataclass
class IngestOutcome:
    """What happened to one file; ``checked`` is a dry run that would have been stored."""

    file_name: str
    status: Status
    agency_code: str | None = None
    period: str | None = None
    submission_id: int | None = None
    supersedes_id: int | None = None
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file_name,
            "status": self.status,
            "agency_code": self.agency_code,
            "period": self.period,
            "submission_id": self.submission_id,
            "supersedes_id": self.supersedes_id,
            "problems": [p.model_dump() for p in self.problems],
        }


_FIND_EXISTING = (
    select(Submission.id, Submission.sha256, Submission.content_sha256, Submission.status)
    .where(
        or_(
            Submission.sha256 == bindparam("sha256"),
            and_(
                Submission.agency_code == bindparam("agency"),
                Submission.period_code == bindparam("period"),
                Submission.status != "superseded",
            ),
        )
    )
    .with_for_update()
)


@lru_cache(maxsize=32)
def _insert_sql(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> tuple[str, tuple[str, ...] | None]:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    return str(compiled), tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None


def insert_rows(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Many rows in one driver-level executemany.

    The statement is SQLAlchemy's own INSERT, compiled once per dialect; the rows skip SQLAlchemy's
    per-row parameter processing, which cost more than the insert itself for a workbook's values.
    Values must already be what the driver takes (numbers, text, bool, date, None).
    """
    if not rows:
        return
    sql, order = _insert_sql(connection.dialect, model.__table__, tuple(rows[0]))
    params: list[Any] = [tuple(row[key] for key in order) for row in rows] if order else rows
    connection.exec_driver_sql(sql, params)


_SUPERSEDE = update(Submission).where(Submission.id == bindparam("previous_id")).values(status="superseded")
_INSERT_SUBMISSION = insert(Submission).returning(Submission.id)


@dataclass(frozen=True)
class _Existing:
    same_file_id: int | None
    current_id: int | None
    current_content: str | None


def _find_existing(connection: Connection, report: ParsedReport, agency: str, period: str) -> _Existing:
    """The submission with these bytes, and the current one for this agency and period (locked)."""
    rows = connection.execute(_FIND_EXISTING, {"sha256": report.sha256, "agency": agency, "period": period}).all()
    same = next((r.id for r in rows if r.sha256 == report.sha256), None)
    current = next((r for r in rows if r.status != "superseded"), None)
    return _Existing(same, current.id if current else None, current.content_sha256 if current else None)


def _write_submission(
    connection: Connection,
    report: ParsedReport,
    previous_id: int | None,
    *,
    actor: str,
    approved_by: str | None,
    remote_addr: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> int:
    form = report.form
    sent = submitted_at or utc_now()
    assert form is not None
    if previous_id is not None:
        connection.execute(_SUPERSEDE, {"previous_id": previous_id})
    # Statements with bound parameters (not .values(...)) are compiled once and cached.
    submission_id = connection.execute(
        _INSERT_SUBMISSION,
        {
            "agency_code": form.agency_code,
            "period_code": form.period,
            "file_name": report.file_name,
            "sha256": report.sha256,
            "content_sha256": report.content_sha256,
            "template_version": report.template_version or "",
            "submitted_by": actor,
            "submitted_at": sent,
            "status": "submitted",
            "supersedes_id": previous_id,
            "reporter_name": form.reporter_name,
            "report_date": form.report_date,
            "review_status": "approved" if approved_by else "pending",
            "reviewed_by": approved_by,
            "reviewed_at": sent if approved_by else None,
        },
    ).scalar_one()
    values = form.model_dump()
    insert_rows(
        connection,
        ReportedValue,
        [
            {"submission_id": submission_id, "field": s.code, "value": stored_value(s, values[s.code])}
            for s in _NUMERIC_SPECS
        ],
    )
    if report.services:
        insert_rows(
            connection,
            ReportedService,
            [
                {
                    "submission_id": submission_id,
                    "service_code": service.service_code,
                    "row_number": row,
                    "name_fa": service.name_fa,
                    "level": service.level,
                    "at_counters": service.at_counters,
                    "online_since": service.online_since,
                }
                for row, service in report.services
            ],
        )
    record_event(
        connection,
        "submission.stored",
        actor=actor,
        detail={
            "file": report.file_name,
            "sha256": report.sha256,
            "supersedes": previous_id,
            "services": len(report.services),
            **({"sent_at": sent.isoformat()} if submitted_at else {}),  # loaded after the fact
        },
        agency_code=form.agency_code,
        period_code=form.period,
        submission_id=submission_id,
        remote_addr=remote_addr,
    )
    if approved_by:
        record_event(
            connection,
            "submission.approved",
            actor=approved_by,
            detail={"file": report.file_name, "sha256": report.sha256, "comment": "approved on import"},
            agency_code=form.agency_code,
            period_code=form.period,
            submission_id=submission_id,
        )
    return submission_id


def store_report(
    engine: Engine,
    report: ParsedReport,
    *,
    actor: str,
    dry_run: bool = False,
    approved_by: str | None = None,
    remote_addr: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> IngestOutcome:
    """Store a checked report (or, with ``dry_run``, only say whether it would be).

    A new submission waits for the governor's office's review (``store.workflow``); ``approved_by``
    stores it approved at once, in the same transaction, for imports whose review happened elsewhere
    (the demo, or an operator loading approved paper returns from the command line). ``submitted_at``
    is when the agency sent it, for reports loaded after the fact (the demo's past years); default now.

    Uploads for the same agency and period at the same moment are taken one after the other
    (PostgreSQL: a transaction-scoped advisory lock; SQLite has one writer anyway); should two still
    meet, the one-current-submission index refuses the second, which runs again and supersedes the
    first, as if it had come a moment later. Nothing is lost or mixed.
    """
    agency = report.values.get("agency_code")
    period = report.values.get("period")
    outcome = IngestOutcome(report.file_name, "rejected", agency, period, problems=list(report.problems))
    if not report.is_valid:
        return outcome
    for attempt in range(_CONCURRENT_RETRIES + 1):
        try:
            return _store_once(
                engine,
                report,
                outcome,
                actor=actor,
                dry_run=dry_run,
                approved_by=approved_by,
                remote_addr=remote_addr,
                submitted_at=submitted_at,
            )
        except IntegrityError:
            if attempt == _CONCURRENT_RETRIES:
                raise
    raise AssertionError("unreachable")


_CONCURRENT_RETRIES = 5


def _store_once(
    engine: Engine,
    report: ParsedReport,
    outcome: IngestOutcome,
    *,
    actor: str,
    dry_run: bool,
    approved_by: str | None,
    remote_addr: str | None,
    submitted_at: dt.datetime | None,
) -> IngestOutcome:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # one writer per agency and period at a time
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"submission:{outcome.agency_code}:{outcome.period}"},
            )
        existing = _find_existing(connection, report, str(outcome.agency_code), str(outcome.period))
        duplicate = existing.same_file_id or (
            existing.current_id if existing.current_content == report.content_sha256 else None
        )
        if duplicate is not None:
            outcome.status, outcome.submission_id = "duplicate", duplicate
            return outcome
        outcome.supersedes_id = existing.current_id
        if dry_run:
            outcome.status = "checked"
            return outcome
        outcome.submission_id = _write_submission(
            connection,
            report,
            existing.current_id,
            actor=actor,
            approved_by=approved_by,
            remote_addr=remote_addr,
            submitted_at=submitted_at,
        )
        outcome.status = "stored"
    return outcome


def ingest_report_bytes(
    engine: Engine,
    data: bytes,
    *,
    file_name: str,
    actor: str,
    max_bytes: int,
    dry_run: bool = False,
    approved_by: str | None = None,
    reportable: Set[str] | None = None,
    remote_addr: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> IngestOutcome:
    """Read, check and store one workbook given as bytes (the web upload's path: ``reportable`` is
    what the signed-in user may report for, ``remote_addr`` where they are, for the audit log)."""
    report = read_self_report(
        data, file_name=file_name, known_agencies=agency_codes(engine), max_bytes=max_bytes, reportable=reportable
    )
    return store_report(
        engine,
        report,
        actor=actor,
        dry_run=dry_run,
        approved_by=approved_by,
        remote_addr=remote_addr,
        submitted_at=submitted_at,
    )


def ingest_report_file(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    max_bytes: int,
    dry_run: bool = False,
    approved_by: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> IngestOutcome:
    """Read, check and store one workbook on disk (the command line's path)."""
    if path.stat().st_size > max_bytes:
        report = ParsedReport(file_name=path.name, sha256="")
        report.problems.append(too_large_problem(file=path.name, size_bytes=path.stat().st_size, max_bytes=max_bytes))
        return store_report(engine, report, actor=actor)
    return ingest_report_bytes(
        engine,
        path.read_bytes(),
        file_name=path.name,
        actor=actor,
        max_bytes=max_bytes,
        dry_run=dry_run,
        approved_by=approved_by,
        submitted_at=submitted_at,
    )
