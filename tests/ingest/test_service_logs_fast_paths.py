"""The log ingest's fast paths give the exact answers: Jalali months day by day against jdatetime,
every odd spelling through the slow path, every failed check of a rejected row, the latest record of
a transaction. Real files on disk, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import jdatetime
import pandas as pd
from sqlalchemy import Engine

from ingest.log_query import FIRST_DAY, LAST_DAY
from ingest.service_logs import read_log_file, write_rejects
from tests.ingest.test_service_logs import AGENCY, HEADERS_EN, _ingest, store, write_log

__all__ = ["store"]  # the fixture, shared with test_service_logs

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _row(
    when: str, *, channel: str = "online", outcome: str = "completed", seconds: str = "60", txn: str = ""
) -> list[str]:
    return [when, AGENCY, "S001", channel, outcome, seconds, txn]


def _rejected(path: Path | None) -> list[tuple[int, str]]:
    """(line, reason) of each row of a rejects file, as a user reads it."""
    assert path is not None and path.exists()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(int(row["line"]), row["reason"]) for row in csv.DictReader(handle)]


def _months(groups: pd.DataFrame) -> Counter[tuple[int, int]]:
    accepted = groups[groups["reason"].isna()]
    counts: Counter[tuple[int, int]] = Counter()
    for year, month, n in zip(accepted["year"], accepted["month"], accepted["transactions"], strict=True):
        counts[(int(year), int(month))] += int(n)
    return counts


def test_every_day_lands_in_its_jalali_month(store: Engine, tmp_path: Path) -> None:
    """Each day 2000–2040 written as ISO (the fast DuckDB cast) and as a Jalali date (fast when padded,
    exact slow path with Persian digits or a one-digit month) gives jdatetime's month."""
    rows, expected = [], Counter[tuple[int, int]]()
    day = FIRST_DAY
    while day <= LAST_DAY:
        j = jdatetime.date.fromgregorian(date=day)
        rows.append(_row(f"{day.isoformat()}T12:30:00"))
        rows.append(_row(f"{j.year}/{j.month:02d}/{j.day:02d} 08:00"))
        expected[(j.year, j.month)] += 2
        if day.day % 7 == 0:  # a sample through the slow path
            rows.append(_row(f"{j.year}/{j.month}/{j.day} 8:00".translate(PERSIAN)))
            expected[(j.year, j.month)] += 1
        day += dt.timedelta(days=1)
    read = read_log_file(store, write_log(tmp_path / "days.csv", rows), rejects_path=tmp_path / "days.rejects.csv")

    assert read.rejects is None and not (tmp_path / "days.rejects.csv").exists()
    assert _months(read.groups) == expected


ODD_SPELLINGS: list[tuple[str, tuple[int, int] | None]] = [
    ("۱۳۹۳/۰۵/۱۴ ۰۹:۰۰", (1393, 5)),  # Persian digits
    ("١٣٩٣-٠٥-١٤", (1393, 5)),  # Arabic-Indic digits
    ("1393/5/1 9:00", (1393, 5)),  # one-digit month and day
    ("2014/08-05", (1393, 5)),  # mixed separators
    ("2014.08.05 10:00", (1393, 5)),
    (" 2014-08-05T10:00:00", (1393, 5)),  # leading space
    ("2014-08-05T99:99", (1393, 5)),  # only the date is read
    ("2014-8-5 ", (1393, 5)),
    ("2014\u200c-08-05", (1393, 5)),  # a stray ZWNJ is dropped, as normalising text does
    ("1395/12/30", (1395, 12)),  # a leap year's last day
    ("1393-02-31", (1393, 2)),  # a Jalali day that no Gregorian month has
    ("1378/10/11", (1378, 10)),  # 2000-01-01, the first day read
    ("2040-12-31", (1419, 10)),  # the last
    ("1393/12/30", None),  # 1393 is not a leap year
    ("1393/07/31", None),  # the seventh month has 30 days
    ("2014-02-30", None),
    ("1378/10/10", None),  # before the span
    ("2041-01-01", None),  # after it
    ("2014-08-0", None),
    ("not a date", None),
    ("", None),
]


def test_odd_timestamp_spellings(store: Engine, tmp_path: Path) -> None:
    path = write_log(tmp_path / "odd.csv", [_row(when) for when, _ in ODD_SPELLINGS])
    read = read_log_file(store, path, rejects_path=tmp_path / "odd.rejects.csv")

    bad_lines = [line for line, (_, month) in enumerate(ODD_SPELLINGS, start=2) if month is None]
    assert _rejected(read.rejects) == [(line, "bad_time") for line in bad_lines]
    assert _months(read.groups) == Counter(month for _, month in ODD_SPELLINGS if month is not None)


