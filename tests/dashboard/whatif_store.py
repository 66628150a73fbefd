"""A small store built through the real ingest: two Qom agencies, each strong on a different pillar.

Used by the what-if and geography tests. ``FILES_STRONG`` keeps all its case files electronically but
few processes; ``PROCESSES_STRONG`` the opposite; everything else they report is the same.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ingest.submissions import ingest_report_file
from store.engine import create_store_engine, upgrade_store
from tests.workbooks import TYPED_FORM, write_filled_report

YEAR = 1394
FILES_STRONG = "QM-GOV"
PROCESSES_STRONG = "QM-QOM-KAH-BKH"
FORMS = {
    FILES_STRONG: {"files_total": 1000, "files_electronic": 1000, "processes_total": 20, "processes_electronic": 2},
    PROCESSES_STRONG: {"files_total": 1000, "files_electronic": 100, "processes_total": 20, "processes_electronic": 20},
}


def build_two_agency_store(folder: Path) -> Engine:
    """A migrated SQLite store in ``folder`` with one 1394 report from each of the two agencies."""
    engine = create_store_engine(f"sqlite:///{folder / 'whatif.sqlite3'}")
    upgrade_store(engine)
    for agency, overrides in FORMS.items():
        path = write_filled_report(
            folder / f"{agency}-{YEAR}.xlsx", agency=agency, period=str(YEAR), form={**TYPED_FORM, **overrides}
        )
        outcome = ingest_report_file(engine, path, actor="tester", max_bytes=10**7, approved_by="tester")
        assert outcome.status == "stored", outcome
    return engine
