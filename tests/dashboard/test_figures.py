"""The pure figure and component builders, called with small frames: what a reader would see."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import dash
import dash_mantine_components as dmc
import orjson
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly

from dashboard import figures
from dashboard.app import create_app
from dashboard.formatting import jalali_datetime
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store

PILLARS = [
    SimpleNamespace(code="files", name_fa="پرونده الکترونیک", name_en="Electronic files"),
    SimpleNamespace(code="people", name_fa="آموزش نمایندگان", name_en="People"),
]


def _scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name_fa": ["دستگاه الف", "دستگاه ب", "دستگاه ج"],
            "name_en": ["Agency A", "Agency B", "Agency C"],
            "index_score": [82.5, 41.0, None],
            "scored": [True, True, False],
            "pillar_files": [90.0, 30.0, None],
            "pillar_people": [75.0, 52.0, None],
            "ahead_count": [2, 0, 0],
            "on_track_count": [5, 1, 0],
            "behind_count": [1, 3, 0],
            "off_track_count": [0, 4, 0],
            "rank_province": pd.array([1, 2, None], dtype="Int64"),
            "rank_change": pd.array([2, -1, None], dtype="Int64"),
            "coverage": [1.0, 0.75, 0.0],
            "not_scored_reason": [None, None, "no report for this period"],
        },
        index=pd.Index(["QM-A", "QM-B", "QM-C"], name="agency_code"),
    )


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency_code": ["QM-A", "QM-A", "QM-B", "QM-B"],
            "indicator": ["electronic_files_pct", "representatives_trained_pct"] * 2,
            "indicator_fa": ["سهم پرونده‌های الکترونیک", "سهم نمایندگان آموزش‌دیده"] * 2,
            "indicator_en": ["Electronic case files", "Representatives trained"] * 2,
            "pillar": ["files", "people"] * 2,
            "unit": ["%", "%"] * 2,
            "value": [60.0, 75.0, 20.0, None],
            "period_target": [55.0, 70.0, 55.0, 70.0],
            "target": [100.0, 100.0, 100.0, 100.0],
            "score": [90.0, 75.0, 30.0, None],
            "status": ["ahead", "on_track", "off_track", "not_scored"],
            "projected_value": [100.0, 95.0, 35.0, None],
            "year_reached": pd.array([1394, None, None, None], dtype="Int64"),
            "baseline_year": pd.array([1391, 1390, 1392, None], dtype="Int64"),
            "baseline_value": [20.0, 30.0, 10.0, None],
            "baseline_moved": [False, False, True, False],
            "imputed": [False, True, False, False],
        }
    )


def plotly(figure: dict[str, Any]) -> go.Figure:
    """A figure the builders return as plain data, checked by plotly's validators (an unknown or
    misspelt property fails here) and read back with attribute access."""
    assert set(figure) == {"data", "layout"}
    return go.Figure(figure)


def text_of(component: Any) -> str:
    """Every string a component tree shows (children and props such as ``href``), joined by spaces."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, go.Figure):
        return _texts(component)
    if isinstance(component, dict) and set(component) == {"data", "layout"}:
        return _texts(plotly(component))
    if hasattr(component, "to_plotly_json") or _is_element(component):
        props = component["props"] if _is_element(component) else component.to_plotly_json()["props"]
        return " ".join(text_of(v) for k, v in props.items() if k not in ("id", "className", "style"))
    if isinstance(component, dict):
        return " ".join(text_of(v) for v in component.values())
    return ""


def _is_element(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"props", "type", "namespace"}


COMPONENT_MODULES = {figures.HTML: html, figures.DCC: dcc, figures.DMC: dmc}


def as_components(node: Any) -> Any:
    """Plain-data elements (``figures.Element``) rebuilt as the real Dash components: an unknown component
    or property name fails here, as it would in a layout."""
    if isinstance(node, list):
        return [as_components(child) for child in node]
    if _is_element(node):
        props = {key: as_components(v) if key == "children" else v for key, v in node["props"].items()}
        return getattr(COMPONENT_MODULES[node["namespace"]], node["type"])(**props)
    return node


def assert_plain_components(answer: Any) -> None:
    """``answer`` is plain data (orjson encodes it as is, no Python walk) and reads, node for node, as
    the components it stands for."""
    encoded = orjson.dumps(answer)  # raises on anything that is not plain data (a Component)
    rebuilt = as_components(answer)
    assert orjson.loads(to_json_plotly(rebuilt)) == orjson.loads(encoded)


def _texts(fig: go.Figure) -> str:
    return " ".join(str(v) for v in (fig.layout.title.text, *[a.text for a in fig.layout.annotations]))


