"""The upload page's functions: real workbooks through the real ingest, on a temporary store."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash
from openpyxl import load_workbook
from sqlalchemy import Engine

from dashboard.app import create_app
from dashboard.views.choices import PICKER_LIMIT
from dashboard.views.upload import check_upload, layout, picker_options, problem_rows, template_download
from ingest.submissions import ingest_report_bytes
from metrics.data import submissions_frame
from store.accounts import Principal
from tests.workbooks import AGENCY, AGENCY_NAME, TYPED_FORM, form_cell, write_filled_report

DIRECTOR = Principal(user_id=1, name="kahak-it", display_name="Kahak IT", role="it_director", agency_code=AGENCY)
OTHER_DIRECTOR = Principal(user_id=2, name="gov-it", display_name="Gov IT", role="it_director", agency_code="QM-GOV")


@pytest.fixture
def app(engine: Engine) -> Iterator[Dash]:
    dash_app = create_app(engine=engine)
    with dash_app.server.test_request_context("/upload"):
        yield dash_app


def _contents(path: Path) -> str:
    return (
        "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
        + base64.b64encode(path.read_bytes()).decode()
    )


def _text(component: object) -> str:
    children = getattr(component, "children", component)
    if isinstance(children, str):
        return children
    if isinstance(children, list | tuple):
        return " ".join(_text(c) for c in children)
    return "" if children is None else _text(children)


def test_problem_rows_locate_each_problem_in_the_pages_language(engine: Engine, tmp_path: Path) -> None:
    workbook = write_filled_report(tmp_path / "broken.xlsx", form={**TYPED_FORM, "files_total": "بیست"})
    outcome = ingest_report_bytes(
        engine, workbook.read_bytes(), file_name="broken.xlsx", actor="t", max_bytes=10**7, dry_run=True
    )
    english = problem_rows(outcome.problems, "en")
    persian = problem_rows(outcome.problems, "fa")
    assert [r["cell"] for r in english] == [form_cell("files_total")]
    assert english[0] == {
        "cell": form_cell("files_total"),
        "field": "Case files, total",
        "seen": "بیست",
        "problem": "a whole number is needed",
        "expected": "a whole number, 0 or more",
    }
    assert persian[0]["problem"] == "عدد صحیح لازم است"


def test_dry_run_then_store(app: Dash, engine: Engine, tmp_path: Path) -> None:
    contents = _contents(write_filled_report(tmp_path / "kahak.xlsx", period="1393"))
    view, can_confirm = check_upload(contents, "kahak.xlsx", "en", dry_run=True, uploader=DIRECTOR)
    assert can_confirm and "no problems" in _text(view)
    assert submissions_frame(engine).empty

    view, can_confirm = check_upload(contents, "kahak.xlsx", "en", dry_run=False, uploader=DIRECTOR)
    assert not can_confirm and "stored as no. 1" in _text(view)
    assert submissions_frame(engine)["agency_code"].tolist() == [AGENCY]

    view, _ = check_upload(contents, "kahak.xlsx", "fa", dry_run=True, uploader=DIRECTOR)
    assert "پیش‌تر" in _text(view)  # duplicate, said in Persian


def test_broken_or_unreadable_uploads_store_nothing(app: Dash, engine: Engine, tmp_path: Path) -> None:
    broken = _contents(write_filled_report(tmp_path / "b.xlsx", form={**TYPED_FORM, "files_total": "بیست"}))
    view, can_confirm = check_upload(broken, "b.xlsx", "fa", dry_run=False, uploader=DIRECTOR)
    assert not can_confirm and form_cell("files_total") in _text(view)
    view, can_confirm = check_upload("not a data url", "x.xlsx", "en", dry_run=True, uploader=DIRECTOR)
    assert not can_confirm and "could not be read" in _text(view)
    assert submissions_frame(engine).empty


def test_a_workbook_for_another_agency_is_refused_at_its_agency_cell(app: Dash, engine: Engine, tmp_path: Path) -> None:
    contents = _contents(write_filled_report(tmp_path / "kahak.xlsx", period="1393"))
    for dry_run in (True, False):
        view, can_confirm = check_upload(contents, "kahak.xlsx", "en", dry_run=dry_run, uploader=OTHER_DIRECTOR)
        assert not can_confirm
        assert form_cell("agency_code") in _text(view) and "only for your own" in _text(view)
    assert submissions_frame(engine).empty


def test_the_upload_is_recorded_under_the_signed_in_user(app: Dash, engine: Engine, tmp_path: Path) -> None:
    contents = _contents(write_filled_report(tmp_path / "kahak.xlsx", period="1393"))
    check_upload(contents, "kahak.xlsx", "en", dry_run=False, uploader=DIRECTOR)
    stored = submissions_frame(engine)
    assert stored["submitted_by"].tolist() == ["kahak-it"]


def test_template_download_is_the_agencys_workbook(app: Dash) -> None:
    sent = template_download(AGENCY, "1394")
    assert sent["filename"] == f"egov-report-{AGENCY}-1394.xlsx"
    workbook = load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    assert "Form" in workbook.sheetnames
    values = {cell.value for row in workbook["Form"].iter_rows() for cell in row}
    assert AGENCY in values and "1394" in values
    assert template_download(None, "1394") is template_download(AGENCY, None)


def test_layout_preselects_from_the_url(app: Dash) -> None:
    page = layout("en", agency=AGENCY, year="1393")
    assert f"{AGENCY}" in str(page) and "'1393'" in str(page)
    assert "Upload a report" in _text(page.children[0])


def test_layout_ships_a_bounded_picker_with_the_preselected_agency(app: Dash) -> None:
    picker = layout("en", agency=AGENCY).children[3].children[0]
    assert picker.value == AGENCY and AGENCY in {o["value"] for o in picker.data}
    assert len(picker.data) <= PICKER_LIMIT + 1


def test_the_picker_finds_a_persian_name_typed_with_arabic_letters(app: Dash) -> None:
    arabic = AGENCY_NAME.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643")  # ی → ي, ک → ك
    assert arabic != AGENCY_NAME
    options = picker_options(arabic, None, "fa")
    assert [o["value"] for o in options] == [AGENCY]
    assert options[0]["label"] == f"{AGENCY_NAME} ({AGENCY})"
    assert picker_options("no such agency", AGENCY, "en")[0]["value"] == AGENCY, "the pick stays an option"


def test_layout_without_a_pick_ships_the_first_agencies_in_the_language(app: Dash) -> None:
    english, persian = (layout(lang).children[3].children[0] for lang in ("en", "fa"))
    assert english.value is None and 0 < len(english.data) <= PICKER_LIMIT
    assert [o["value"] for o in english.data] == [o["value"] for o in persian.data]
    assert english.data != persian.data  # labels in the page's language
    again = layout("en").children[3].children[0]
    assert again.data == english.data
