"""The agency scorecard over a real temp store: what it shows, its URL state and its Excel download."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from dash import no_update
from openpyxl import load_workbook

from dashboard import ids
from dashboard.app import create_app
from dashboard.views import choices, scorecard
from dashboard.views.scorecard_data import fetch_scorecard
from dashboard.views.scorecard_excel import scorecard_workbook
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store
from tests.dashboard.test_figures import text_of


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    engine = build_store(tmp_path_factory.mktemp("scorecard"))
    yield engine
    engine.dispose()


def test_bundle_holds_the_agency_its_province_and_every_submission(engine: Any) -> None:
    data = fetch_scorecard(AGENCY, 1394, engine=engine)
    assert data is not None and data.agency["rank_province"] == 1
    assert {AGENCY, OTHER} <= set(data.peers.index) and set(data.peers["province_code"]) == {"QM"}
    assert set(data.submissions["status"]) == {"submitted", "superseded"} and len(data.submissions) == 3
    assert set(data.trajectory["year"]) == set(range(1390, 1395)) and not data.indicators.empty
    assert fetch_scorecard("NOPE", 1394, engine=engine) is None


def test_body_shows_pillars_paths_flags_claims_and_history(engine: Any) -> None:
    data = fetch_scorecard(AGENCY, 1394, engine=engine)
    assert data is not None
    text = text_of(scorecard.scorecard_body(data, "en"))
    assert "Kahak District Office" in text and "1 of 2" in text
    assert "Pillar scores against the province's median" in text and "Each indicator on its path to 1394" in text
    assert "No service logs are loaded for this agency" in text
    assert "kahak-1394-v2.xlsx" in text and "superseded" in text
    assert "Data quality" in text
    persian = text_of(scorecard.scorecard_body(data, "fa"))
    assert "بخشداری کهک" in persian and "۱ از ۲" in persian


def test_layout_without_an_agency_asks_for_one(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        empty = text_of(scorecard.layout(lang="en"))
        unknown = text_of(scorecard.layout(lang="en", agency="NOPE", year="1394"))
        full = text_of(scorecard.layout(lang="fa", agency=AGENCY, year="1393"))
    assert "Choose an agency" in empty and "Choose an agency" in unknown
    assert "کارنامه دستگاه" in full and "سال ۱۳۹۳" in full


def test_excel_download_is_right_to_left_with_the_indicators(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        sent = scorecard.download(f"?agency={AGENCY}&year=1394")
        assert scorecard.download("?agency=NOPE") is no_update
    assert sent["filename"] == f"scorecard_{AGENCY}_1394.xlsx"
    workbook = load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    assert workbook.sheetnames == ["خلاصه", "محورها", "شاخص‌ها", "سابقه گزارش‌ها"]
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    indicators = workbook["شاخص‌ها"]
    codes = [row[0] for row in indicators.iter_rows(min_row=2, values_only=True)]
    assert "electronic_files_pct" in codes and "representatives_trained_pct" in codes
    values = {row[0]: row[3] for row in indicators.iter_rows(min_row=2, values_only=True)}
    assert isinstance(values["electronic_files_pct"], float)  # numbers stay numbers
    history = [row[2] for row in workbook["سابقه گزارش‌ها"].iter_rows(min_row=2, values_only=True)]
    assert history == ["kahak-1394-v2.xlsx", "kahak-1394.xlsx", "kahak-1393.xlsx"]


def test_excel_text_that_looks_like_a_formula_stays_text(engine: Any) -> None:
    data = fetch_scorecard(AGENCY, 1394, engine=engine)
    assert data is not None
    hostile = data.agency.copy()
    hostile["name_en"] = '=HYPERLINK("http://x","y")'
    submissions = data.submissions.assign(file_name=["@SUM(A1)", "+1", "-2"])
    bundle = type(data)(**{**data.__dict__, "agency": hostile, "submissions": submissions})
    workbook = load_workbook(io.BytesIO(scorecard_workbook(bundle, "en")))
    summary = workbook["Summary"]
    assert summary["B2"].value == '\'=HYPERLINK("http://x","y")' and summary["B2"].data_type == "s"
    files = [row[2] for row in workbook["Submissions"].iter_rows(min_row=2, values_only=True)]
    assert all(str(name).startswith("'") for name in files)
    assert not workbook["Summary"].sheet_view.rightToLeft


def test_agency_options_are_sorted_and_carry_the_code() -> None:
    agencies = pd.DataFrame(
        {"name_fa": ["ب", "الف"], "name_en": ["Beta", "Alpha"]}, index=pd.Index(["B", "A"], name="agency_code")
    )
    assert scorecard.agency_options(agencies, "en") == [
        {"value": "A", "label": "Alpha (A)"},
        {"value": "B", "label": "Beta (B)"},
    ]


def test_agency_picker_ships_the_picked_agency_and_the_matches_not_every_agency(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        opened = scorecard.picker_options("", AGENCY, "en")
        typed = scorecard.picker_options("qom governorate", AGENCY, "en")
        shown_as_picked = scorecard.picker_options(f"Qom Governorate ({OTHER})", None, "en")
    assert AGENCY in [o["value"] for o in opened]
    assert len(opened) == 1 + choices.PICKER_LIMIT
    assert {o["value"] for o in typed} == {AGENCY, OTHER}
    assert [o["value"] for o in shown_as_picked] == [OTHER]


def test_scorecard_layout_does_not_ship_every_agency(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        page = scorecard.layout("en", agency=AGENCY, year="1394")
    picker = next(c for c in _walk(page) if getattr(c, "id", None) == ids.SCORECARD_AGENCY)
    assert picker.value == AGENCY
    assert AGENCY in [o["value"] for o in picker.data]
    assert len(picker.data) <= 1 + choices.PICKER_LIMIT


def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_a_report_waiting_for_review_or_returned_is_said_above_the_scores(tmp_path: Any) -> None:
    from ingest.submissions import ingest_report_file
    from store.workflow import review_submission
    from tests.workbooks import TYPED_FORM, write_filled_report

    store = build_store(tmp_path)
    app = create_app(engine=store)

    def note(lang: str = "en") -> str:
        with app.server.app_context():
            page = scorecard.layout(lang=lang, agency=AGENCY, year="1394")
        found = [c for c in page.children if getattr(c, "id", None) == ids.SCORECARD_REVIEW_NOTE]
        return text_of(found[0]) if found else ""

    assert note() == ""  # everything approved
    corrected = write_filled_report(tmp_path / "v3.xlsx", period="1394", form={**TYPED_FORM, "files_electronic": 710})
    outcome = ingest_report_file(store, corrected, actor="kahak-it", max_bytes=10**7)
    assert outcome.status == "stored" and outcome.submission_id is not None
    assert "waiting for the governor's office's review" in note() and "انتظار بررسی" in note("fa")
    review_submission(store, outcome.submission_id, "return", actor="office", reviewer=None, comment="check 710")
    assert "returned for correction: check 710" in note()
    store.dispose()
