"""The agency scorecard over a real temp store: what it shows, its URL state and its Excel download."""

from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from dash import no_update
from openpyxl import load_workbook

from dashboard import ids
from dashboard.app import create_app
from dashboard.figures import records
from dashboard.views import choices, scorecard
from dashboard.views.scorecard_data import INDICATOR_COLUMNS, fetch_scorecard_page, picker_rows
from dashboard.views.scorecard_excel import scorecard_workbook
from metrics import api
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store
from tests.dashboard.test_figures import assert_plain_components, text_of


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    engine = build_store(tmp_path_factory.mktemp("scorecard"))
    yield engine
    engine.dispose()


def test_bundle_holds_the_agency_its_province_and_every_submission(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        data = fetch_scorecard_page(AGENCY, 1394, engine=engine)
        assert fetch_scorecard_page("NOPE", 1394, engine=engine) is None
    assert data is not None and data.agency["rank_province"] == 1 and data.ranked_in_province == 2
    assert data.agency["province_code"] == "QM" and data.province_medians
    assert {r["status"] for r in data.submissions} == {"submitted", "superseded"} and len(data.submissions) == 3
    assert {r["year"] for r in data.trajectory} == set(range(1390, 1395)) and data.indicators


def test_body_shows_pillars_paths_flags_claims_and_history(engine: Any) -> None:
    data = fetch_scorecard_page(AGENCY, 1394, engine=engine)
    assert data is not None
    body = scorecard.scorecard_body(data, "en")
    assert_plain_components(body)  # orjson encodes the answer as is (see figures.Element)
    text = text_of(body)
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
        page = scorecard.layout(lang="fa", agency=AGENCY, year="1393")
        body = _callback(app, f"{ids.SCORECARD_BODY}.children")(True, f"?agency={AGENCY}&year=1393")
        no_body = scorecard.body("?agency=NOPE&lang=en")
    assert "Choose an agency" in empty and "Choose an agency" in unknown and "Choose an agency" in text_of(no_body)
    assert "کارنامه دستگاه" in text_of(page)
    shown = {getattr(c, "id", None) for c in _walk(page)}
    assert {ids.SCORECARD_LOAD, ids.SCORECARD_BODY} <= shown  # the body follows in its own answer
    assert "سال ۱۳۹۳" in text_of(body) and "بخشداری کهک" in text_of(body)
    assert_plain_components(body)


def _callback(app: Any, output: str) -> Any:
    wrapped = app.callback_map[output]["callback"]
    return getattr(wrapped, "__wrapped__", wrapped)


def test_the_page_shows_the_numbers_of_metrics_api(engine: Any) -> None:
    """The page and its Excel file read kept arrays; ``metrics.api``'s frames hold the same rows."""
    app = create_app(engine=engine)
    with app.server.app_context():
        page = fetch_scorecard_page(AGENCY, 1394, engine=engine)
        assert page is not None
        scores = api.scores(1394, engine=engine)
        peers = api.scores(1394, province="QM", engine=engine)
        indicators = api.indicator_scores(1394, agency=AGENCY, engine=engine)
        trajectory = api.trajectory(AGENCY, engine=engine)
        submissions = api.submissions(current_only=False, agency=AGENCY, engine=engine)
        stages, claims = api.maturity(1394, engine=engine), api.claimed_vs_observed(1394, engine=engine)
    assert _same([page.agency], [{**scores.loc[AGENCY].to_dict(), "agency_code": AGENCY}])
    assert _same(
        [{k: row[k] for k in INDICATOR_COLUMNS} for row in page.indicators],
        records(indicators.reset_index(drop=True), INDICATOR_COLUMNS),
    )
    assert _same(page.trajectory, records(trajectory, ["indicator", "value", "year"]))
    assert page.ranked_in_province == peers["rank_province"].notna().sum()
    scored = peers[peers["scored"].astype(bool)]
    pillars = [c for c in peers.columns if c.startswith("pillar_")]
    assert pillars and _same([page.province_medians], [{c: scored[c].median() for c in pillars}])
    assert [r["submission_id"] for r in page.submissions] == submissions["submission_id"].tolist()
    assert (page.stage is None) == (AGENCY not in stages.index) and (page.claims is None) == (
        AGENCY not in claims.index
    )
    if page.claims is not None:
        assert page.claims["observed_source"] == claims.loc[AGENCY, "observed_source"]


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
    app = create_app(engine=engine)
    with app.server.app_context():
        data = fetch_scorecard_page(AGENCY, 1394, engine=engine)
    assert data is not None
    hostile = {**data.agency, "name_en": '=HYPERLINK("http://x","y")'}
    names = ["@SUM(A1)", "+1", "-2"]
    submissions = [{**row, "file_name": name} for row, name in zip(data.submissions, names, strict=True)]
    bundle = dataclasses.replace(data, agency=hostile, submissions=submissions)
    workbook = load_workbook(io.BytesIO(scorecard_workbook(bundle, "en")))
    summary = workbook["Summary"]
    assert summary["B2"].value == '\'=HYPERLINK("http://x","y")' and summary["B2"].data_type == "s"
    files = [row[2] for row in workbook["Submissions"].iter_rows(min_row=2, values_only=True)]
    assert all(str(name).startswith("'") for name in files)
    assert not workbook["Summary"].sheet_view.rightToLeft


def _same(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> bool:
    """The same rows, keys and values (every kind of missing value counting as the same)."""

    def same(a: Any, b: Any) -> bool:
        return bool(pd.isna(a) and pd.isna(b)) if pd.isna(a) or pd.isna(b) else bool(a == b)

    return len(left) == len(right) and all(
        set(a) == set(b) and all(same(a[k], b[k]) for k in a) for a, b in zip(left, right, strict=True)
    )


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
    with app.server.app_context():  # the kept rows give what ``choices`` gives from the agency table
        opening = choices.matching_agencies(api.agencies(engine=engine), "", selected=[AGENCY])
        assert picker.data == choices.flat_agency_options(opening, "en", by_name=True)
        for picked in ([], [AGENCY], [OTHER, AGENCY, "NOPE"]):
            rows = picker_rows(picked, engine=engine, limit=3)
            expected = choices.matching_agencies(api.agencies(engine=engine), "", selected=picked, limit=3)
            assert [r["agency_code"] for r in rows] == expected.index.tolist()
            assert [r["name_en"] for r in rows] == expected["name_en"].tolist()


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


def test_the_body_callback_is_held_to_the_urls_agency(engine: Any) -> None:
    """The body reads the agency from the URL, which the request guard checks: an IT director who asks
    for another agency's body is refused before it runs."""
    from dashboard.access import check_callback
    from store.accounts import Principal

    app = create_app(engine=engine)
    director = Principal(user_id=9, name="kahak", display_name="Kahak", role="it_director", agency_code=AGENCY)
    spec = app.callback_map[f"{ids.SCORECARD_BODY}.children"]
    assert [i["id"] for i in spec["inputs"]] == [ids.SCORECARD_LOAD] and spec["state"][0]["id"] == ids.URL

    def body(agency: str) -> dict[str, Any]:
        return {
            "output": f"{ids.SCORECARD_BODY}.children",
            "inputs": [{"id": ids.SCORECARD_LOAD, "property": "data", "value": True}],
            "state": [{"id": ids.URL, "property": "search", "value": f"?agency={agency}&year=1394"}],
        }

    with app.server.test_request_context("/"):
        assert check_callback(director, body(AGENCY), engine, app.callback_map) is None
        assert check_callback(director, body(OTHER), engine, app.callback_map) is not None
