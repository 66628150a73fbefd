"""Store a checked self-report as a submission, in one transaction, superseding the earlier one.

This is the only writer of reported data. The same file twice is stored once; a different file
for the same agency and period supersedes the current submission, which stays in the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ingest.problems import Problem, too_large_problem
from ingest.schema import FORM_FIELDS, NUMERIC_KINDS, stored_value
from ingest.self_reports import ParsedReport, read_self_report
from store.engine import session_scope
from store.models import Agency, Event, ReportedService, ReportedValue, Submission

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


def known_agency_codes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(Agency.code)))


def _current_submission(session: Session, agency_code: str, period: str) -> Submission | None:
    return session.scalars(
        select(Submission)
        .where(
            Submission.agency_code == agency_code,
            Submission.period_code == period,
            Submission.status != "superseded",
        )
        .with_for_update()
    ).one_or_none()


def _write_submission(
    session: Session, report: ParsedReport, previous: Submission | None, *, actor: str
) -> tuple[int, int | None]:
    form = report.form
    assert form is not None
    if previous is not None:
        previous.status = "superseded"
        session.flush()
    submission = Submission(
        agency_code=form.agency_code,
        period_code=form.period,
        file_name=report.file_name,
        sha256=report.sha256,
        content_sha256=report.content_sha256,
        template_version=report.template_version or "",
        submitted_by=actor,
        status="submitted",
        supersedes_id=previous.id if previous else None,
        reporter_name=form.reporter_name,
        report_date=form.report_date,
    )
    session.add(submission)
    session.flush()
    values = form.model_dump()
    session.execute(
        ReportedValue.__table__.insert(),
        [
            {"submission_id": submission.id, "field": s.code, "value": stored_value(s, values[s.code])}
            for s in _NUMERIC_SPECS
        ],
    )
    if report.services:
        session.execute(
            ReportedService.__table__.insert(),
            [
                {
                    "submission_id": submission.id,
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
    session.add(
        Event(
            kind="submission.stored",
            actor=actor,
            agency_code=form.agency_code,
            period_code=form.period,
            submission_id=submission.id,
            detail={
                "file": report.file_name,
                "sha256": report.sha256,
                "supersedes": submission.supersedes_id,
                "services": len(report.services),
            },
        )
    )
    return submission.id, submission.supersedes_id


def store_report(engine: Engine, report: ParsedReport, *, actor: str, dry_run: bool = False) -> IngestOutcome:
    """Store a checked report (or, with ``dry_run``, only say whether it would be)."""
    agency = report.values.get("agency_code")
    period = report.values.get("period")
    outcome = IngestOutcome(report.file_name, "rejected", agency, period, problems=list(report.problems))
    if not report.is_valid:
        return outcome
    with session_scope(engine) as session:
        same_file = session.scalars(select(Submission).where(Submission.sha256 == report.sha256)).one_or_none()
        current = _current_submission(session, str(agency), str(period))
        if same_file is None and current is not None and current.content_sha256 == report.content_sha256:
            same_file = current
        if same_file is not None:
            outcome.status, outcome.submission_id = "duplicate", same_file.id
            return outcome
        if dry_run:
            outcome.status, outcome.supersedes_id = "checked", current.id if current else None
            return outcome
        outcome.submission_id, outcome.supersedes_id = _write_submission(session, report, current, actor=actor)
        outcome.status = "stored"
    return outcome


def ingest_report_bytes(
    engine: Engine, data: bytes, *, file_name: str, actor: str, max_bytes: int, dry_run: bool = False
) -> IngestOutcome:
    """Read, check and store one workbook given as bytes (the web upload's path)."""
    report = read_self_report(data, file_name=file_name, known_agencies=known_agency_codes(engine), max_bytes=max_bytes)
    return store_report(engine, report, actor=actor, dry_run=dry_run)


def ingest_report_file(
    engine: Engine, path: Path, *, actor: str, max_bytes: int, dry_run: bool = False
) -> IngestOutcome:
    """Read, check and store one workbook on disk (the command line's path)."""
    if path.stat().st_size > max_bytes:
        report = ParsedReport(file_name=path.name, sha256="")
        report.problems.append(too_large_problem(file=path.name, size_bytes=path.stat().st_size, max_bytes=max_bytes))
        return store_report(engine, report, actor=actor)
    return ingest_report_bytes(
        engine, path.read_bytes(), file_name=path.name, actor=actor, max_bytes=max_bytes, dry_run=dry_run
    )