def test_status_labels_carry_symbol_and_word() -> None:
    assert figures.status_label("on_track", "en") == "✓ on track"
    assert figures.status_label("off_track", "fa") == "✗ خارج از مسیر"
    assert figures.status_label("anything else", "en") == "– not scored"
    assert figures.rank_change_text(3, "fa") == "▲ ۳" and figures.rank_change_text(-2, "en") == "▼ 2"


def test_distribution_is_mirrored_in_persian_with_persian_ticks() -> None:
    fa = plotly(figures.index_distribution_figure(_scores(), "fa"))
    en = plotly(figures.index_distribution_figure(_scores(), "en"))
    bars = [trace for trace in fa.data if trace.type == "bar"]
    assert sum(bars[0].y) == 2  # the unscored agency is left out
    assert list(fa.layout.xaxis2.range) == [100, 0] and fa.layout.yaxis2.side == "right"
    assert list(en.layout.xaxis2.range) == [0, 100]
    assert "۱۰۰" in fa.layout.xaxis2.ticktext and "100" in en.layout.xaxis2.ticktext
    assert fa.layout.title.text == "پراکندگی شاخص کل دستگاه‌ها"


def test_pillar_progress_has_a_bar_per_pillar_against_the_target() -> None:
    progress = figures.pillar_progress_frame(_scores(), _indicators(), ["files", "people"])
    assert progress.set_index("pillar").loc["files", "mean_score"] == 60.0
    assert progress.set_index("pillar").loc["files", "on_path_pct"] == 50.0  # ahead + off track
    assert progress.set_index("pillar").loc["people", "on_path_pct"] == 100.0  # the not-scored one left out
    fig = plotly(figures.pillar_progress_figure(progress, figures.pillar_names(PILLARS, "fa"), "fa"))
    target, mean = fig.data
    assert list(mean.y) == ["پرونده الکترونیک", "آموزش نمایندگان"] and list(target.x) == [100, 100]
    assert list(mean.text) == ["۶۰٫۰", "۶۳٫۵"]
    assert fig.layout.yaxis.side == "right" and list(fig.layout.xaxis.range) == [100, 0]


def test_status_cards_say_the_status_in_words_and_numbers() -> None:
    totals = figures.status_totals(_scores())
    assert totals == {"ahead": 2, "on_track": 6, "behind": 4, "off_track": 4}
    text = text_of(figures.status_cards(totals, "en"))
    assert "★ ahead" in text and "✗ off track" in text and "38%" in text  # 6 of 16


def test_maturity_mix_in_stage_order() -> None:
    stages = pd.DataFrame(
        {
            "stage": ["services_transactional", "services_informational", "services_transactional", None],
            "stage_order": [3, 1, 3, None],
            "stage_fa": ["تراکنشی", "حضور وب (اطلاع‌رسانی)", "تراکنشی", None],
            "stage_en": ["transactional", "web presence", "transactional", None],
        }
    )
    fig = plotly(figures.maturity_mix_figure(stages, "en"))
    assert list(fig.data[0].x) == ["web presence", "transactional"] and list(fig.data[0].y) == [1, 2]
    assert plotly(figures.maturity_mix_figure(stages.iloc[3:], "en")).layout.annotations[0].text == "No data to show."


def test_agency_lists_link_to_the_scorecard() -> None:
    ranked = _scores().iloc[:2]
    component = figures.agency_list(ranked, "en", year=1394, list_id="x", detail="off_track", empty_key="overview.none")
    text = text_of(component)
    assert "/scorecard?lang=en&agency=QM-A&year=1394" in text and "4 indicators off track" in text
    empty = figures.agency_list(ranked.iloc[0:0], "fa", year=1394, list_id="x", empty_key="overview.none")
    assert empty.children == "دستگاهی در این فهرست نیست."


def test_completeness_counts_reported_late_and_missing() -> None:
    matrix = pd.DataFrame({1394: ["reported", "late", "missing"]}, index=["QM-A", "QM-B", "QM-C"])
    counts = figures.completeness_counts(matrix, 1394, ["QM-A", "QM-B", "QM-C", "QM-D"])
    assert counts == {"reported": 1, "late": 1, "missing": 2}
    text = text_of(figures.completeness_summary(counts, 1394, "fa", summary_id="s"))
    assert "۱۳۹۴: ۲ از ۴ دستگاه گزارش داده‌اند (۵۰٪)" in text and "◷ با تأخیر: ۱" in text


