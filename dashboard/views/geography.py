"""Geography: province → county → district → agency as a treemap coloured by the index score.

State is in the URL (``/geography?province=QM&year=1394``); without a province every province is shown
under one root. Drilling down is the treemap's own click-to-zoom. Shapes come from ``figures_geo``.
"""

from __future__ import annotations

from typing import Any, cast

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures_geo import geography_figure, geography_nodes, legend_stops
from dashboard.formatting import format_number
from dashboard.i18n import direction, normalise_lang, t
from dashboard.urls import with_params
from dashboard.views.choices import ALL, default_year, parse_year, plan_year_range, province_options, year_options
from dashboard.views.scope import one_data_version, per_version, province_codes
from metrics import api

AGENCY_LEAVES_MAX = 2_000
"""Above this many agencies the all-provinces treemap stops at districts and counties: a box per agency
would be megabytes for the browser and too small to read; choosing a province shows its agencies."""


def trim_agency_leaves(nodes: pd.DataFrame, *, max_leaves: int = AGENCY_LEAVES_MAX) -> pd.DataFrame:
    """The nodes without the agencies when there are more than ``max_leaves`` of them (boxes keep their size:
    ``agencies`` counts what is beneath, shown or not)."""
    agencies = nodes["kind"] == "agency"
    return nodes if int(agencies.sum()) <= max_leaves else nodes[~agencies].reset_index(drop=True)


def tree_nodes(table: pd.DataFrame, lang: str, *, province: str | None) -> pd.DataFrame:
    """The treemap's nodes for a province (or every province, under a root and trimmed)."""
    nodes = geography_nodes(table, lang, with_root=province is None)
    return trim_agency_leaves(nodes) if province is None else nodes


def geography_search(province: str | None, year: str | None, search: str | None) -> Any:
    """The URL query for a chosen province and year, or ``no_update`` when the URL already says so."""
    wanted = with_params(search, province=None if province in (None, ALL) else province, year=year or None)
    return no_update if wanted == (search or "") else wanted


def _legend(lang: str) -> html.Div:
    stops = legend_stops(lang)
    gradient = ", ".join(stop["colour"] for stop in stops)
    towards = "left" if direction(lang) == "rtl" else "right"  # the labels flow with the text direction
    return html.Div(
        [
            html.Span(t("geo.legend", lang), className="egov-geo-legend-title"),
            html.Div(
                [html.Span(stop["label"]) for stop in stops],
                className="egov-geo-legend-bar",
                style={"backgroundImage": f"linear-gradient(to {towards}, {gradient})"},
                **cast("dict[str, Any]", {"aria-hidden": "true"}),
            ),
            html.Span(t("geo.legend_unscored", lang), className="egov-geo-legend-unscored"),
        ],
        id=ids.GEO_LEGEND,
        className="egov-geo-legend",
    )


@one_data_version
def layout(lang: str = "fa", province: str | None = None, year: str | None = None, **_state: Any) -> html.Div:
    """The geography page for the province and year in the URL."""
    lang = normalise_lang(lang)
    engine = current_engine()
    if province not in province_codes(engine):
        province = None
    years = plan_year_range()
    chosen_year = parse_year(year, years, default_year(engine))
    table = api.scores(chosen_year, province=province, engine=engine)
    nodes = per_version(  # the tree is the same for every request of this year, province and language
        engine, ("geography/nodes", chosen_year, province, lang), lambda: tree_nodes(table, lang, province=province)
    )
    scored = int(table["scored"].sum())
    return html.Div(
        [
            html.H1(t("page.geography", lang), id=ids.GEO_TITLE),
            html.P(t("geo.intro", lang)),
            dmc.Group(
                [
                    dmc.Select(
                        id=ids.GEO_PROVINCE,
                        label=t("geo.province", lang),
                        data=per_version(
                            engine,
                            ("geography/provinces", lang),
                            lambda: province_options(api.agencies(engine), lang, with_all=True),
                        ),
                        value=province or ALL,
                        allowDeselect=False,
                        w=240,
                    ),
                    dmc.Select(
                        id=ids.GEO_YEAR,
                        label=t("geo.year", lang),
                        data=year_options(years, lang),
                        value=str(chosen_year),
                        allowDeselect=False,
                        w=140,
                    ),
                ],
                align="flex-end",
                mb="sm",
                className="egov-no-print",
            ),
            html.P(
                t("geo.summary", lang, scored=format_number(scored, lang), total=format_number(len(table), lang)),
                id=ids.GEO_SUMMARY,
            ),
            _legend(lang),
            dcc.Graph(
                id=ids.GEO_TREEMAP,
                figure=geography_figure(nodes, lang),
                config={"displaylogo": False, "responsive": True},
            ),
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """Choosing a province or year writes the URL; the page re-renders from the URL."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.GEO_PROVINCE, "value"),
        Input(ids.GEO_YEAR, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def picks_to_url(province: str | None, year: str | None, search: str | None) -> Any:
        return geography_search(province, year, search)
