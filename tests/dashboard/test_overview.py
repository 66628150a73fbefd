"""The overview page over a real temp store: the data it fetches, what it shows, and its URL state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from dash import no_update

from dashboard.app import create_app
from dashboard.views.overview import (
    LIST_LIMIT,
    agency_list_head,
    fetch_overview,
    layout,
    overview_body,
    province_stage_text,
)
from dashboard.views.scope import search_with
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store
from tests.dashboard.test_figures import text_of


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    engine = build_store(tmp_path_factory.mktemp("overview"))
    yield engine
    engine.dispose()


def test_overview_of_qom_counts_scored_agencies_and_reports(engine: Any) -> None:
    data = fetch_overview(1394, "QM", engine=engine)
    assert set(data.scores.index[data.scores["scored"]]) == {AGENCY, OTHER}
    assert set(data.honours.index) == {AGENCY, OTHER}
    text = text_of(overview_body(data, "en"))
    assert "2 of " in text and "agencies are scored this year" in text
    assert f"/scorecard?lang=en&agency={AGENCY}&year=1394" in text
    assert "1394: 2 of" in text and "agencies reported" in text
    assert "Qom province:" in province_stage_text(data, "en")


def test_overview_layout_reads_year_and_province_from_the_url(engine: Any) -> None:
    app = create_app(engine=engine)
    with app.server.app_context():
        persian = text_of(layout(lang="fa", year="1393", province="QM"))
        fallback = text_of(layout(lang="en", year="999", province="nowhere"))
    assert "نمای کلی" in persian and "سال ۱۳۹۳" in persian
    assert "Overview" in fallback and "1394: " in fallback  # default year: the latest with a report


def test_choosing_year_and_province_writes_the_url() -> None:
    assert search_with("?lang=en", year="1393", province="QM") == "?lang=en&year=1393&province=QM"
    assert search_with("?year=1393&province=QM", year="1393", province="all") == "?year=1393"
    assert search_with("?year=1393", year="1393", province="all") is no_update


def test_long_agency_lists_show_the_first_ones_and_link_the_rest_to_the_rankings(engine: Any) -> None:
    data = fetch_overview(1394, "QM", engine=engine)
    many = pd.concat([data.honours] * (LIST_LIMIT + 3))
    shown = agency_list_head(data, many, "en", list_id="l", empty_key="overview.none")
    assert len(shown[0].children) == LIST_LIMIT
    assert shown[1].href == "/rankings?lang=en&year=1394&province=QM"
    assert shown[1].children == f"{len(many)} agencies"
    assert len(agency_list_head(data, data.honours, "en", list_id="l", empty_key="overview.none")) == 1