def test_pillar_comparison_draws_the_agency_beside_the_province_median() -> None:
    scores = _scores()
    fig = plotly(
        figures.pillar_comparison_figure(scores.loc["QM-B"], scores, figures.pillar_names(PILLARS, "en"), "en")
    )
    agency, median = fig.data
    assert (agency.name, median.name) == ("This agency", "Province median")
    assert list(agency.y) == ["Electronic files", "People"]
    assert list(agency.x) == [30.0, 52.0] and list(median.x) == [60.0, 63.5]
    fa = plotly(figures.pillar_comparison_figure(scores.loc["QM-B"], scores, figures.pillar_names(PILLARS, "fa"), "fa"))
    assert fa.layout.yaxis.side == "right" and fa.layout.xaxis.range[0] > fa.layout.xaxis.range[1]


def test_indicator_paths_show_values_path_and_projection_per_indicator() -> None:
    indicators = _indicators()[_indicators()["agency_code"] == "QM-A"]
    trajectory = pd.DataFrame(
        {
            "indicator": ["electronic_files_pct"] * 3 + ["representatives_trained_pct"] * 3,
            "year": [1391, 1392, 1393] * 2,
            "value": [20.0, 40.0, 60.0, 30.0, None, 75.0],
        }
    )
    fig = plotly(figures.indicator_paths_figure(trajectory, indicators, "fa", first_year=1390, target_year=1394))
    names = {trace.name for trace in fig.data}
    assert names == {"گزارش‌شده", "مسیر تا هدف", "پیش‌بینی با سرعت کنونی"}
    reported = [t for t in fig.data if t.name == "گزارش‌شده"]
    assert len(reported) == 2 and list(reported[1].x) == [1391, 1393]  # the missing year is not drawn
    path = next(t for t in fig.data if t.name == "مسیر تا هدف")
    assert list(path.x) == [1391, 1394] and list(path.y) == [20.0, 100.0]
    projection = next(t for t in fig.data if t.name == "پیش‌بینی با سرعت کنونی")
    assert list(projection.x) == [1393, 1394] and list(projection.y) == [60.0, 100.0]
    assert "★ جلوتر از مسیر" in _texts(fig) and "✓ در مسیر" in _texts(fig)
    assert fig.layout.xaxis.ticktext[0] == "۱۳۹۰" and fig.layout.xaxis.range[0] > fig.layout.xaxis.range[1]


def test_indicator_rows_and_quality_flags() -> None:
    indicators = _indicators()
    rows = figures.indicator_rows(indicators, "en")
    assert rows[0]["value"] == "60.0%" and rows[0]["status"] == "★ ahead" and rows[0]["year_reached"] == "1394"
    assert rows[1]["flags"] == "imputed" and rows[2]["flags"] == "baseline from 1392"
    flags = text_of(figures.quality_flags(_scores().loc["QM-B"], indicators, "en", flags_id="f"))
    assert "Only 75% of the index" in flags and "Imputed, not reported: Representatives trained" in flags
    assert "Baseline taken from a later year" in flags
    unscored = text_of(figures.quality_flags(_scores().loc["QM-C"], indicators.iloc[0:0], "fa", flags_id="f"))
    assert "بدون نمره: برای این دوره گزارشی نرسیده است" in unscored
    clean = figures.quality_flags(_scores().loc["QM-A"], indicators.iloc[:1], "en", flags_id="f")
    assert "Nothing to flag" in text_of(clean)


def _claims(**values: Any) -> pd.Series:
    base = {
        "claimed_transactional_pct": 40.0,
        "claimed_processes_pct": 20.0,
        "observed_digital_takeup_pct": None,
        "observed_completion_rate_pct": None,
        "gap_pct": None,
        "observed_source": "no service logs loaded",
        "only_on_paper": None,
    }
    return pd.Series({**base, **values})


def test_claims_say_plainly_when_no_logs_are_loaded() -> None:
    panel = figures.claimed_vs_observed_panel(_claims(), "en", panel_id="c")
    text = text_of(panel)
    assert "No service logs are loaded" in text and "40.0%" in text
    with_logs = _claims(
        observed_digital_takeup_pct=5.0, gap_pct=35.0, observed_source="service logs", only_on_paper=True
    )
    text = text_of(figures.claimed_vs_observed_panel(with_logs, "fa", panel_id="c"))
    assert "فقط روی کاغذ" in text and "۳۵٫۰٪" in text and "بارگذاری نشده" not in text


def test_submission_rows_newest_first_with_superseded_ones() -> None:
    submissions = pd.DataFrame(
        {
            "submission_id": [1, 2],
            "period_code": ["1394", "1394"],
            "file_name": ["a.xlsx", "b.xlsx"],
            "submitted_by": ["x", "x"],
            "submitted_at": [pd.Timestamp("2015-04-04 10:00"), pd.Timestamp("2015-04-05 10:00")],
            "status": ["superseded", "submitted"],
            "supersedes_id": [None, 1.0],
        }
    )
    rows = figures.submission_rows(submissions, "fa", format_time=jalali_datetime)
    assert [r["id_text"] for r in rows] == ["۲", "۱"]
    assert rows[1]["status"] == "جایگزین‌شده" and rows[0]["supersedes"] == "۱"
    assert rows[0]["submitted_at"] == "۱۳۹۴/۰۱/۱۶ ۱۴:۳۰"


