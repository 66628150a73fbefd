"""Many uploads at once for the same agency and period: all stored, one current, none lost or mixed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine, select

from ingest.submissions import ingest_report_bytes
from store.models import ReportedValue, Submission
from tests.workbooks import AGENCY, TYPED_FORM, write_filled_report

UPLOADS = 8


def test_simultaneous_uploads_for_one_agency_and_period(engine: Engine, tmp_path: Path) -> None:
    files = [
        write_filled_report(tmp_path / f"v{n}.xlsx", form={**TYPED_FORM, "files_electronic": 100 + n}).read_bytes()
        for n in range(UPLOADS)
    ]

    with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
        outcomes = list(
            pool.map(
                lambda n: ingest_report_bytes(
                    engine, files[n], file_name=f"v{n}.xlsx", actor=f"user-{n}", max_bytes=10**7
                ),
                range(UPLOADS),
            )
        )

    assert [o.status for o in outcomes] == ["stored"] * UPLOADS
    with engine.connect() as connection:
        rows = connection.execute(
            select(Submission.id, Submission.status, Submission.supersedes_id, Submission.submitted_by).where(
                Submission.agency_code == AGENCY, Submission.period_code == "1393"
            )
        ).all()
        values = dict(
            connection.execute(
                select(ReportedValue.submission_id, ReportedValue.value).where(
                    ReportedValue.field == "files_electronic"
                )
            ).all()
        )
    assert len(rows) == UPLOADS
    assert [r.status for r in rows].count("submitted") == 1  # exactly one current report
    superseded = sorted(r.supersedes_id for r in rows if r.supersedes_id is not None)
    assert superseded == sorted(r.id for r in rows if r.status == "superseded")  # one unbroken history
    for row in rows:  # each submission kept its own values: nothing mixed
        assert values[row.id] == 100 + int(row.submitted_by.split("-")[1])
