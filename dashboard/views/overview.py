"""Overview: the province (or the country) at a glance for one plan year.

The composite index's spread, each pillar's progress towards the 1394 target, how many indicator
results are ahead / on track / behind / off track, the maturity stage mix, the agencies to honour and
those that lag, and how many agencies reported. Year and province are page state in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy import Engine

from dashboard import figures, ids
from dashboard.data import current_engine
from dashboard.formatting import format_number
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import href
from dashboard.views.scope import ALL, parse_year, pick_code, pillars, province_options, search_with, year_options
from metrics import api

LIST_LIMIT = 25
"""Agencies a list (honours, laggards) shows; a country can have thousands, and the rankings page pages them."""


@dataclass(frozen=True)
class OverviewData:
    """What the overview shows, fetched once from ``metrics.api`` for a year and a province."""

    year: int
    province: str | None
    agencies: pd.DataFrame
    scores: pd.DataFrame
    indicators: pd.DataFrame
    stages: pd.DataFrame
    province_stages: pd.DataFrame
    honours: pd.DataFrame
    laggards: pd.DataFrame
    completeness: pd.DataFrame


def fetch_overview(year: int, province: str | None, *, engine: Engine) -> OverviewData:
    """Every frame of the page, read through ``metrics.api`` only."""
    agencies = api.agencies(engine=engine)
    scores = api.scores(year, province=province, engine=engine)
    indicators = api.indicator_scores(year, engine=engine)
    indicators = indicators[indicators["agency_code"].isin(scores.index)]
    stages = api.maturity(year, engine=engine).reindex(scores.index)
    honours, laggards = api.honours_and_laggards(year, province=province, engine=engine)
    return OverviewData(
        year=year,
        province=province,
        agencies=agencies,
        scores=scores,
        indicators=indicators,
        stages=stages,
        province_stages=api.province_maturity(year, engine=engine),
        honours=honours,
        laggards=laggards,
        completeness=api.completeness(engine=engine),
    )


def province_stage_text(data: OverviewData, lang: str) -> str:
    """The province's own maturity stage in words (each province's when the page shows them all)."""
    frame = data.province_stages
    names = data.agencies.drop_duplicates("province_code").set_index("province_code")
    codes = [data.province] if data.province else list(frame.index)
    parts = []
    for code in codes:
        if code not in frame.index or frame.at[code, "stage"] is None or pd.isna(frame.at[code, "stage"]):
            stage = t("overview.stage_unknown", lang)
        else:
            stage = _stage_name(str(frame.at[code, "stage"]), data.stages, str(frame.at[code, "stage_en"]), lang)
        province = (
            pick(lang, names.at[code, "province_fa"], names.at[code, "province_en"]) if code in names.index else code
        )
        parts.append(t("overview.province_stage", lang, province=province, stage=stage))
    return t("list.sep", lang).join(parts)


def _stage_name(stage: str, stages: pd.DataFrame, english: str, lang: str) -> str:
    persian = stages.loc[stages["stage"] == stage, "stage_fa"].dropna()
    return pick(lang, str(persian.iloc[0]) if not persian.empty else english, english)


def agency_list_head(data: OverviewData, frame: pd.DataFrame, lang: str, **options: Any) -> list[Any]:
    """An agency list's first ``LIST_LIMIT`` agencies, and when there are more, how many, linked to the rankings."""
    shown = [figures.agency_list(frame.head(LIST_LIMIT), lang, year=data.year, **options)]
    if len(frame) > LIST_LIMIT:
        shown.append(
            dcc.Link(
                t("ranking.count", lang, count=format_number(len(frame), lang)),
                href=href("/rankings", lang, year=data.year, province=data.province),
                className="egov-muted",
            )
        )
    return shown


