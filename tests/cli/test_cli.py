"""The ``egov`` command as a user runs it: help, template, ingest with exit codes, demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jdatetime
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from egov.cli import app
from ingest import layout
from metrics.audit import is_late
from store.engine import upgrade_store
from store.models import Period, Submission
from store.workflow import set_deadline
from tests.workbooks import AGENCY, fill_report, form_cell

runner = CliRunner()


def test_help_lists_every_command_with_a_description() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "template", "ingest", "demo", "serve", "agencies", "settings"):
        assert command in result.output
    for group in ("db", "ingest"):
        sub = runner.invoke(app, [group, "--help"])
        assert sub.exit_code == 0
        assert ("upgrade" if group == "db" else "report") in sub.output


def test_template_then_ingest_then_duplicate(cli_env: Path, tmp_path: Path, store_url: str) -> None:
    report = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["template", "--agency", AGENCY.lower(), "--period", "۱۳۹۳", "-o", str(report)])
    assert result.exit_code == 0, result.output
    form = load_workbook(report)[layout.FORM_SHEET]
    assert form[form_cell("agency_code").split("!")[1]].value == AGENCY
    assert form[form_cell("period").split("!")[1]].value == "1393"

    from tests.workbooks import TYPED_FORM, TYPED_SERVICES

    fill_report(report, form=TYPED_FORM, services=TYPED_SERVICES)
    dry = runner.invoke(app, ["ingest", "report", str(report), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output
    stored = runner.invoke(app, ["ingest", "report", str(report)])
    assert stored.exit_code == 0, stored.output
    again = runner.invoke(app, ["ingest", "report", str(report), "--json"])
    assert again.exit_code == 0
    assert json.loads(again.output)[0]["status"] == "duplicate"
    engine = create_engine(store_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Submission)) == 1
    engine.dispose()


def test_rejected_report_exits_1_with_json_problems(cli_env: Path, tmp_path: Path) -> None:
    report = tmp_path / "bad.xlsx"
    assert runner.invoke(app, ["template", "--agency", AGENCY, "--period", "1393", "-o", str(report)]).exit_code == 0
    fill_report(report, form={"files_total": "بیست"}, services=[])

    result = runner.invoke(app, ["ingest", "report", str(report), "--json"])

    assert result.exit_code == 1
    problems = json.loads(result.output)[0]["problems"]
    cells = {f"{p['sheet']}!{p['cell']}": p for p in problems}
    assert form_cell("files_total") in cells
    assert cells[form_cell("files_total")]["seen"] == "بیست"
    assert cells[form_cell("reporter_name")]["code"] == "required"


def test_usage_errors_exit_2(cli_env: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest", "report", str(tmp_path / "missing.xlsx")]).exit_code == 2
    unknown = runner.invoke(app, ["template", "--agency", "NOPE", "--period", "1393", "-o", str(tmp_path / "x.xlsx")])
    assert unknown.exit_code == 2 and "NOPE" in unknown.output
    outside = runner.invoke(app, ["template", "--agency", AGENCY, "--period", "1399", "-o", str(tmp_path / "x.xlsx")])
    assert outside.exit_code == 2


def test_demo_loads_every_workbook_once_and_is_deterministic(cli_env: Path, store_url: str) -> None:
    args = ["demo", "--province", "QM", "--first-year", "1393", "--last-year", "1394"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    files = sorted(p.name for p in (cli_env / "demo" / "reports").glob("*.xlsx"))
    assert files and all(name.startswith("QM-") for name in files)
    engine = create_engine(store_url)
    with engine.connect() as connection:
        stored = connection.execute(
            select(Submission.file_name, Submission.content_sha256).order_by(Submission.file_name)
        ).all()
    assert [row.file_name for row in stored] == files

    second = runner.invoke(app, args)

    assert second.exit_code == 0
    with engine.connect() as connection:
        again = connection.execute(
            select(Submission.file_name, Submission.content_sha256).order_by(Submission.file_name)
        ).all()
    engine.dispose()
    assert again == stored  # nothing added twice


def test_demo_reports_were_sent_around_their_deadlines(cli_env: Path, store_url: str) -> None:
    """The demo gives its plan years deadlines and its reports the days they were sent (a few weeks after
    the plan year ended, some late), so the Reporting page has late reports to show; an administrator's
    own deadline is kept."""
    engine = create_engine(store_url)
    upgrade_store(engine)
    own = dt.date(2015, 5, 1)
    set_deadline(engine, "1393", own, actor="admin")
    args = ["demo", "--province", "QM", "--first-year", "1393", "--last-year", "1394", "--no-logs"]

    assert runner.invoke(app, args).exit_code == 0

    with engine.connect() as connection:
        deadlines = dict(connection.execute(select(Period.code, Period.deadline).where(Period.kind == "year")).all())
        sent = connection.execute(select(Submission.period_code, Submission.submitted_at)).all()
    engine.dispose()
    assert deadlines["1393"] == own
    assert deadlines["1394"] == jdatetime.date(1395, 1, 31).togregorian()  # demo.yaml: end of Farvardin
    assert deadlines["1392"] is None  # a year the demo did not load
    for period, at in sent:
        day = jdatetime.date.fromgregorian(date=at.date())
        assert day.year == int(period) + 1 and day.month <= 3, (period, at)
    late = [is_late(at, deadlines[period]) for period, at in sent if period == "1394"]
    assert 0 < sum(late) < len(late) / 4  # a few late, most on time
