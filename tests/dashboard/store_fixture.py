"""A small real store for the Overview, Rankings and Scorecard tests: workbooks through the real ingest.

Kahak district office reports for 1393 and 1394 (1394 twice: the second supersedes the first), and
Qom's governorate for 1394 with weaker numbers, so the two rank 1 and 2 in Qom.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ingest.submissions import ingest_report_file
from store.engine import create_store_engine, upgrade_store
from tests.workbooks import AGENCY, TYPED_FORM, write_filled_report

OTHER = "QM-GOV"
"""Qom's governorate: reports 1394 only, with fewer electronic files and processes than Kahak."""

WEAKER_FORM = {**TYPED_FORM, "files_electronic": 60, "processes_electronic": 1, "letters_automated": 900}


def build_store(folder: Path) -> Engine:
    """A migrated SQLite store in ``folder`` with the reports above loaded."""
    engine = create_store_engine(f"sqlite:///{folder / 'store.sqlite3'}")
    upgrade_store(engine)
    reports = [
        write_filled_report(folder / "kahak-1393.xlsx", period="1393"),
        write_filled_report(folder / "kahak-1394.xlsx", period="1394"),
        write_filled_report(folder / "kahak-1394-v2.xlsx", period="1394", form={**TYPED_FORM, "files_electronic": 700}),
        write_filled_report(folder / "gov-1394.xlsx", agency=OTHER, period="1394", form=WEAKER_FORM),
    ]
    for path in reports:
        outcome = ingest_report_file(engine, path, actor="tester", max_bytes=10**7, approved_by="tester")
        assert outcome.status == "stored", (path.name, outcome)
    return engine


__all__ = ["AGENCY", "OTHER", "build_store"]
