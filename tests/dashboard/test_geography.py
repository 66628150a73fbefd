"""The Geography treemap: the tree's shape, its scores and colours, and the page's URL state."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from dash import no_update
from sqlalchemy import Engine

from dashboard import ids
from dashboard.app import create_app
from dashboard.figures_geo import (
    UNSCORED_COLOUR,
    geography_figure,
    geography_nodes,
    legend_stops,
    score_colour,
)
from dashboard.views.choices import ALL
from dashboard.views.geography import geography_search, layout, trim_agency_leaves
from tests.dashboard.test_figures import plotly
from tests.dashboard.whatif_store import FILES_STRONG, PROCESSES_STRONG, YEAR, build_two_agency_store


def _scores() -> pd.DataFrame:
    rows = [
        # code, name_en, county, district, score
        ("QM-GOV", "Qom Governorate", None, None, 80.0),
        ("QM-EDU", "Education, Qom", None, None, 60.0),
        ("QM-QOM-FMD", "Qom County Governorate", "QM-QOM", None, 70.0),
        ("QM-QOM-KAH-BKH", "Kahak District Office", "QM-QOM", "QM-QOM-KAH", 50.0),
        ("QM-QOM-JAF-BKH", "Jafarieh District Office", "QM-QOM", "QM-QOM-JAF", float("nan")),
    ]
    return pd.DataFrame(
        {
            "name_fa": [f"fa-{r[0]}" for r in rows],
            "name_en": [r[1] for r in rows],
            "province_code": "QM",
            "province_fa": "قم",
            "province_en": "Qom",
            "county_code": [r[2] for r in rows],
            "county_fa": ["قم" if r[2] else None for r in rows],
            "county_en": ["Qom" if r[2] else None for r in rows],
            "district_code": [r[3] for r in rows],
            "district_fa": [{"QM-QOM-KAH": "کهک", "QM-QOM-JAF": "جعفریه"}.get(r[3] or "") for r in rows],
            "district_en": [{"QM-QOM-KAH": "Kahak", "QM-QOM-JAF": "Jafarieh"}.get(r[3] or "") for r in rows],
            "index_score": [r[4] for r in rows],
            "scored": [not pd.isna(r[4]) for r in rows],
        },
        index=pd.Index([r[0] for r in rows], name="agency_code"),
    )


def test_tree_is_province_county_district_agency_with_directorates_under_the_province() -> None:
    nodes = geography_nodes(_scores(), "en").set_index("id")
    assert nodes.at["province:QM", "parent"] == ""
    assert nodes.at["directorates:QM", "parent"] == "province:QM"
    assert nodes.at["directorates:QM", "label"] == "Provincial directorates"
    assert nodes.at["agency:QM-GOV", "parent"] == "directorates:QM"
    assert nodes.at["agency:QM-QOM-FMD", "parent"] == "county:QM-QOM"  # a county governorate: no district
    assert nodes.at["district:QM-QOM-KAH", "parent"] == "county:QM-QOM"
    assert nodes.at["agency:QM-QOM-KAH-BKH", "parent"] == "district:QM-QOM-KAH"
    order = list(nodes.index)
    assert all(order.index(p) < order.index(i) for i, p in nodes["parent"].items() if p)  # parents first


def test_each_box_scores_the_mean_of_its_scored_agencies_and_counts_them_all() -> None:
    nodes = geography_nodes(_scores(), "en").set_index("id")
    assert nodes.at["province:QM", "score"] == pytest.approx(65.0)
    assert (nodes.at["province:QM", "agencies"], nodes.at["province:QM", "scored"]) == (5, 4)
    assert nodes.at["county:QM-QOM", "score"] == pytest.approx(60.0)
    assert nodes.at["directorates:QM", "score"] == pytest.approx(70.0)
    assert pd.isna(nodes.at["district:QM-QOM-JAF", "score"]) and nodes.at["district:QM-QOM-JAF", "agencies"] == 1


def test_root_above_every_province_when_asked() -> None:
    nodes = geography_nodes(_scores(), "fa", with_root=True).set_index("id")
    assert nodes.at["all", "parent"] == "" and nodes.at["province:QM", "parent"] == "all"
    assert nodes.at["all", "label"] == "همه استان‌ها" and nodes.at["directorates:QM", "label"] == "ادارات کل استانی"


def test_figure_is_a_treemap_with_the_score_in_each_label_and_grey_for_unscored() -> None:
    nodes = geography_nodes(_scores(), "fa")
    figure = plotly(geography_figure(nodes, "fa"))
    treemap = figure.data[0]
    assert treemap.type == "treemap" and treemap.branchvalues == "total"
    labels = dict(zip(treemap.ids, treemap.labels, strict=True))
    assert labels["agency:QM-GOV"] == "fa-QM-GOV" and labels["district:QM-QOM-KAH"] == "کهک"
    texts = dict(zip(treemap.ids, (c[0] for c in treemap.customdata), strict=True))
    assert texts["agency:QM-GOV"] == "شاخص: ۸۰٫۰" and texts["agency:QM-QOM-JAF-BKH"] == "بدون نمره"
    assert "%{customdata[0]}" in treemap.texttemplate
    colours = dict(zip(treemap.ids, treemap.marker.colors, strict=True))
    assert colours["agency:QM-QOM-JAF-BKH"] == UNSCORED_COLOUR
    assert colours["agency:QM-GOV"] != colours["agency:QM-QOM-KAH-BKH"]
    values = dict(zip(treemap.ids, treemap.values, strict=True))
    assert values["province:QM"] == 5 and values["county:QM-QOM"] == 3


def test_colour_scale_is_sequential_and_the_legend_follows_it() -> None:
    assert score_colour(0) != score_colour(50) != score_colour(100)
    assert score_colour(150) == score_colour(100) and score_colour(float("nan")) == UNSCORED_COLOUR
    stops = legend_stops("en")
    assert [s["label"] for s in stops] == ["0", "25", "50", "75", "100"]
    assert stops[0]["colour"] == score_colour(0)


def test_choices_write_the_url() -> None:
    assert geography_search("QM", "1394", "?lang=en") == "?lang=en&province=QM&year=1394"
    assert geography_search(ALL, "1394", "?province=QM&year=1394") == "?year=1394"
    assert geography_search("QM", "1394", "?province=QM&year=1394") is no_update


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_two_agency_store(tmp_path_factory.mktemp("geography"))
    yield engine
    engine.dispose()


def test_page_from_a_real_store_shows_the_reported_agencies_scored(store: Engine) -> None:
    app = create_app(engine=store)
    with app.server.test_request_context("/geography"):
        page = layout("en", province="QM", year="nonsense")
    graph = next(c for c in _walk(page) if type(c).__name__ == "Graph")
    treemap = plotly(graph.figure).data[0]
    texts = dict(zip(treemap.ids, (c[0] for c in treemap.customdata), strict=True))
    assert texts[f"agency:{FILES_STRONG}"].startswith("Index: ")
    assert texts[f"agency:{PROCESSES_STRONG}"].startswith("Index: ")
    assert sum(t.startswith("Index") for k, t in texts.items() if k.startswith("agency:")) == 2
    year = next(c for c in _walk(page) if getattr(c, "id", None) == ids.GEO_YEAR)
    assert year.value == str(YEAR)  # an unknown year in the URL falls back to the latest reported


def _walk(component: object) -> Iterator[object]:
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from _walk(child)
    elif children is not None and not isinstance(children, str):
        yield from _walk(children)


def test_a_country_too_big_for_a_box_per_agency_stops_at_districts_and_keeps_the_counts() -> None:
    nodes = geography_nodes(_scores(), "en", with_root=True)
    assert trim_agency_leaves(nodes, max_leaves=5).equals(nodes)
    trimmed = trim_agency_leaves(nodes, max_leaves=4).set_index("id")
    assert not (trimmed["kind"] == "agency").any()
    assert set(trimmed.index) == set(nodes.loc[nodes["kind"] != "agency", "id"])
    assert trimmed.at["all", "agencies"] == 5 and trimmed.at["district:QM-QOM-JAF", "agencies"] == 1
