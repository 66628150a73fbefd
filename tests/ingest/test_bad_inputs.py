"""Every bad input of the spine issue: refused with a clear message that names the place, store unchanged.

Each test first stores one good report, so that "the store is unchanged" compares a store that
holds something, then feeds one bad file through the same path a user's upload takes.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from ingest import layout
from ingest.problems import Problem
from ingest.schema import FORM_FIELDS, SERVICE_FIELDS, TEMPLATE_VERSION
from ingest.submissions import IngestOutcome, ingest_report_file
from tests.store_state import snapshot
from tests.workbooks import AGENCY, TYPED_SERVICES, fill_report, form_cell, write_filled_report

MAX = 10 * 1024 * 1024
_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")
_FORM_LABELS = {s.code: (s.fa, s.en) for s in FORM_FIELDS}
_SERVICE_LABELS = {s.code: (s.fa, s.en) for s in SERVICE_FIELDS}


@pytest.fixture
def before(engine: Engine, tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The store after one good report: what every refused file must leave exactly as it is."""
    good = write_filled_report(tmp_path / "good" / "kahak-1393.xlsx")
    outcome = ingest_report_file(engine, good, actor="test", max_bytes=MAX)
    assert outcome.status == "stored", [p.message_en for p in outcome.problems]
    state = snapshot(engine)
    assert state["submissions"] and state["values"] and state["events"]
    return state


def _refused(engine: Engine, path: Path, before: dict[str, Any], *, max_bytes: int = MAX) -> list[Problem]:
    """Ingest ``path``; it must be rejected with readable problems and leave the store as it was."""
    outcome: IngestOutcome = ingest_report_file(engine, path, actor="test", max_bytes=max_bytes)
    assert outcome.status == "rejected"
    assert outcome.submission_id is None
    assert outcome.problems, "a rejected file must say why"
    for problem in outcome.problems:
        assert problem.file == path.name
        assert problem.message_fa.strip() and problem.message_en.strip()
        assert problem.message_fa != problem.message_en
        assert _PERSIAN_LETTER.search(problem.message_fa), problem.message_fa
        assert not _PERSIAN_LETTER.search(problem.message_en), problem.message_en
    json.loads(json.dumps(outcome.as_dict(), ensure_ascii=False))  # the same report, as data for the web page
    assert snapshot(engine) == before
    return outcome.problems


def _only(problems: list[Problem], code: str) -> Problem:
    assert [p.code for p in problems] == [code], [(p.code, p.where, p.message_en) for p in problems]
    return problems[0]


def _at(problems: list[Problem], where: str) -> Problem:
    found = [p for p in problems if p.where == where]
    assert len(found) == 1, (where, [(p.code, p.where) for p in problems])
    return found[0]


def _names_form_field(problem: Problem, code: str) -> None:
    assert problem.where == form_cell(code)
    assert problem.field == code
    assert (problem.field_fa, problem.field_en) == _FORM_LABELS[code]


def _names_file_only(problem: Problem) -> None:
    assert problem.sheet is None and problem.cell is None and problem.field is None


def _filled(tmp_path: Path, name: str, *, form: dict[str, Any] | None = None, services: Any = None) -> Path:
    """The typed report with some cells typed differently (``services`` replaces the whole list)."""
    path = write_filled_report(tmp_path / name)
    fill_report(path, form=form or {}, services=[])
    if services is not None:
        wb = load_workbook(path)
        sheet = wb[layout.SERVICES_SHEET]
        for row in sheet.iter_rows(min_row=layout.SERVICES_FIRST_ROW, max_row=layout.SERVICES_FIRST_ROW + 20):
            for cell in row[: len(layout.SERVICES_COLUMNS)]:
                cell.value = None
        wb.save(path)
        fill_report(path, form={}, services=services)
    return path


def _real_bytes(tmp_path: Path) -> bytes:
    return write_filled_report(tmp_path / "source.xlsx").read_bytes()


# --- not a workbook at all -------------------------------------------------------------------