def overview_body(data: OverviewData, lang: str) -> html.Div:
    """The page below its controls (pure: frames in, components out)."""
    scored = data.scores[data.scores["scored"].astype(bool)]
    groups = pillars()
    progress = figures.pillar_progress_frame(data.scores, data.indicators, [g.code for g in groups])
    return html.Div(
        [
            html.P(
                t(
                    "overview.scored",
                    lang,
                    scored=format_number(len(scored), lang),
                    total=format_number(len(data.scores), lang),
                ),
                id=ids.OVERVIEW_SCORED,
                className="egov-lead",
            ),
            html.H2(t("overview.statuses", lang)),
            html.Div(figures.status_cards(figures.status_totals(data.scores), lang), id=ids.OVERVIEW_STATUS),
            dmc.SimpleGrid(
                [
                    figures.graph(
                        figures.index_distribution_figure(data.scores, lang), graph_id=ids.OVERVIEW_DISTRIBUTION
                    ),
                    figures.graph(
                        figures.pillar_progress_figure(progress, figures.pillar_names(groups, lang), lang),
                        graph_id=ids.OVERVIEW_PILLARS,
                    ),
                ],
                cols={"base": 1, "lg": 2},
                spacing="md",
                mt="md",
            ),
            html.H2(t("overview.maturity", lang)),
            html.P(province_stage_text(data, lang), id=ids.OVERVIEW_PROVINCE_STAGE),
            figures.graph(figures.maturity_mix_figure(data.stages, lang), graph_id=ids.OVERVIEW_MATURITY),
            dmc.SimpleGrid(
                [
                    html.Div(
                        [
                            html.H2(t("overview.honours", lang)),
                            *agency_list_head(
                                data, data.honours, lang, list_id=ids.OVERVIEW_HONOURS, empty_key="overview.none"
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.H2(t("overview.laggards", lang)),
                            *agency_list_head(
                                data,
                                data.laggards,
                                lang,
                                list_id=ids.OVERVIEW_LAGGARDS,
                                detail="off_track",
                                empty_key="overview.none",
                            ),
                        ]
                    ),
                ],
                cols={"base": 1, "md": 2},
                spacing="md",
            ),
            html.H2(t("overview.completeness", lang)),
            figures.completeness_summary(
                figures.completeness_counts(data.completeness, data.year, data.scores.index),
                data.year,
                lang,
                summary_id=ids.OVERVIEW_COMPLETENESS,
            ),
        ]
    )


def layout(lang: str = "fa", year: str | None = None, province: str | None = None, **_state: Any) -> html.Div:
    """The overview for the URL's year and province, read from the app's store."""
    lang = normalise_lang(lang)
    engine = current_engine()
    agencies = api.agencies(engine=engine)
    chosen_year = parse_year(year, engine)
    chosen_province = pick_code(province, set(agencies["province_code"]))
    data = fetch_overview(chosen_year, chosen_province, engine=engine)
    return html.Div(
        [
            html.H1(t("page.overview", lang), id=ids.OVERVIEW_TITLE),
            html.P(t("overview.intro", lang)),
            dmc.Group(
                [
                    dmc.Select(
                        id=ids.OVERVIEW_YEAR,
                        label=t("scope.year", lang),
                        data=year_options(lang),
                        value=str(chosen_year),
                        allowDeselect=False,
                        w=140,
                    ),
                    dmc.Select(
                        id=ids.OVERVIEW_PROVINCE,
                        label=t("reporting.province", lang),
                        data=province_options(agencies, lang),
                        value=chosen_province or ALL,
                        allowDeselect=False,
                        w=240,
                    ),
                ],
                className="egov-no-print egov-controls",
                mb="sm",
            ),
            overview_body(data, lang),
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """Choosing a year or a province puts it in the URL; the page re-renders from the URL."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.OVERVIEW_YEAR, "value"),
        Input(ids.OVERVIEW_PROVINCE, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def scope_to_url(year: str | None, province: str | None, search: str | None) -> Any:
        return search_with(search, year=year, province=province)
