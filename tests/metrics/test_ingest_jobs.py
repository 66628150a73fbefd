"""``api.ingest_jobs``: the jobs real log ingests recorded, newest first, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ingest.service_logs import ingest_log_file
from ingest.submissions import ingest_report_file
from metrics import api
from tests.ingest.test_service_logs import ROWS, write_log
from tests.workbooks import write_filled_report


def test_jobs_are_listed_newest_first_by_kind_and_limit(engine: Engine, tmp_path: Path) -> None:
    stored = ingest_report_file(  # Kahak's services, so its logs are accepted
        engine, write_filled_report(tmp_path / "report.xlsx"), actor="t", max_bytes=10**7, approved_by="t"
    )
    assert stored.status == "stored"
    rejects = tmp_path / "rejects"
    first = ingest_log_file(engine, write_log(tmp_path / "a.csv", ROWS), rejects_dir=rejects, actor="nightly")
    again = ingest_log_file(engine, write_log(tmp_path / "a-copy.csv", ROWS), rejects_dir=rejects, actor="web-1")
    later = ingest_log_file(engine, write_log(tmp_path / "b.csv", ROWS[:3]), rejects_dir=rejects, actor="nightly")

    jobs = api.ingest_jobs(kind="logs", limit=None, engine=engine)
    assert jobs["file_name"].tolist() == ["b.csv", "a-copy.csv", "a.csv"]
    assert jobs["job_id"].tolist() == [later.job_id, again.job_id, first.job_id]
    assert jobs["status"].tolist() == ["done", "duplicate", "done"] and later.status == "done"
    assert jobs["rows_read"].tolist() == [3, 0, 5] and jobs["started_by"].iloc[1] == "web-1"
    assert api.ingest_jobs(kind="logs", limit=2, engine=engine)["file_name"].tolist() == ["b.csv", "a-copy.csv"]
    assert api.ingest_jobs(limit=1, engine=engine)["file_name"].tolist() == ["b.csv"]
    assert api.ingest_jobs(kind="reports", engine=engine).empty