def test_csv_renamed_to_xlsx_is_not_a_workbook(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = tmp_path / "report.xlsx"
    path.write_text(f"agency_code,period,files_total\n{AGENCY},1393,۱۲۰۰\n", encoding="utf-8")

    problem = _only(_refused(engine, path, before), "not_xlsx")

    _names_file_only(problem)
    assert "xlsx" in problem.message_en


def test_png_is_not_a_workbook(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)

    _names_file_only(_only(_refused(engine, path, before), "not_xlsx"))


def test_zip_that_is_not_a_workbook(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("report.csv", "files_total\n1200\n")

    _names_file_only(_only(_refused(engine, path, before), "not_xlsx"))


# --- damaged workbooks -----------------------------------------------------------------------


def _member_offset(data: bytes, member: str) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    return info.header_offset + 30 + len(info.filename) + len(info.extra) + 8


@pytest.mark.parametrize("where", ["middle", "instructions sheet"])
def test_corrupt_workbook(engine: Engine, tmp_path: Path, before: dict[str, Any], where: str) -> None:
    """Random bytes over the middle of the file, or over a part the reader never opens (still corrupt)."""
    data = bytearray(_real_bytes(tmp_path))
    start = len(data) // 2 if where == "middle" else _member_offset(bytes(data), "xl/worksheets/sheet1.xml")
    noise = random.Random(2).randbytes(64)
    data[start : start + 64] = noise
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))

    _names_file_only(_only(_refused(engine, path, before), "corrupt"))


def test_truncated_workbook(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    data = _real_bytes(tmp_path)
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])

    problem = _only(_refused(engine, path, before), "corrupt")

    _names_file_only(problem)
    assert "truncated" in problem.message_en


