"""``egov users``, ``egov periods`` and ``egov review`` as an operator runs them, on both engines."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from egov.cli import app
from store.models import Event, Period, Submission, User
from tests.workbooks import write_filled_report

runner = CliRunner()
PASSWORD = "a long enough secret"


def _store(store_url: str):  # type: ignore[no-untyped-def]
    return create_engine(store_url)


def test_users_add_list_disable_reset(cli_env: Path, store_url: str) -> None:
    added = runner.invoke(
        app,
        ["users", "add", "qom-office", "--role", "governor", "--province", "qm", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    refused = runner.invoke(
        app, ["users", "add", "x", "--role", "it_director", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert refused.exit_code == 1 and "--agency" in refused.output
    short = runner.invoke(app, ["users", "add", "y", "--role", "analyst", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 10" in short.output

    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0 and "qom-office" in listed.output and "governor" in listed.output
    assert PASSWORD not in listed.output

    assert runner.invoke(app, ["users", "disable", "qom-office"]).exit_code == 0
    with _store(store_url).connect() as connection:
        assert connection.scalar(select(User.active).where(User.name == "qom-office")) is False
    reset = runner.invoke(app, ["users", "reset-password", "qom-office", "--password-stdin"], input="another secret!\n")
    assert reset.exit_code == 0, reset.output
    with _store(store_url).connect() as connection:
        assert connection.scalar(select(User.active).where(User.name == "qom-office")) is True
        kinds = connection.scalars(select(Event.kind).where(Event.kind.like("user.%")).order_by(Event.id)).all()
    assert kinds == ["user.added", "user.disabled", "user.password_reset"]
    assert runner.invoke(app, ["users", "disable", "nobody"]).exit_code == 1


def test_serve_refuses_without_an_administrator_when_nobody_is_at_the_terminal(cli_env: Path) -> None:
    result = runner.invoke(app, ["serve", "--port", "1"])  # CliRunner's stdin is not a terminal
    assert result.exit_code == 1
    assert "egov users add NAME --role admin" in result.output


def test_deadlines_and_review_from_the_terminal(cli_env: Path, store_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["periods", "deadline", "۱۳۹۳", "1394-02-31"]).exit_code == 0
    with _store(store_url).connect() as connection:
        assert str(connection.scalar(select(Period.deadline).where(Period.code == "1393"))) == "2015-05-21"
    assert runner.invoke(app, ["periods", "deadline", "1393", "not a date"]).exit_code == 1

    report = write_filled_report(tmp_path / "kahak.xlsx")
    assert runner.invoke(app, ["ingest", "report", str(report)]).exit_code == 0
    with _store(store_url).connect() as connection:
        submission = connection.scalar(select(Submission.id))
        assert connection.scalar(select(Submission.review_status)) == "pending"
    returned = runner.invoke(app, ["review", "return", str(submission), "--comment", "check the totals"])
    assert returned.exit_code == 0 and "returned" in returned.output
    again = runner.invoke(app, ["review", "approve", str(submission)])
    assert again.exit_code == 1 and "already returned" in again.output

    approved_on_import = write_filled_report(tmp_path / "kahak-1392.xlsx", period="1392")
    assert runner.invoke(app, ["ingest", "report", "--approve", str(approved_on_import)]).exit_code == 0
    with _store(store_url).connect() as connection:
        statuses = connection.execute(select(Submission.period_code, Submission.review_status)).all()
    assert sorted(tuple(s) for s in statuses) == [("1392", "approved"), ("1393", "returned")]


def test_score_counts_approved_data_unless_asked_for_pending(cli_env: Path, tmp_path: Path) -> None:
    report = write_filled_report(tmp_path / "kahak.xlsx")
    assert runner.invoke(app, ["ingest", "report", str(report)]).exit_code == 0  # waits for review
    approved = runner.invoke(app, ["score", "--period", "1393", "--province", "QM"])
    pending = runner.invoke(app, ["score", "--period", "1393", "--province", "QM", "--include-pending"])
    assert approved.exit_code == 0 and pending.exit_code == 0
    assert "approved data" in approved.output and "approved and pending data" in pending.output

    def kahak(output: str) -> tuple[str, str]:
        """Kahak's rank and score cells (the table's first and fifth columns)."""
        cells = next(line for line in output.splitlines() if "QM-QOM-KAH-BKH" in line).split("│")
        return cells[1].strip(), cells[5].strip()

    assert kahak(approved.output) == ("", "")  # pending is not counted by default: not ranked, no score
    rank, score = kahak(pending.output)
    assert rank == "1" and float(score) > 0
