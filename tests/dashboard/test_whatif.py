"""The what-if panel: weights from the sliders rescore the province and the ranking moves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from dashboard import ids
from dashboard.app import create_app
from dashboard.views.whatif import (
    WEIGHT_MAX,
    changed_weights,
    default_weights,
    move_text,
    panel_choices,
    whatif_result,
    whatif_rows,
    whatif_section,
)
from metrics import api
from tests.dashboard.whatif_store import FILES_STRONG, PROCESSES_STRONG, YEAR, build_two_agency_store

CATALOGUE = api.catalogue()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_two_agency_store(tmp_path_factory.mktemp("whatif"))
    yield engine
    engine.dispose()


@pytest.fixture
def app_context(store: Engine) -> Iterator[None]:
    app = create_app(engine=store)
    with app.server.test_request_context("/methodology"):
        yield


def _ranks(store: Engine, **weights: float) -> pd.Series:
    spec = api.default_spec().replace(weights=weights) if weights else None
    return api.scores(YEAR, province="QM", spec=spec, engine=store)["rank_province"]


def test_sliders_start_at_the_catalogue_weights_and_only_changes_reach_the_spec() -> None:
    weights = default_weights(CATALOGUE)
    assert weights == {g.code: g.weight for g in CATALOGUE.groups if g.parent == CATALOGUE.root.code}
    codes = list(weights)
    assert changed_weights(codes, list(weights.values()), CATALOGUE) == {}
    raised = [WEIGHT_MAX if code == "files" else weights[code] for code in codes]
    assert changed_weights(codes, raised, CATALOGUE) == {"files": WEIGHT_MAX}


def test_raising_a_pillar_weight_moves_the_agency_strong_on_it_up(store: Engine) -> None:
    files_heavy = _ranks(store, files=WEIGHT_MAX)
    processes_heavy = _ranks(store, processes=WEIGHT_MAX)
    assert (files_heavy[FILES_STRONG], files_heavy[PROCESSES_STRONG]) == (1, 2)
    assert (processes_heavy[FILES_STRONG], processes_heavy[PROCESSES_STRONG]) == (2, 1)


def test_rows_show_new_rank_default_rank_and_the_move(store: Engine) -> None:
    default = api.scores(YEAR, province="QM", engine=store)
    leader = FILES_STRONG if default.at[FILES_STRONG, "rank_province"] == 1 else PROCESSES_STRONG
    other = PROCESSES_STRONG if leader == FILES_STRONG else FILES_STRONG
    heavy = "processes" if leader == FILES_STRONG else "files"
    changed = api.scores(
        YEAR, province="QM", spec=api.default_spec().replace(weights={heavy: WEIGHT_MAX}), engine=store
    )
    rows = whatif_rows(default, changed, "en")
    assert [row["agency_code"] for row in rows] == [other, leader]  # unscored agencies are left out
    assert (rows[0]["rank"], rows[0]["default_rank"], rows[0]["move"]) == (1, 2, 1)
    assert (rows[1]["rank"], rows[1]["default_rank"], rows[1]["move"]) == (2, 1, -1)
    assert move_text(rows[0]["move"], "fa") == "▲ ۱" and move_text(rows[1]["move"], "en") == "▼ 1"


def test_top_limits_the_rows() -> None:
    frame = pd.DataFrame(
        {
            "name_fa": ["الف", "ب", "پ"],
            "name_en": ["A", "B", "C"],
            "index_score": [90.0, 80.0, 70.0],
            "rank_province": pd.array([1, 2, 3], dtype="Int64"),
        },
        index=["a", "b", "c"],
    )
    assert [row["agency_code"] for row in whatif_rows(frame, frame, "en", top=2)] == ["a", "b"]


def _text(component: Any) -> str:
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return " ".join(_text(c) for c in children)
    return "" if children is None else _text(children)


@pytest.mark.usefixtures("app_context")
def test_the_callback_answers_in_the_language_and_guards_all_zero_weights() -> None:
    codes = list(default_weights(CATALOGUE))
    values: list[float | None] = [WEIGHT_MAX if code == "processes" else 1.0 for code in codes]
    table = _text(whatif_result("QM", str(YEAR), codes, values, "fa"))
    assert "استانداری قم" in table and "بخشداری کهک" in table and "▲ ۱" in table
    assert "Kahak District Office" in _text(whatif_result("QM", str(YEAR), codes, values, "en"))
    assert "more than zero" in _text(whatif_result("QM", str(YEAR), codes, [0.0] * len(codes), "en"))
    assert "No agency" in _text(whatif_result("QM", "1390", codes, values, "en"))


def test_section_has_a_labelled_slider_per_pillar_and_reads_no_store() -> None:
    section = whatif_section("en")  # no app, no store: the catalogue only
    text = _text(section)
    for _, _, name_en in [(g.code, g.name_fa, g.name_en) for g in CATALOGUE.groups if g.parent == CATALOGUE.root.code]:
        assert name_en in text
    sliders = [c for c in _walk(section) if type(c).__name__ == "Slider"]
    assert len(sliders) == len(default_weights(CATALOGUE))
    assert all(s.updatemode == "mouseup" and s.thumbLabel for s in sliders)
    assert {s.id["pillar"]: s.value for s in sliders} == default_weights(CATALOGUE)
    selects = {c.id: c for c in _walk(section) if type(c).__name__ == "Select"}
    assert selects[ids.WHATIF_PROVINCE].data == [] and selects[ids.WHATIF_YEAR].value is None
    assert [o["value"] for o in selects[ids.WHATIF_YEAR].data] == [str(y) for y in range(1390, 1395)]


@pytest.mark.usefixtures("app_context")
def test_the_panel_opens_on_the_reported_province_and_year_with_plain_values() -> None:
    options, province, year = panel_choices("en")
    assert (province, year) == ("QM", str(YEAR))
    assert province in [o["value"] for o in options]
    assert "Qom" in [o["label"] for o in options]
    json.dumps([options, province, year])  # plain data: Dash's encoder takes its fast path
    assert panel_choices("fa")[0] != options  # labels in the language


def test_the_callback_answers_the_choices_into_the_static_panel(store: Engine) -> None:
    app = create_app(engine=store)
    outputs = f"..{ids.WHATIF_PROVINCE}.data...{ids.WHATIF_PROVINCE}.value...{ids.WHATIF_YEAR}.value.."
    show_panel = app.callback_map[outputs]["callback"]
    show_panel = getattr(show_panel, "__wrapped__", show_panel)
    with app.server.test_request_context("/methodology"):
        _options, province, year = show_panel(ids.WHATIF_HOLDER, "en")
    assert (province, year) == ("QM", str(YEAR))


def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from _walk(child)
    elif children is not None and not isinstance(children, str):
        yield from _walk(children)


def test_methodology_page_holds_the_panel_without_reading_the_store() -> None:
    from dashboard.views.methodology import layout

    page = list(_walk(layout("en")))
    holders = [c for c in page if getattr(c, "id", None) == ids.WHATIF_HOLDER]
    assert len(holders) == 1
    # every id the panel's callbacks use is in the page itself (so in Dash's validation layout too)
    present = {str(c.id) for c in page if getattr(c, "id", None) is not None}
    for wanted in (ids.WHATIF_PROVINCE, ids.WHATIF_YEAR, ids.WHATIF_TABLE, ids.WHATIF_LANG, ids.WHATIF_RESET):
        assert wanted in present
    assert sum(1 for c in page if type(c).__name__ == "Slider") == len(default_weights(CATALOGUE))
