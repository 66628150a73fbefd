"""Overview: the province (or the country) at a glance for one plan year.

The composite index's spread, each pillar's progress towards the 1394 target, how many indicator
results are ahead / on track / behind / off track, the maturity stage mix, the agencies to honour and
those that lag, and how many agencies reported. Year and province are page state in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
from dashboard.views.scope import (
    ALL,
    one_data_version,
    parse_year,
    per_version,
    pick_code,
    pillars,
    province_choices,
    province_codes,
    search_with,
    year_options,
)
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
    summary: OverviewSummary | None = None
    """What the page counts from the frames, worked out once with them (``None``: on each render)."""


@dataclass(frozen=True)
class OverviewSummary:
    """The counts and names the overview shows, whatever the language: computed once per data version."""

    scored: int
    progress: pd.DataFrame
    totals: dict[str, int]
    completeness: dict[str, int]
    province_names: dict[str, tuple[str, str]]
    """Province code → (Persian, English) name."""
    stage_names: dict[str, str]
    """Maturity stage → its Persian name, as the shown agencies' stages give it."""


def summarise(data: OverviewData) -> OverviewSummary:
    """The page's counts and names from its frames."""
    provinces = data.agencies[["province_code", "province_fa", "province_en"]].drop_duplicates("province_code")
    stages = figures.records(data.stages, ["stage", "stage_fa"])
    stage_names: dict[str, str] = {}
    for row in stages:
        if isinstance(row["stage"], str) and isinstance(row["stage_fa"], str):
            stage_names.setdefault(row["stage"], row["stage_fa"])
    return OverviewSummary(
        scored=int(data.scores["scored"].astype(bool).sum()),
        progress=figures.pillar_progress_frame(data.scores, data.indicators, [g.code for g in pillars()]),
        totals=figures.status_totals(data.scores),
        completeness=figures.completeness_counts(data.completeness, data.year, data.scores.index),
        province_names={
            str(r["province_code"]): (r["province_fa"], r["province_en"])
            for r in figures.records(provinces, ["province_code", "province_fa", "province_en"])
        },
        stage_names=stage_names,
    )


def fetch_overview(year: int, province: str | None, *, engine: Engine) -> OverviewData:
    """Every frame of the page, read through ``metrics.api`` only; kept per data version (shared: the
    page reads them, never changes them)."""
    return per_version(engine, ("overview", year, province), lambda: _fetch_overview(year, province, engine=engine))


def _fetch_overview(year: int, province: str | None, *, engine: Engine) -> OverviewData:
    agencies = api.agencies(engine=engine)
    scores = api.scores(year, province=province, engine=engine)
    indicators = api.indicator_scores(year, engine=engine)
    indicators = indicators[indicators["agency_code"].isin(scores.index)]
    stages = api.maturity(year, engine=engine).reindex(scores.index)
    honours, laggards = api.honours_and_laggards(year, province=province, engine=engine)
    for frame in (scores, indicators, stages, honours, laggards):  # our own copies: pandas deep-copies
        frame.attrs = {}  # ``attrs`` (the scoring spec) on every operation, and the page does not show them
    data = OverviewData(
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
    return replace(data, summary=summarise(data))


def province_stage_text(data: OverviewData, lang: str) -> str:
    """The province's own maturity stage in words (each province's when the page shows them all)."""
    summary = data.summary or summarise(data)
    frame = data.province_stages
    found = dict(zip(frame.index, figures.records(frame, ["stage", "stage_en"]), strict=True))
    codes = [data.province] if data.province else list(frame.index)
    parts = []
    for code in codes:
        row = found.get(code)
        if row is None or row["stage"] is None or pd.isna(row["stage"]):
            stage = t("overview.stage_unknown", lang)
        else:
            english = str(row["stage_en"])
            stage = pick(lang, summary.stage_names.get(str(row["stage"]), english), english)
        names = summary.province_names.get(code)
        province = pick(lang, names[0], names[1]) if names else code
        parts.append(t("overview.province_stage", lang, province=province, stage=stage))
    return t("list.sep", lang).join(parts)


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
    summary = data.summary or summarise(data)
    groups = pillars()
    return html.Div(
        [
            html.P(
                t(
                    "overview.scored",
                    lang,
                    scored=format_number(summary.scored, lang),
                    total=format_number(len(data.scores), lang),
                ),
                id=ids.OVERVIEW_SCORED,
                className="egov-lead",
            ),
            html.H2(t("overview.statuses", lang)),
            html.Div(figures.status_cards(summary.totals, lang), id=ids.OVERVIEW_STATUS),
            dmc.SimpleGrid(
                [
                    figures.graph(
                        figures.index_distribution_figure(data.scores, lang), graph_id=ids.OVERVIEW_DISTRIBUTION
                    ),
                    figures.graph(
                        figures.pillar_progress_figure(summary.progress, figures.pillar_names(groups, lang), lang),
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
                summary.completeness,
                data.year,
                lang,
                summary_id=ids.OVERVIEW_COMPLETENESS,
            ),
        ]
    )


@one_data_version
def layout(lang: str = "fa", year: str | None = None, province: str | None = None, **_state: Any) -> html.Div:
    """The overview for the URL's year and province, read from the app's store."""
    lang = normalise_lang(lang)
    engine = current_engine()
    chosen_year = parse_year(year, engine)
    chosen_province = pick_code(province, province_codes(engine))
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
                        data=province_choices(engine, lang),
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
