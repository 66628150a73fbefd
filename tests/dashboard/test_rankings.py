"""The rankings grid's server side: filters, sorting, paging, the whisker and the row click."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from dash import no_update

from dashboard.app import create_app
from dashboard.views import rankings
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store
from tests.dashboard.test_figures import text_of


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    engine = build_store(tmp_path_factory.mktemp("rankings"))
    yield engine
    engine.dispose()


def _rows(engine: Any, search: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
    state = rankings.page_state(search, engine=engine)
    frame = rankings.frame_for(state, engine=engine)
    request = request or {"startRow": 0, "endRow": 50, "sortModel": [], "filterModel": {}}
    return rankings.rows_response(frame, request, lang=state["lang"], year=state["year"], pillar=state["pillar"])


def test_best_rank_first_with_change_interval_and_link(engine: Any) -> None:
    response = _rows(engine, "?lang=en&province=QM&year=1394")
    first = response["rowData"][0]
    assert response["rowCount"] > 2 and first["agency_code"] == AGENCY and first["rank"] == "1"
    assert response["rowData"][1]["agency_code"] == OTHER
    assert first["href"] == f"/scorecard?lang=en&agency={AGENCY}&year=1394"
    assert first["interval"] != "–" and "linear-gradient(to right" in first["whisker_style"]["backgroundImage"]
    assert {r["rank"] for r in response["rowData"][2:]} == {"–"}  # unranked agencies come last


def test_persian_rows_use_persian_digits_and_mirror_the_whisker(engine: Any) -> None:
    first = _rows(engine, "?province=QM&year=1394")["rowData"][0]
    assert first["rank"] == "۱" and "٫" in first["index_score"]
    assert "to left" in first["whisker_style"]["backgroundImage"]


def test_page_filters_narrow_the_rows(engine: Any) -> None:
    everyone = _rows(engine, "?lang=en&year=1394")["rowCount"]
    qom = _rows(engine, "?lang=en&year=1394&province=QM")["rowCount"]
    governance = _rows(engine, "?lang=en&year=1394&province=QM&sector=governance")
    scored_only = _rows(engine, "?lang=en&year=1394&province=QM&status=off_track")
    assert everyone > qom > governance["rowCount"] > 0
    assert {r["sector"] for r in governance["rowData"]} == {"Governance"}
    assert {r["agency_code"] for r in scored_only["rowData"]} == {AGENCY, OTHER}


def test_request_sort_filter_and_slice_happen_on_the_server(engine: Any) -> None:
    worst_first = _rows(
        engine,
        "?lang=en&year=1394&province=QM",
        {"startRow": 0, "endRow": 1, "sortModel": [{"colId": "index_score", "sort": "asc"}], "filterModel": {}},
    )
    assert len(worst_first["rowData"]) == 1 and worst_first["rowData"][0]["agency_code"] == OTHER
    by_name = _rows(
        engine,
        "?lang=en&year=1394&province=QM",
        {
            "startRow": 0,
            "endRow": 50,
            "sortModel": [],
            "filterModel": {"agency": {"filterType": "text", "type": "contains", "filter": "kahak"}},
        },
    )
    assert [r["agency_code"] for r in by_name["rowData"]] == [AGENCY] and by_name["rowCount"] == 1
    persian_name = _rows(
        engine,
        "?year=1394&province=QM",
        {
            "startRow": 0,
            "endRow": 50,
            "filterModel": {"agency": {"filterType": "text", "type": "contains", "filter": "كهك"}},
        },
    )
    assert persian_name["rowCount"] == 1  # Arabic kaf typed, Persian kaf stored
    above = _rows(
        engine,
        "?lang=en&year=1394&province=QM",
        {
            "startRow": 0,
            "endRow": 50,
            "filterModel": {"index_score": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 55}},
        },
    )
    assert [r["agency_code"] for r in above["rowData"]] == [AGENCY]


def test_a_pillar_adds_its_column_and_sorts_by_it(engine: Any) -> None:
    rows = _rows(engine, "?lang=en&year=1394&province=QM&pillar=files")["rowData"]
    assert rows[0]["pillar"] not in (None, "–") and rows[0]["agency_code"] == AGENCY
    columns = rankings.columns("en", pillar_name="Electronic files", with_province=False, with_intervals=True)
    assert [c["field"] for c in columns][:3] == ["rank", "rank_change", "agency"]
    assert next(c for c in columns if c["field"] == "pillar")["headerName"] == "Electronic files"
    assert next(c for c in columns if c["field"] == "off_track")["headerName"] == "✗ off track"


def test_unknown_url_values_fall_back(engine: Any) -> None:
    state = rankings.page_state("?year=12&province=XX&county=nowhere&pillar=nope&status=bad", engine=engine)
    assert state["province"] is None and state["county"] is None and state["pillar"] is None
    assert state["status"] is None and state["year"] == 1394


def test_sorting_keeps_missing_values_last() -> None:
    frame = pd.DataFrame({"rank_province": pd.array([None, 2, 1], dtype="Int64"), "province": ["a", "a", "a"]})
    assert list(rankings.sort_rows(frame, [], pillar=None)["rank_province"].astype("object")) == [1, 2, pd.NA]


def test_a_row_click_opens_the_agency_scorecard() -> None:
    cell = {"rowId": AGENCY, "colId": "county", "value": "Qom"}
    assert (
        rankings.scorecard_href(cell, "?lang=en&year=1393&province=QM")
        == f"/scorecard?lang=en&agency={AGENCY}&year=1393"
    )
    assert rankings.scorecard_href(None, "?lang=en") is no_update


def test_layout_shows_filters_and_the_count(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        page = rankings.layout(lang="en", province="QM", sector="governance", year="1394")
    text = text_of(page)
    assert "Rankings" in text and "agencies" in text
    grid = next(c for c in page.children if getattr(c, "id", None) == "rankings-grid")
    assert grid.rowModelType == "infinite" and not getattr(grid, "rowData", None)


def test_data_waiting_for_review_counts_only_when_asked_and_is_marked(tmp_path: Any) -> None:
    from ingest.submissions import ingest_report_file
    from tests.workbooks import write_filled_report

    store = build_store(tmp_path)
    waiting = "QM-EDU"
    report = write_filled_report(tmp_path / "waiting.xlsx", agency=waiting, period="1394")
    assert ingest_report_file(store, report, actor="it", max_bytes=10**7).status == "stored"  # pending

    approved = {r["agency_code"]: r for r in _rows(store, "?lang=en&province=QM&year=1394")["rowData"]}
    assert approved[waiting]["rank"] == "–" and "◔" not in approved[waiting]["agency"]
    with_pending = {r["agency_code"]: r for r in _rows(store, "?lang=en&province=QM&year=1394&pending=1")["rowData"]}
    assert with_pending[waiting]["rank"] != "–" and with_pending[waiting]["agency"].endswith("◔")
    assert not with_pending[AGENCY]["agency"].endswith("◔")  # approved data stays unmarked
    with create_app(engine=store).server.test_request_context("/rankings"):
        page = str(rankings.layout("en", province="QM", year="1394", pending="1"))
    assert "Includes unapproved data" in page
    store.dispose()