def test_a_rejected_row_lists_every_failed_check(store: Engine, tmp_path: Path) -> None:
    rows = [
        _row("2014-08-03T10:00:00"),
        _row("no time", channel="fax", seconds="-5"),  # line 3
        _row("2014-08-03T10:00:00", outcome="maybe", seconds="nan"),  # line 4
        _row("2014-08-03T10:00:00", seconds="inf"),  # line 5: not a usable duration either
    ]
    outcome = _ingest(store, write_log(tmp_path / "bad.csv", rows), tmp_path, max_rejected_share=1.0)

    rejects = pd.read_csv(outcome.rejects_path, encoding="utf-8-sig")  # type: ignore[attr-defined]
    assert rejects[["line", "reason", "reasons"]].values.tolist() == [
        [3, "bad_time", "bad_time;unknown_channel;negative_duration"],
        [4, "unknown_outcome", "unknown_outcome;bad_duration"],
        [5, "bad_duration", "bad_duration"],
    ]
    assert rejects["channel"].tolist() == ["fax", "online", "online"]  # as written


def test_the_latest_record_of_a_transaction_is_the_one_counted(store: Engine, tmp_path: Path) -> None:
    rows = [
        _row("1393/05/30 23:50", outcome="abandoned", txn="T1"),
        _row("1393/06/01 00:10", outcome="completed", txn="T۱"),  # the same id, re-sent later
        _row("2014-08-03T10:00:00", txn="T2"),
        _row("2014-08-04T10:00:00", channel="fax", txn="T2"),  # a later re-send that is itself unusable
        _row("2014-08-03T10:00:00", txn=""),  # no id: never a duplicate
        _row("2014-08-03T10:00:00", txn=""),
    ]
    outcome = _ingest(
        store, write_log(tmp_path / "dup.csv", rows, headers=HEADERS_EN), tmp_path, max_rejected_share=1.0
    )

    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_duplicate, outcome.rows_rejected) == (6, 4, 1, 1)  # type: ignore[attr-defined]
    groups = read_log_file(store, tmp_path / "dup.csv").groups
    kept = groups[groups["reason"].isna() & ~groups["is_duplicate"]]
    by_month = {(int(r.year), int(r.month)): (int(r.transactions), int(r.completed)) for r in kept.itertuples()}
    assert by_month == {(1393, 6): (1, 1), (1393, 5): (3, 3)}  # T1 in Shahrivar, completed; T2 kept


