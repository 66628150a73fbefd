"""The template as an IT director sees it when they open it in Excel or LibreOffice.

Opened with openpyxl (what Excel shows: sheets, direction, protection, drop-downs) and with
python-calamine (what the reader will see when the filled file comes back).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from ingest import layout
from ingest.schema import FORM_FIELDS, SERVICE_FIELDS, TEMPLATE_VERSION, FieldSpec, schema_fingerprint
from ingest.template import build_template, form_rows, template_bytes, write_template
from tests.workbooks import AGENCY, AGENCY_NAME

PERIOD = "1393"
_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_WORD = re.compile("[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "kahak-1393.xlsx"
    return write_template(path, agency_code=AGENCY, agency_name=AGENCY_NAME, period=PERIOD)


@pytest.fixture(scope="module")
def wb(template: Path) -> Workbook:
    return load_workbook(template)


def _field_rows(ws: Worksheet) -> dict[str, int]:
    """Rows of the Form sheet found the way the reader finds them: by the code in column E."""
    codes = {s.code for s in FORM_FIELDS}
    rows: dict[str, int] = {}
    for (cell,) in ws.iter_rows(min_col=5, max_col=5):
        if cell.value in codes:
            assert cell.value not in rows, f"{cell.value} appears twice"
            rows[str(cell.value)] = cell.row
    return rows


def _validation_of(ws: Worksheet, coordinate: str) -> DataValidation | None:
    found = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) <= 1, f"{coordinate} has {len(found)} validations"
    return found[0] if found else None


def _list_options(wb: Workbook, formula: str) -> list[str]:
    """The options of a list validation that points at a range of the Lists sheet."""
    match = re.fullmatch(r"'?(\w+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match, f"not a range on another sheet: {formula!r}"
    sheet, first_col, first_row, last_col, last_row = match.groups()
    assert sheet == layout.LISTS_SHEET and first_col == last_col
    ws = wb[sheet]
    return [str(ws[f"{first_col}{row}"].value) for row in range(int(first_row), int(last_row) + 1)]


def _star(spec: FieldSpec) -> str:
    return " *" if spec.required and not spec.locked else ""


# --- sheets ----------------------------------------------------------------------------------


def test_sheets_and_what_is_visible(wb: Workbook) -> None:
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states == {
        layout.INSTRUCTIONS_SHEET: "visible",
        layout.FORM_SHEET: "visible",
        layout.SERVICES_SHEET: "visible",
        layout.LISTS_SHEET: "hidden",
        layout.META_SHEET: "veryHidden",
    }
    assert wb.sheetnames[0] == layout.INSTRUCTIONS_SHEET
    assert wb.active is not None and wb.active.title == layout.FORM_SHEET  # opens on the form


def test_meta_sheet_carries_the_template_version(wb: Workbook) -> None:
    meta = wb[layout.META_SHEET]
    assert meta[layout.META_VERSION_CELL].value == TEMPLATE_VERSION
    assert meta[layout.META_FINGERPRINT_CELL].value == schema_fingerprint()
    assert meta.protection.sheet


@pytest.mark.parametrize("sheet", [layout.INSTRUCTIONS_SHEET, layout.FORM_SHEET, layout.SERVICES_SHEET])
def test_visible_sheets_are_right_to_left_and_protected(wb: Workbook, sheet: str) -> None:
    ws = wb[sheet]
    assert ws.sheet_view.rightToLeft is True
    assert ws.protection.sheet is True


# --- the Form sheet --------------------------------------------------------------------------


def test_every_field_has_a_row_with_its_code_and_both_labels(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    rows = _field_rows(ws)
    assert set(rows) == {s.code for s in FORM_FIELDS}
    assert rows == form_rows()  # the rows tests and the demo type into
    for spec in FORM_FIELDS:
        row = rows[spec.code]
        fa = ws[f"{layout.FORM_LABEL_FA_COL}{row}"].value
        en = ws[f"{layout.FORM_LABEL_EN_COL}{row}"].value
        assert fa == spec.fa + _star(spec), spec.code
        assert en == spec.en + _star(spec), spec.code
        assert _PERSIAN_LETTER.search(fa) and not _PERSIAN_LETTER.search(en)
        hint = ws[f"{layout.FORM_HINT_COL}{row}"].value
        assert hint and _PERSIAN_LETTER.search(hint) and _LATIN_WORD.search(hint)
        if not spec.required:
            assert "optional" in hint


def test_form_headings_are_bilingual(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    title = str(ws["A1"].value)
    assert _PERSIAN_LETTER.search(title) and "self-report" in title
    assert AGENCY in str(ws["A2"].value) and PERIOD in str(ws["A2"].value)
    heads = [str(ws.cell(row=layout.FORM_HEADER_ROW, column=c).value) for c in range(1, 6)]
    assert all(_PERSIAN_LETTER.search(h) for h in heads[2:])
    assert "Value" in heads[2] and "Code" in heads[4]


def test_labels_are_locked_and_inputs_unlocked(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    rows = _field_rows(ws)
    for spec in FORM_FIELDS:
        row = rows[spec.code]
        for column in (layout.FORM_LABEL_FA_COL, layout.FORM_LABEL_EN_COL, layout.FORM_HINT_COL, layout.FORM_CODE_COL):
            assert ws[f"{column}{row}"].protection.locked, f"{column}{row} ({spec.code}) can be edited"
        value = ws[f"{layout.FORM_VALUE_COL}{row}"]
        assert value.protection.locked is spec.locked, f"{value.coordinate} ({spec.code})"
    assert ws["A1"].protection.locked and ws[f"C{layout.FORM_HEADER_ROW}"].protection.locked


def test_agency_and_period_are_filled_in_and_locked(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    rows = _field_rows(ws)
    agency = ws[f"{layout.FORM_VALUE_COL}{rows['agency_code']}"]
    period = ws[f"{layout.FORM_VALUE_COL}{rows['period']}"]
    assert (agency.value, period.value) == (AGENCY, PERIOD)
    assert agency.protection.locked and period.protection.locked
    locked = {s.code for s in FORM_FIELDS if s.locked}
    assert locked == {"agency_code", "period"}
    for spec in FORM_FIELDS:
        if spec.code not in locked:
            assert ws[f"{layout.FORM_VALUE_COL}{rows[spec.code]}"].value is None, f"{spec.code} is prefilled"


def test_value_cells_have_the_right_data_validation(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    rows = _field_rows(ws)
    kinds_seen = set()
    for spec in FORM_FIELDS:
        cell = f"{layout.FORM_VALUE_COL}{rows[spec.code]}"
        dv = _validation_of(ws, cell)
        if spec.kind in ("yes_no", "choice"):
            assert dv is not None and dv.type == "list", spec.code
            assert not str(dv.formula1).startswith("="), "stored as Excel stores it, without '='"
            assert _list_options(wb, str(dv.formula1)) == [c.label for c in spec.choices]
            assert not dv.showDropDown  # in the file format, True would hide the arrow
        elif spec.kind == "count":
            assert dv is not None, spec.code
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        elif spec.kind == "percent":
            assert dv is not None, spec.code
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "100")
        else:
            assert dv is None or spec.locked, f"{spec.code} ({spec.kind}) should accept free text"
            continue
        kinds_seen.add(spec.kind)
        assert dv.allow_blank is not spec.required, spec.code
        assert dv.showErrorMessage and dv.error and _PERSIAN_LETTER.search(dv.error)
        assert dv.errorStyle == "warning"  # Persian digits are text to Excel: the reader decides
    assert kinds_seen == {"yes_no", "choice", "count", "percent"}


def test_yes_no_lists_are_persian_first(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    dv = _validation_of(ws, f"{layout.FORM_VALUE_COL}{_field_rows(ws)['digital_signature']}")
    assert dv is not None
    assert _list_options(wb, str(dv.formula1)) == ["بله - yes", "خیر - no"]


def test_date_cells_are_text_so_jalali_dates_stay_as_typed(wb: Workbook) -> None:
    ws = wb[layout.FORM_SHEET]
    row = _field_rows(ws)["report_date"]
    assert ws[f"{layout.FORM_VALUE_COL}{row}"].number_format == "@"


# --- the Services sheet ----------------------------------------------------------------------


def test_services_sheet_headings_inputs_and_drop_downs(wb: Workbook) -> None:
    ws = wb[layout.SERVICES_SHEET]
    first, last = layout.SERVICES_FIRST_ROW, layout.SERVICES_FIRST_ROW + layout.SERVICES_ROWS - 1
    for column, spec in zip(layout.SERVICES_COLUMNS, SERVICE_FIELDS, strict=True):
        assert str(ws[f"{column}1"].value).startswith(spec.fa)
        assert str(ws[f"{column}2"].value).startswith(spec.en)
        assert ws[f"{column}1"].protection.locked and ws[f"{column}2"].protection.locked
        for row in (first, first + 1, last):
            assert not ws[f"{column}{row}"].protection.locked, f"{column}{row}"
        dv = _validation_of(ws, f"{column}{first}")
        if spec.choices:
            assert dv is not None and dv.type == "list"
            assert f"{column}{last}" in dv.sqref
            assert _list_options(wb, str(dv.formula1)) == [c.label for c in spec.choices]
    level = _validation_of(ws, f"C{first}")
    assert level is not None
    assert _list_options(wb, str(level.formula1))[3] == "تراکنشی - transactional"


# --- instructions ----------------------------------------------------------------------------


def test_instructions_are_in_persian_and_english(wb: Workbook) -> None:
    ws = wb[layout.INSTRUCTIONS_SHEET]
    rows = [(a.value, b.value) for a, b in ws.iter_rows(min_row=2, max_col=2) if a.value or b.value]
    assert len(rows) >= 4
    for fa, en in rows:
        assert fa and _PERSIAN_LETTER.search(fa)
        assert en and _LATIN_WORD.search(en)
        assert not _PERSIAN_LETTER.search(en.replace("٪۴۵", "")), en  # the example of a Persian share aside
    english = " ".join(str(en) for _, en in rows)
    assert "Form" in english and "Services" in english and "Jalali" in english


# --- what the reader sees --------------------------------------------------------------------


def test_calamine_sees_the_same_layout(template: Path, wb: Workbook) -> None:
    book = CalamineWorkbook.from_path(str(template))
    visible = {sheet.name: sheet.visible for sheet in book.sheets_metadata}
    assert visible == {
        layout.INSTRUCTIONS_SHEET: SheetVisibleEnum.Visible,
        layout.FORM_SHEET: SheetVisibleEnum.Visible,
        layout.SERVICES_SHEET: SheetVisibleEnum.Visible,
        layout.LISTS_SHEET: SheetVisibleEnum.Hidden,
        layout.META_SHEET: SheetVisibleEnum.VeryHidden,
    }
    meta = book.get_sheet_by_name(layout.META_SHEET).to_python(skip_empty_area=False)
    assert meta[0][1] == TEMPLATE_VERSION

    form = book.get_sheet_by_name(layout.FORM_SHEET).to_python(skip_empty_area=False)
    code_col, value_col = ord(layout.FORM_CODE_COL) - ord("A"), ord(layout.FORM_VALUE_COL) - ord("A")
    seen = {row[code_col]: number for number, row in enumerate(form, start=1) if len(row) > code_col and row[code_col]}
    expected = _field_rows(wb[layout.FORM_SHEET])
    assert {code: seen.get(code) for code in expected} == expected
    assert form[expected["agency_code"] - 1][value_col] == AGENCY
    assert form[expected["period"] - 1][value_col] == PERIOD
    assert form[expected["files_total"] - 1][value_col] == ""  # empty, not 0

    services = book.get_sheet_by_name(layout.SERVICES_SHEET).to_python(skip_empty_area=False)
    assert [str(v).removesuffix(" *") for v in services[1][: len(SERVICE_FIELDS)]] == [s.en for s in SERVICE_FIELDS]


# --- the download ----------------------------------------------------------------------------


def _cells(wb: Workbook) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's state, merges, validations and cells (value, style, protection, format)."""
    seen: dict[str, list[tuple[object, ...]]] = {}
    for ws in wb.worksheets:
        rows: list[tuple[object, ...]] = [
            (ws.sheet_state, ws.sheet_view.rightToLeft, ws.protection.sheet, ws.freeze_panes),
            tuple(sorted(str(r) for r in ws.merged_cells.ranges)),
            tuple(sorted((dv.type, str(dv.sqref), dv.formula1, dv.error) for dv in ws.data_validations.dataValidation)),
        ]
        for row in ws.iter_rows():
            for cell in row:
                value = "(generated)" if (ws.title, cell.coordinate) == (layout.META_SHEET, "B3") else cell.value
                rows.append((cell.coordinate, value, cell.style_id, cell.protection.locked, cell.number_format))
        seen[ws.title] = rows
    return seen


