"""The Compare page's builders and URL callback, with small frames shaped like ``metrics.api``'s."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from dash import no_update

from dashboard import ids
from dashboard.app import create_app
from dashboard.figures_compare import (
    agency_rows,
    indicator_rows,
    picked,
    pillar_figure,
    pillars_of,
    status_text,
    summary_rows,
    value_text,
)
from dashboard.i18n import t
from dashboard.views import compare
from dashboard.views.choices import PICKER_LIMIT, agency_options, matching_agencies
from dashboard.views.compare import compare_search, parse_agencies
from metrics import api
from tests.dashboard.test_figures import assert_plain_components, plotly, text_of
from tests.dashboard.whatif_store import FILES_STRONG, PROCESSES_STRONG, YEAR, build_two_agency_store

CATALOGUE = api.catalogue()
PILLARS = pillars_of(CATALOGUE)


def _scores() -> pd.DataFrame:
    codes = ["QM-GOV", "QM-EDU", "QM-QOM-KAH-BKH"]
    frame = pd.DataFrame(
        {
            "name_fa": ["استانداری قم", "آموزش و پرورش قم", "بخشداری کهک"],
            "name_en": ["Qom Governorate", "Education, Qom", "Kahak District Office"],
            "index_score": [80.0, 60.5, float("nan")],
            "rank_province": pd.array([1, 2, None], dtype="Int64"),
            "rank_county": pd.array([None, None, None], dtype="Int64"),
            "rank_sector": pd.array([1, 1, None], dtype="Int64"),
            "ahead_count": [2, 0, 0],
            "on_track_count": [5, 3, 0],
            "behind_count": [1, 2, 0],
            "off_track_count": [0, 4, 0],
        },
        index=pd.Index(codes, name="agency_code"),
    )
    for position, (code, _, _) in enumerate(PILLARS):
        frame[f"pillar_{code}"] = [90.0 - position, 40.0 + position, float("nan")]
    return frame


def test_picked_keeps_the_order_chosen_and_skips_unknown_codes() -> None:
    table = picked(_scores(), ["QM-EDU", "XX", "QM-GOV"])
    assert list(table.index) == ["QM-EDU", "QM-GOV"]


def test_pillar_figure_has_one_bar_series_per_agency_with_values_as_text() -> None:
    table = picked(_scores(), ["QM-GOV", "QM-EDU"])
    figure = plotly(pillar_figure(table, PILLARS, "en"))
    assert [trace.name for trace in figure.data] == ["Qom Governorate", "Education, Qom"]
    first = figure.data[0]
    assert list(first.y) == [en for _, _, en in PILLARS]
    assert first.x[0] == 90.0 and first.text[0] == "90.0"
    assert figure.layout.barmode == "group" and figure.layout.xaxis.range == (0, 110)
    assert figure.data[0].marker.color != figure.data[1].marker.color


def test_pillar_figure_is_mirrored_and_persian_in_persian() -> None:
    figure = plotly(pillar_figure(picked(_scores(), ["QM-GOV", "QM-QOM-KAH-BKH"]), PILLARS, "fa"))
    assert figure.layout.xaxis.range == (110, 0) and figure.layout.yaxis.side == "right"
    assert figure.data[0].name == "استانداری قم" and figure.data[0].y[0] == PILLARS[0][1]
    assert figure.data[0].text[0] == "۹۰٫۰"
    unscored = figure.data[1]
    assert unscored.x[0] is None and unscored.text[0] == "–"


def test_summary_rows_give_index_ranks_and_status_counts_per_agency() -> None:
    rows = {row["key"]: row for row in summary_rows(picked(_scores(), ["QM-GOV", "QM-QOM-KAH-BKH"]), "en")}
    assert rows["index"]["cells"] == ["80.0", "–"]
    assert rows["rank_province"]["cells"] == ["1", "–"]
    assert rows["rank_county"]["cells"] == ["–", "–"]
    assert rows["off_track"]["label"] == "✖ off track" and rows["on_track"]["cells"] == ["5", "0"]


def _indicators() -> pd.DataFrame:
    first, second = CATALOGUE.indicators[0], CATALOGUE.indicators[1]
    return pd.DataFrame(
        {
            "agency_code": ["QM-GOV", "QM-EDU", "QM-GOV"],
            "indicator": [first.code, first.code, second.code],
            "value": [45.0, 10.0, float("nan")],
            "status": ["on_track", "off_track", "not_scored"],
        }
    )


def test_indicator_rows_show_value_and_status_in_symbol_and_words() -> None:
    rows = indicator_rows(_indicators(), ["QM-GOV", "QM-EDU"], CATALOGUE, "en")
    assert [row["code"] for row in rows] == [i.code for i in CATALOGUE.indicators]
    first = rows[0]
    assert first["name"] == CATALOGUE.indicators[0].name_en
    assert first["cells"][0]["status"] == "on_track" and first["cells"][0]["status_text"] == "● on track"
    assert first["cells"][1]["status_text"].startswith("✖")
    missing = rows[1]["cells"][1]
    assert missing == {"value": "–", "status": "not_scored", "status_text": "○ not scored"}
    persian = indicator_rows(_indicators(), ["QM-GOV"], CATALOGUE, "fa")
    assert persian[0]["cells"][0]["value"].endswith("٪") and "در مسیر" in persian[0]["cells"][0]["status_text"]


def test_value_and_status_texts() -> None:
    assert value_text(45, "%", "en") == "45.0%"
    assert value_text(None, "%", "en") == "–"
    assert status_text("behind", "fa") == "▼ عقب از مسیر"


def test_agencies_in_the_url_are_known_unique_and_at_most_four() -> None:
    known = pd.Index(["A", "B", "C", "D", "E"])
    assert parse_agencies("A,B,C,D,E", known) == ["A", "B", "C", "D"]
    assert parse_agencies("B,,b,B", known) == ["B"]


def test_picks_write_the_url_and_keep_the_language() -> None:
    assert compare_search(["QM-GOV", "QM-EDU"], "1394", "?lang=en") == "?lang=en&agencies=QM-GOV%2CQM-EDU&year=1394"
    assert compare_search([], "1394", "?lang=en&agencies=A%2CB&year=1394") == "?lang=en&year=1394"
    assert compare_search(["A"], "1393", "?agencies=A&year=1393") is no_update


def _agencies(count: int) -> pd.DataFrame:
    codes = [f"XX-{n:05d}" for n in range(count)]
    return pd.DataFrame(
        {"name_fa": [f"اداره {n}" for n in range(count)], "name_en": [f"Office {n}" for n in range(count)]},
        index=pd.Index(codes, name="agency_code"),
    ).assign(province_fa="استان", province_en="Province")


def test_picker_matches_start_with_the_picked_agencies_and_stop_at_the_limit() -> None:
    agencies = _agencies(10_000)
    opened = matching_agencies(agencies, "", selected=["XX-09999", "XX-00003", "nope"])
    assert opened.index[:2].tolist() == ["XX-09999", "XX-00003"]
    assert len(opened) == 2 + PICKER_LIMIT
    typed = matching_agencies(agencies, "office 999", selected=["XX-00001"])
    assert typed.index.tolist() == ["XX-00001", "XX-00999", *[f"XX-0{n}" for n in range(9990, 10_000)]]
    assert matching_agencies(agencies, "(xx-00042)").index.tolist() == ["XX-00042"]


def test_picker_matches_persian_typed_with_arabic_letters() -> None:
    agencies = _agencies(3).assign(name_fa=["آموزش و پرورش قم", "بهداشت", "کشاورزی"])
    assert matching_agencies(agencies, "كشاورزي").index.tolist() == ["XX-00002"]


def test_summary_and_bars_read_rows_as_dicts_as_well_as_a_frame() -> None:
    table = picked(_scores(), ["QM-GOV", "QM-QOM-KAH-BKH"])
    rows = agency_rows(table)
    assert [row["agency_code"] for row in rows] == ["QM-GOV", "QM-QOM-KAH-BKH"]
    assert summary_rows(rows, "fa") == summary_rows(table, "fa")
    assert pillar_figure(rows, PILLARS, "en") == pillar_figure(table, PILLARS, "en")


def test_the_page_asks_for_its_body_which_is_plain_data(tmp_path: Path) -> None:
    engine = build_two_agency_store(tmp_path)
    app = create_app(engine=engine)
    body_callback = app.callback_map[f"{ids.COMPARE_BODY}.children"]["callback"].__wrapped__
    with app.server.app_context():
        page = compare.layout("en", agencies=f"{FILES_STRONG},{PROCESSES_STRONG}", year=str(YEAR))
        alone = compare.layout("en", agencies=FILES_STRONG, year=str(YEAR))
        body = body_callback(True, f"?lang=en&agencies={FILES_STRONG},{PROCESSES_STRONG}&year={YEAR}")
        prompt = compare.body(f"?lang=en&agencies={FILES_STRONG}")
        opened = compare.opening_options([PROCESSES_STRONG, FILES_STRONG], "fa", engine=engine)
        known = api.agencies(engine=engine)
    engine.dispose()
    assert ids.COMPARE_LOAD in str(page.to_plotly_json()) and ids.COMPARE_LOAD not in str(alone.to_plotly_json())
    assert opened == agency_options(matching_agencies(known, "", selected=[PROCESSES_STRONG, FILES_STRONG]), "fa")
    assert t("compare.pick", "en") in text_of(alone) and t("compare.pick", "en") in text_of(prompt)
    assert_plain_components(body)
    text = text_of(body)
    assert "Qom Governorate" in text and "Kahak District Office" in text and "Index and ranks, 1394" in text
    assert any(status in text for status in ("on track", "off track", "ahead", "behind"))