def test_password_protected_workbook(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """Excel saves a password-protected .xlsx as an OLE compound file (CFB), not a zip.

    msoffcrypto-tool is not installed here, so this is the CFB signature and a 512-byte header
    followed by padding: what the reader sees first in a real encrypted workbook.
    """
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    path = tmp_path / "locked.xlsx"
    path.write_bytes(header.ljust(512, b"\x00") + b"\xff" * 4096)

    problem = _only(_refused(engine, path, before), "encrypted")

    _names_file_only(problem)
    assert "password" in problem.message_en and "رمز" in problem.message_fa


def test_xlsm_with_macros(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """The real template saved as a macro-enabled workbook: a VBA project and the xlsm content type."""
    source = io.BytesIO(_real_bytes(tmp_path))
    path = tmp_path / "report.xlsm"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as macro:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "[Content_Types].xml":
                main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
                assert main in data
                data = data.replace(main, b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            macro.writestr(info, data)
        macro.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)

    problem = _only(_refused(engine, path, before), "macros")

    _names_file_only(problem)
    assert "xlsm" in problem.message_en


# --- workbooks that are not this template ----------------------------------------------------


def test_workbook_from_another_template_version(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = write_filled_report(tmp_path / "old-template.xlsx")
    wb = load_workbook(path)
    assert wb[layout.META_SHEET][layout.META_VERSION_CELL].value == TEMPLATE_VERSION
    wb[layout.META_SHEET][layout.META_VERSION_CELL] = "egov-self-report/0"
    wb.save(path)

    problem = _only(_refused(engine, path, before), "template_version")

    assert problem.sheet == layout.META_SHEET
    assert problem.seen == "egov-self-report/0"
    assert problem.expected_en == TEMPLATE_VERSION
    assert "template" in problem.message_en


@pytest.mark.parametrize("change", ["deleted", "renamed"])
def test_form_sheet_missing_or_renamed(engine: Engine, tmp_path: Path, before: dict[str, Any], change: str) -> None:
    path = write_filled_report(tmp_path / f"form-{change}.xlsx")
    wb = load_workbook(path)
    if change == "deleted":
        del wb[layout.FORM_SHEET]
    else:
        wb[layout.FORM_SHEET].title = "فرم"
    wb.save(path)

    problem = _only(_refused(engine, path, before), "sheet_missing")

    assert problem.sheet == layout.FORM_SHEET and problem.cell is None
    assert problem.seen is not None and layout.SERVICES_SHEET in problem.seen  # the sheets it did find
    assert ("فرم" in problem.seen) == (change == "renamed")
    assert "renamed" in problem.message_en


# --- bad cells on the Form sheet -------------------------------------------------------------


def test_required_cells_empty_are_all_reported_at_once(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """Four required cells left empty (one holds only spaces): four problems in one outcome."""
    emptied = {"reporter_name": None, "files_total": None, "digital_signature": "   ", "service_desk": None}
    path = _filled(tmp_path, "empty.xlsx", form=emptied)

    problems = _refused(engine, path, before)

    assert sorted(p.where for p in problems) == sorted(form_cell(code) for code in emptied)
    for code in emptied:
        problem = _at(problems, form_cell(code))
        _names_form_field(problem, code)
        assert problem.code == "required"
        assert problem.seen is None
        assert problem.expected_fa and problem.expected_en


def test_text_in_a_number_cell(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = _filled(tmp_path, "words.xlsx", form={"files_total": "بیست"})

    problem = _only(_refused(engine, path, before), "whole_number")

    _names_form_field(problem, "files_total")
    assert problem.seen == "بیست"
    assert problem.expected_en is not None and "whole number" in problem.expected_en


def test_fraction_in_a_count_cell(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = _filled(tmp_path, "fraction.xlsx", form={"processes_total": "۲۰٫۵"})

    problem = _only(_refused(engine, path, before), "whole_number")

    _names_form_field(problem, "processes_total")
    assert problem.seen == "۲۰٫۵"


def test_negative_counts(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = _filled(tmp_path, "negative.xlsx", form={"letters_total": -8000, "processes_total": "-۲۰"})

    problems = _refused(engine, path, before)

    assert sorted(p.where for p in problems) == sorted([form_cell("letters_total"), form_cell("processes_total")])
    letters, processes = _at(problems, form_cell("letters_total")), _at(problems, form_cell("processes_total"))
    _names_form_field(letters, "letters_total")
    _names_form_field(processes, "processes_total")
    assert letters.code == processes.code == "greater_than_equal"
    assert letters.seen == "-8000" and processes.seen == "-۲۰"
    assert "negative" in letters.message_en


def test_electronic_above_total_names_the_electronic_cell(
    engine: Engine, tmp_path: Path, before: dict[str, Any]
) -> None:
    path = _filled(tmp_path, "too-many.xlsx", form={"files_electronic": "۱۳۰۰"})  # total is ۱٬۲۰۰

    problem = _only(_refused(engine, path, before), "rule")

    _names_form_field(problem, "files_electronic")
    assert problem.seen is not None and "1300" in problem.seen and "1200" in problem.seen
    total_fa, total_en = _FORM_LABELS["files_total"]
    assert total_en in problem.message_en and total_fa in problem.message_fa


def test_percent_above_100(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = _filled(tmp_path, "percent.xlsx", form={"paper_reduction_pct": "٪۱۵۰"})

    problem = _only(_refused(engine, path, before), "less_than_equal")

    _names_form_field(problem, "paper_reduction_pct")
    assert problem.seen == "٪۱۵۰"


# --- the Services sheet ----------------------------------------------------------------------


def test_level_count_not_matching_services_sheet(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """The Form claims three transactional services; the Services sheet lists two."""
    path = _filled(tmp_path, "levels.xlsx", form={"services_transactional": "۳", "services_integrated": 0})

    problem = _only(_refused(engine, path, before), "level_count")

    _names_form_field(problem, "services_transactional")
    assert problem.seen == "3"
    assert "2" in problem.message_en and "Services" in problem.message_en


def test_services_total_not_matching_services_sheet(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = _filled(tmp_path, "total.xlsx", form={"services_total": 6})

    problem = _only(_refused(engine, path, before), "service_total")

    _names_form_field(problem, "services_total")
    assert problem.seen == "6"
    assert "5" in problem.message_en


def test_bad_level_in_services(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """Only the bad cell is reported, not the level counts it would make look wrong on the Form."""
    services = [list(row) for row in TYPED_SERVICES]
    services[2][2] = "سطح پنجم"  # third service, the level column
    path = _filled(tmp_path, "level.xlsx", services=services)

    problem = _only(_refused(engine, path, before), "choice")

    row = layout.SERVICES_FIRST_ROW + 2
    assert problem.where == f"{layout.SERVICES_SHEET}!C{row}"
    assert problem.field == "level"
    assert (problem.field_fa, problem.field_en) == _SERVICE_LABELS["level"]
    assert problem.seen == "سطح پنجم"
    assert problem.expected_en is not None and "transactional" in problem.expected_en
    assert problem.expected_fa is not None and "تراکنشی" in problem.expected_fa


def test_duplicate_service_code(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """``s001 `` is S001 once normalised: the second row is the duplicate."""
    services = [list(row) for row in TYPED_SERVICES]
    services[3][0] = "s001 "
    path = _filled(tmp_path, "dup.xlsx", services=services)

    problem = _only(_refused(engine, path, before), "duplicate_service")

    assert problem.where == f"{layout.SERVICES_SHEET}!A{layout.SERVICES_FIRST_ROW + 3}"
    assert problem.field == "service_code"
    assert problem.seen == "S001"


# --- agency and period -----------------------------------------------------------------------


def test_unknown_agency(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """The agency cell is locked in Excel, but a file can still be edited outside it."""
    path = _filled(tmp_path, "agency.xlsx", form={"agency_code": "QM-QOM-NOPE"})

    problem = _only(_refused(engine, path, before), "unknown_agency")

    _names_form_field(problem, "agency_code")
    assert problem.seen == "QM-QOM-NOPE"


def test_period_outside_the_plan(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = write_filled_report(tmp_path / "kahak-1396.xlsx", period="1396")

    problem = _only(_refused(engine, path, before), "period_outside_plan")

    _names_form_field(problem, "period")
    assert problem.seen == "1396"
    assert "1390" in problem.message_en and "1394" in problem.message_en


def test_period_that_is_not_a_period(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    path = _filled(tmp_path, "period.xlsx", form={"period": "1393-H3"})

    problem = _only(_refused(engine, path, before), "period_invalid")

    _names_form_field(problem, "period")
    assert problem.seen == "1393-H3"


# --- size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["far below", "one byte below"])
def test_file_over_the_size_limit(engine: Engine, tmp_path: Path, before: dict[str, Any], limit: str) -> None:
    path = write_filled_report(tmp_path / "big.xlsx")
    size = path.stat().st_size
    max_bytes = 1000 if limit == "far below" else size - 1

    problem = _only(_refused(engine, path, before, max_bytes=max_bytes), "too_large")

    _names_file_only(problem)
    assert problem.seen and problem.expected_en
    seen_number = float(problem.seen.split()[0])
    limit_number = float(problem.expected_en.split()[2])
    assert seen_number > limit_number > 0, (problem.seen, problem.expected_en)  # never "0.0 MB", never equal


# --- many problems in one file ---------------------------------------------------------------


def test_every_problem_in_a_file_comes_back_together(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    services = [list(row) for row in TYPED_SERVICES]
    services[1][2] = "خیلی خوب"  # a level that is not one
    form = {
        "agency_code": "QM-QOM-NOPE",
        "reporter_name": None,
        "report_date": "۱۳۹۳/۱۳/۰۱",  # month 13
        "files_total": "بیست",
        "processes_electronic": "۳۰",  # total is ۲۰
        "letters_total": -1,
        "paper_reduction_pct": "۱۲۰٪",
        "government_network": "شاید",
    }
    path = _filled(tmp_path, "everything.xlsx", form=form, services=services)

    problems = _refused(engine, path, before)

    expected = {
        form_cell("agency_code"): ("unknown_agency", "QM-QOM-NOPE"),
        form_cell("reporter_name"): ("required", None),
        form_cell("report_date"): ("jalali_date", "۱۳۹۳/۱۳/۰۱"),
        form_cell("files_total"): ("whole_number", "بیست"),
        form_cell("processes_electronic"): ("rule", "30 > 20"),
        form_cell("letters_total"): ("greater_than_equal", "-1"),
        form_cell("paper_reduction_pct"): ("less_than_equal", "۱۲۰٪"),
        form_cell("government_network"): ("yes_no", "شاید"),
        f"{layout.SERVICES_SHEET}!C{layout.SERVICES_FIRST_ROW + 1}": ("choice", "خیلی خوب"),
    }
    assert {p.where: (p.code, p.seen) for p in problems} == expected
    assert len(problems) == len(expected)
    for problem in problems:
        if problem.sheet == layout.FORM_SHEET:
            _names_form_field(problem, str(problem.field))
        assert problem.field_fa and problem.field_en


def test_the_typed_form_itself_is_valid(engine: Engine, tmp_path: Path, before: dict[str, Any]) -> None:
    """Guards the tests above: each of them differs from an accepted report only in what it breaks."""
    path = _filled(tmp_path, "kahak-1393-h1.xlsx", form={"period": "1393-H1"})

    outcome = ingest_report_file(engine, path, actor="test", max_bytes=MAX)

    assert outcome.status == "stored", [(p.where, p.message_en) for p in outcome.problems]