def test_elements_are_the_components_they_stand_for() -> None:
    element = figures.tag("Tr", [figures.tag("Td", "۱۲", className="egov-num")], **{"data-row": "index"})
    component = html.Tr([html.Td("۱۲", className="egov-num")], **cast("dict[str, Any]", {"data-row": "index"}))
    assert element == orjson.loads(to_json_plotly(component))
    assert figures.tag("Th", "x", className=None) == {
        "props": {"children": "x"},
        "type": "Th",
        "namespace": figures.HTML,
    }
    cards = figures.status_cards_element({"ahead": 1, "on_track": 3, "behind": 0, "off_track": 0}, "en")
    assert_plain_components(cards)
    assert (
        orjson.loads(
            to_json_plotly(figures.status_cards({"ahead": 1, "on_track": 3, "behind": 0, "off_track": 0}, "en"))
        )
        == cards
    )
    graph = figures.graph_element(figures.empty_figure("en", title="t"), graph_id="g")
    assert_plain_components(graph)


def test_page_builders_take_rows_as_dicts_as_well_as_frames() -> None:
    scores = _scores()
    names = figures.pillar_names(PILLARS, "en")
    medians = {"pillar_files": 60.0, "pillar_people": 63.5}
    from_frame = figures.pillar_comparison_figure(scores.loc["QM-B"], scores, names, "en")
    from_dicts = figures.pillar_comparison_figure(dict(scores.loc["QM-B"]), medians, names, "en")
    assert from_frame == from_dicts
    indicators = _indicators()
    rows = figures.records(indicators, list(indicators.columns))
    assert figures.indicator_rows(rows, "fa") == figures.indicator_rows(indicators, "fa")
    assert figures.quality_flags(dict(scores.loc["QM-B"]), rows, "en", flags_id="f") == figures.quality_flags(
        scores.loc["QM-B"], indicators, "en", flags_id="f"
    )
    trajectory = pd.DataFrame({"indicator": ["electronic_files_pct"] * 2, "year": [1391, 1392], "value": [20.0, None]})
    mine = indicators[indicators["agency_code"] == "QM-A"]
    frames = figures.indicator_paths_figure(trajectory, mine, "en", first_year=1390, target_year=1394)
    dicts = figures.indicator_paths_figure(
        figures.records(trajectory, ["indicator", "year", "value"]),
        figures.records(mine, list(mine.columns)),
        "en",
        first_year=1390,
        target_year=1394,
    )
    assert frames == dicts
    assert (
        figures.indicator_paths_figure(trajectory, [], "en", first_year=1390, target_year=1394)["layout"][
            "annotations"
        ][0]["text"]
        == "No data to show."
    )


def test_scorecard_tables_are_plain_data() -> None:
    rows = figures.indicator_rows(_indicators(), "en")
    table = figures.simple_table(rows, [("name", "Indicator"), ("value", "Value")], table_id="t", lang="en")
    assert_plain_components(table)
    assert "Electronic case files" in text_of(table) and "60.0%" in text_of(table)
    assert "No data" in text_of(figures.simple_table([], [("name", "Indicator")], table_id="t", lang="en"))
    assert_plain_components(figures.claimed_vs_observed_panel(_claims(), "en", panel_id="c"))
    assert_plain_components(figures.quality_flags(_scores().loc["QM-B"], _indicators(), "en", flags_id="f"))


def test_every_page_leaves_the_server_as_the_json_dash_would_write(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``plain_tree`` (what the page guard serves) against Dash's own encoding of the components."""
    engine = build_store(tmp_path_factory.mktemp("plain"))
    app = create_app(engine=engine)
    state = {"year": "1394", "agency": AGENCY, "agencies": f"{AGENCY},{OTHER}", "province": "QM"}
    checked = []
    with app.server.test_request_context("/"):
        for page in dash.page_registry.values():
            layout = getattr(page["layout"], "__wrapped__", page["layout"])
            for lang in ("fa", "en"):
                tree = layout(lang=lang, **state)
                served = figures.plain_tree(tree)
                orjson.dumps(served)  # plain data: no Component left in it
                assert orjson.loads(to_json_plotly(served)) == orjson.loads(to_json_plotly(tree)), page["path"]
            checked.append(page["path"])
    engine.dispose()
    assert {"/", "/overview", "/rankings", "/scorecard", "/compare", "/reporting", "/logs"} <= set(checked)