@pytest.mark.parametrize("name", [AGENCY_NAME, " <Qom> & «Kahak» ", '=HYPERLINK("http://x","Qom")'])
def test_the_download_is_the_built_workbook(tmp_path: Path, name: str) -> None:
    """``template_bytes`` (laid out once, the agency's cells written per file) and ``build_template``
    (laid out per call) give the same workbook, whatever the name holds."""
    built = tmp_path / "built.xlsx"
    build_template(agency_code=AGENCY, agency_name=name, period=PERIOD).save(built)
    sent = load_workbook(io.BytesIO(template_bytes(agency_code=AGENCY, agency_name=name, period=PERIOD)))
    assert _cells(sent) == _cells(load_workbook(built))
    assert sent[layout.FORM_SHEET]["A2"].value == f"{name} ({AGENCY}) - {PERIOD}"
    assert sent[layout.FORM_SHEET]["A2"].data_type == load_workbook(built)[layout.FORM_SHEET]["A2"].data_type == "s"
    title = sent[layout.FORM_SHEET]["A1"].font
    assert (title.b, title.sz) == (True, 14)  # the title's own font, not the body's
    assert sent[layout.META_SHEET]["B3"].value[:4] == str(dt.datetime.now(dt.UTC).year)


def test_the_download_refuses_what_a_worksheet_cannot_hold() -> None:
    with pytest.raises(IllegalCharacterError):
        template_bytes(agency_code=AGENCY, agency_name="bad\x01name", period=PERIOD)