def test_xlsx_cells_of_every_kind_are_read_as_text(store: Engine, tmp_path: Path) -> None:
    """Date cells, numeric durations, empty cells and a column that mixes numbers with text all reach the
    same checks as CSV text, with the sheet's row numbers."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("logs")
    sheet.append(HEADERS_EN)
    sheet.append([dt.datetime(2014, 8, 3, 10, 20), AGENCY, "S001", "online", "completed", 120, "T1"])
    sheet.append(["1393/05/14 09:00", AGENCY, "S001", "mobile", "completed", 60.5, None])
    sheet.append([dt.datetime(2014, 9, 24, 8, 0), AGENCY, "S001", "counter", "rejected", "abc", "T3"])  # row 4
    sheet.append([None, AGENCY, "S001", "online", "completed", 5, "T4"])  # row 5: no time
    sheet.append([dt.datetime(2014, 9, 24, 8, 0), AGENCY, "S001", "online", "completed", None, "T5"])
    workbook.save(tmp_path / "cells.xlsx")

    read = read_log_file(store, tmp_path / "cells.xlsx", rejects_path=tmp_path / "cells.rejects.csv")

    assert _rejected(read.rejects) == [(4, "bad_duration"), (5, "bad_time")]
    assert _months(read.groups) == {(1393, 5): 2, (1393, 7): 1}
    accepted = read.groups[read.groups["reason"].isna()]
    assert accepted["duration_count"].sum() == 2 and accepted["duration_sum_s"].sum() == 180.5


def _summary(outcome: object) -> tuple[object, ...]:
    fields = ("rows_read", "rows_accepted", "rows_rejected", "rows_duplicate", "reasons", "months", "source_system")
    return tuple(getattr(outcome, name) for name in fields)


def _as_sheet(path: Path, rows: list[list[str]], headers: list[str]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("logs")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_a_dry_run_reports_what_the_import_then_stores(store: Engine, tmp_path: Path) -> None:
    """The dry run sums accepted rows by month only (nothing is stored), the import by key: same summary and
    same rejects file, with and without repeated transactions, from CSV and from a sheet."""
    rows = [
        _row("2014-08-03T10:00:00", txn="A1"),
        _row("1393/06/01 09:00", channel="counter", txn="A2"),
        _row("no time", channel="fax", seconds="-5", txn="A3"),  # rejected
        _row("2014-09-24T08:00:00", outcome="maybe", txn="A4"),  # rejected
        _row("2014-10-24T08:00:00", seconds="abc", txn=""),  # rejected
    ]
    repeated = [*rows, _row("2014-08-04T10:00:00", outcome="rejected", txn="A1"), _row("1393/06/02 09:00", txn="A2")]
    # "duration" is also the name of a column the passes work out
    sheet_headers = ["timestamp", "agency", "service", "channel", "status", "duration", "id"]
    cases = {
        "plain.csv": write_log(tmp_path / "plain.csv", rows),
        "repeated.csv": write_log(tmp_path / "repeated.csv", repeated),
        "plain.xlsx": _as_sheet(tmp_path / "plain.xlsx", rows, sheet_headers),
        "repeated.xlsx": _as_sheet(tmp_path / "repeated.xlsx", repeated, sheet_headers),
    }
    for name, path in cases.items():
        checked = _ingest(store, path, tmp_path / "dry", dry_run=True, max_rejected_share=1.0)
        done = _ingest(store, path, tmp_path / "real", max_rejected_share=1.0)
        assert (checked.status, done.status) == ("checked", "done"), name  # type: ignore[attr-defined]
        assert _summary(checked) == _summary(done), name
        dry_rejects = pd.read_csv(checked.rejects_path, encoding="utf-8-sig", dtype=str)  # type: ignore[attr-defined]
        real_rejects = pd.read_csv(done.rejects_path, encoding="utf-8-sig", dtype=str)  # type: ignore[attr-defined]
        pd.testing.assert_frame_equal(dry_rejects, real_rejects)
        assert dry_rejects["line"].tolist() == ["4", "5", "6"], name
    assert done.rows_duplicate == 2 and done.months == [(1393, 5), (1393, 6)]  # type: ignore[attr-defined]


def test_rejects_file_has_the_bytes_pandas_wrote(tmp_path: Path) -> None:
    """``write_rejects`` writes with ``csv`` what ``DataFrame.to_csv`` writes: quoting, empty cells for missing
    values, a BOM, ``\\n`` line ends; batch by batch, as the rows are streamed."""
    names = ["line", "reason", "timestamp", "agency", "service", "note"]
    rows: list[list[object]] = [
        [2, "bad_time", "", None, None, "x,y"],
        [3, "bad_duration", 'q"q', "l1\nl2", "\r", " ۱۲ "],
        [40, "unknown_channel", "\t", "آنلاین", "S1", ""],
        [41, "bad_time", None, "A", "S1", "1.0"],
    ]
    for case_names, case in ((names, rows), (names, rows[:1]), (["only"], [[""]]), (["only"], [[None]]), (names, [])):
        expected = tmp_path / "pandas.csv"
        pd.DataFrame(case, columns=case_names).to_csv(expected, index=False, encoding="utf-8-sig")
        write_rejects(tmp_path / "ours.csv", case_names, [iter(case[:1]), iter(case[1:])])
        assert (tmp_path / "ours.csv").read_bytes() == expected.read_bytes(), case


def test_rejected_rows_that_come_out_of_order_are_sorted_instead(tmp_path: Path) -> None:
    """The rejects file lists rows in file order whatever DuckDB streams: rows that come out of order (a join
    that swapped its sides did, on the demo's logs) are written again from the sorted statement."""
    import duckdb

    from ingest import log_query
    from ingest.service_logs import _write_rejected_rows

    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE {log_query.CLASSIFIED_TABLE} AS "
        "SELECT 7::UBIGINT AS group_hash, 'bad_time' AS reason, 'bad_time;unknown_channel' AS reasons"
    )
    rows = "SELECT n + 1 AS line, 7::UBIGINT AS group_hash, 'r' || n AS raw_timestamp FROM range(1, 200001) t(n)"
    shuffled, ordered = f"{rows} ORDER BY hash(n)", f"{rows} ORDER BY line"
    seen: list[float] = []

    path = _write_rejected_rows(
        con, (shuffled, ordered), {"timestamp": "when"}, tmp_path / "r.csv", 200_000, seen.append
    )

    assert [line for line, _ in _rejected(path)] == list(range(2, 200_002))
    assert _rejected(path)[0] == (2, "bad_time") and seen[-1] == 1.0
    assert not (tmp_path / "r.csv.partial").exists()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first == {
        "line": "2",
        "reason": "bad_time",
        "reason_fa": "زمان نامعتبر",
        "reasons": "bad_time;unknown_channel",
        "timestamp": "r1",
    }
