"""Agency scorecard: one agency in one plan year, as the governor's office and its IT director read it.

Pillar scores against the province's median, every indicator against its path to 1394 with the
projection at the current pace, the maturity stage, claimed versus observed use, data-quality flags
and the submission history (superseded reports too). Downloadable as Excel; printable on A4 (the
print rules in ``assets/egov.css``). Agency and year are page state in the URL.

A page view is two answers: the layout (title, pickers, buttons) and then the body, which the layout's
``SCORECARD_LOAD`` store asks for as it renders. The body is built as plain data (``figures.Element``:
tables, figures and text as the dicts Dash sends) from rows kept per data version
(``scorecard_data.ScorecardPage``), so orjson encodes it in C instead of Dash walking ~300 components in
Python; it reads the agency from the URL, which the request guard checks like the page's own.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, dcc, html, no_update
from sqlalchemy import Engine

from dashboard import figures, ids
from dashboard.access import current_principal
from dashboard.data import current_engine
from dashboard.figures import DMC, Element, element, tag
from dashboard.formatting import MISSING, format_number, format_percent, format_year, jalali_datetime, plain_text
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import lang_of, query_params
from dashboard.views.choices import agency_picker_options, flat_agency_options, flat_options
from dashboard.views.scope import one_data_version, parse_year, pillars, search_with, year_options
from dashboard.views.scorecard_data import (
    ScorecardPage,
    fetch_scorecard_page,
    known_agencies,
    picker_rows,
    submission_records,
)
from dashboard.views.scorecard_excel import scorecard_workbook
from metrics import api


def agency_options(agencies: Any, lang: str) -> list[dict[str, str]]:
    """Every agency by name (and code, so either can be typed), sorted by name."""
    return flat_agency_options(agencies, lang, by_name=True)


def picker_options(search: object, picked: str | None, lang: str) -> list[dict[str, str]]:
    """The agency picker's options: the picked agency and the first matches of what was typed."""
    return agency_picker_options(search, [picked] if picked else [], lang, by_name=True)


def headline(data: ScorecardPage, lang: str) -> Element:
    """Who the agency is and where it stands: index, rank and its change, maturity stage, coverage."""
    agency = data.agency
    place = [pick(lang, agency["province_fa"], agency["province_en"])]
    if isinstance(agency["county_fa"], str):
        place.append(pick(lang, agency["county_fa"], agency["county_en"]))
    place.append(pick(lang, agency["sector_fa"], agency["sector_en"]))
    ranked = data.ranked_in_province
    rank = (
        t(
            "scorecard.rank_of",
            lang,
            rank=format_number(agency["rank_province"], lang),
            total=format_number(ranked, lang),
        )
        if agency["rank_province"] is not None and str(agency["rank_province"]) != "<NA>"
        else MISSING
    )
    stage = MISSING
    if data.stage is not None and isinstance(data.stage.get("stage_en"), str):
        stage = pick(lang, str(data.stage.get("stage_fa") or ""), str(data.stage.get("stage_en")))
    kpis = [
        ("ranking.col.index", format_number(agency["index_score"], lang, decimals=1)),
        ("ranking.col.rank", rank),
        ("ranking.col.change", figures.rank_change_text(agency["rank_change"], lang)),
        ("scorecard.maturity", stage),
        ("scorecard.coverage", format_percent(100 * agency["coverage"], lang)),
    ]
    return tag(
        "Div",
        [
            tag("H2", pick(lang, agency["name_fa"], agency["name_en"]), id=ids.SCORECARD_AGENCY_NAME),
            tag(
                "P",
                f"{t('list.sep', lang).join(place)} · {t('scope.year', lang)} {format_year(data.year, lang)}",
                className="egov-muted",
            ),
            element(
                DMC,
                "SimpleGrid",
                [
                    tag(
                        "Div",
                        [
                            tag("Div", t(key, lang), className="egov-muted"),
                            tag("Div", value, className="egov-kpi egov-num"),
                        ],
                        className="egov-kpi-card",
                    )
                    for key, value in kpis
                ],
                cols={"base": 2, "sm": 5},
                spacing="sm",
                id=ids.SCORECARD_KPIS,
            ),
            tag(
                "Div",
                figures.status_cards_element({s: int(agency[f"{s}_count"]) for s in figures.STATUSES}, lang),
                className="egov-gap",
            ),
        ],
    )


def maturity_text(data: ScorecardPage, lang: str) -> str:
    """The stage and the services behind it: ``transactional: 12 services, 5 transactional or above``."""
    stage = data.stage
    if stage is None or not isinstance(stage.get("stage_en"), str):
        return t("scorecard.no_stage", lang)
    name = pick(lang, str(stage.get("stage_fa") or ""), str(stage.get("stage_en")))
    above = (stage.get("services_transactional") or 0) + (stage.get("services_integrated") or 0)
    return t(
        "scorecard.stage_text",
        lang,
        stage=name,
        total=format_number(stage.get("services_total"), lang),
        above=format_number(above, lang),
    )


_submitted_at = lru_cache(maxsize=4096)(jalali_datetime)
"""``jalali_datetime`` (≈ 20 µs a call through jdatetime), kept: a history's times are shown again and again."""

INDICATOR_COLUMNS = (
    "name",
    "value",
    "period_target",
    "target",
    "score",
    "status",
    "projected_value",
    "year_reached",
    "flags",
)
HISTORY_COLUMNS = ("id_text", "period", "file_name", "submitted_by", "submitted_at", "status", "review", "supersedes")


def scorecard_body(data: ScorecardPage, lang: str) -> list[Element]:
    """The scorecard below its controls (pure: the bundle in, plain data out; see ``figures.Element``)."""
    plan = api.catalogue().plan
    names = figures.pillar_names(pillars(), lang)
    indicator_labels = {
        "name": t("methodology.col.indicator", lang),
        "value": t("scorecard.col.value", lang),
        "period_target": t("scorecard.col.period_target", lang),
        "target": t("scorecard.col.target", lang),
        "score": t("scorecard.col.score", lang),
        "status": t("reporting.col.status", lang),
        "projected_value": t("scorecard.col.projected", lang),
        "year_reached": t("scorecard.col.year_reached", lang),
        "flags": t("scorecard.col.flags", lang),
    }
    history_labels = {
        "id_text": t("reporting.col.id", lang),
        "period": t("reporting.col.period", lang),
        "file_name": t("reporting.col.file", lang),
        "submitted_by": t("reporting.col.by", lang),
        "submitted_at": t("reporting.col.at", lang),
        "status": t("reporting.col.status", lang),
        "review": t("review.col.review", lang),
        "supersedes": t("reporting.col.supersedes", lang),
    }
    return [
        headline(data, lang),
        figures.graph_element(
            figures.pillar_comparison_figure(data.agency, data.province_medians, names, lang),
            graph_id=ids.SCORECARD_PILLARS,
        ),
        tag("H2", t("scorecard.indicators", lang)),
        figures.graph_element(
            figures.indicator_paths_figure(
                data.trajectory, data.indicators, lang, first_year=plan.first_year, target_year=plan.target_year
            ),
            graph_id=ids.SCORECARD_PATHS,
        ),
        tag("P", t("scorecard.paths_help", lang, year=format_year(plan.target_year, lang)), className="egov-muted"),
        figures.simple_table(
            figures.indicator_rows(data.indicators, lang),
            [(key, indicator_labels[key]) for key in INDICATOR_COLUMNS],
            table_id=ids.SCORECARD_INDICATORS,
            lang=lang,
        ),
        element(
            DMC,
            "SimpleGrid",
            [
                tag(
                    "Div",
                    [
                        tag("H2", t("scorecard.maturity", lang)),
                        tag("P", maturity_text(data, lang), id=ids.SCORECARD_STAGE),
                    ],
                ),
                tag(
                    "Div",
                    [
                        tag("H2", t("scorecard.claims", lang)),
                        figures.claimed_vs_observed_panel(data.claims, lang, panel_id=ids.SCORECARD_CLAIMS),
                    ],
                ),
            ],
            cols={"base": 1, "md": 2},
            spacing="md",
        ),
        tag("H2", t("scorecard.quality", lang)),
        figures.quality_flags(data.agency, data.indicators, lang, flags_id=ids.SCORECARD_FLAGS),
        tag("H2", t("reporting.history", lang)),
        figures.simple_table(
            figures.submission_rows(data.submissions, lang, format_time=_submitted_at),
            [(key, history_labels[key]) for key in HISTORY_COLUMNS],
            table_id=ids.SCORECARD_HISTORY,
            lang=lang,
        ),
    ]


@one_data_version
def layout(lang: str = "fa", agency: str | None = None, year: str | None = None, **_state: Any) -> html.Div:
    """The scorecard page of the URL's agency and year: title, controls and an empty body that
    :func:`body` fills (without an agency, a picker and a prompt).

    The body comes in a second answer, made only of plain data, so orjson encodes it in C; in the layout
    every node of it would be walked in Python (see ``figures.Element``)."""
    lang = normalise_lang(lang)
    engine = current_engine()
    chosen_year = parse_year(year, engine)
    known = known_agencies(engine=engine)
    code = agency if agency in known else None
    principal = current_principal()
    own = principal.agency_code if principal is not None and principal.role == "it_director" else None
    if own is not None and own in known:
        choices = picker_rows([own], engine=engine)[:1]  # an IT director sees their own agency only
    else:
        choices = picker_rows([code] if code else [], engine=engine)
    controls = dmc.Group(
        [
            dmc.Select(
                id=ids.SCORECARD_AGENCY,
                label=t("upload.agency", lang),
                placeholder=t("upload.agency_placeholder", lang),
                data=flat_options(
                    ((r["agency_code"], r["name_fa"], r["name_en"]) for r in choices), lang, by_name=True
                ),
                value=code,
                searchable=True,
                filter={"function": "egovFilter"},
                w=420,
            ),
            dmc.Select(
                id=ids.SCORECARD_YEAR,
                label=t("scope.year", lang),
                data=year_options(lang),
                value=str(chosen_year),
                allowDeselect=False,
                w=120,
            ),
            dmc.Button(t("scorecard.download", lang), id=ids.SCORECARD_DOWNLOAD_BUTTON, disabled=code is None),
            dmc.Button(
                t("scorecard.print", lang), id=ids.SCORECARD_PRINT_BUTTON, variant="outline", disabled=code is None
            ),
            dcc.Download(id=ids.SCORECARD_DOWNLOAD),
            html.Div(id=ids.SCORECARD_PRINT_SINK, hidden=True),
        ],
        align="flex-end",
        className="egov-no-print egov-controls",
        mb="md",
    )
    body: list[Any] = (
        [
            dcc.Store(id=ids.SCORECARD_LOAD, data=True),
            dcc.Loading(html.Div(id=ids.SCORECARD_BODY, className="egov-scorecard"), type="dot", delay_show=300),
        ]
        if code
        else [html.P(t("scorecard.choose", lang), id=ids.SCORECARD_EMPTY)]
    )
    return html.Div(
        [
            html.H1(t("page.scorecard", lang), id=ids.SCORECARD_TITLE),
            controls,
            waiting_note(code, chosen_year, lang, engine=engine),
            *body,
        ],
        className="egov-page",
    )


@one_data_version
def body(search: str | None) -> list[Element]:
    """The body of the URL's agency and year (plain data), or a prompt when the URL names no agency."""
    params = query_params(search)
    lang = normalise_lang(params.get("lang"))
    engine = current_engine()
    data = fetch_scorecard_page(params.get("agency", ""), parse_year(params.get("year"), engine), engine=engine)
    if data is None:
        return [tag("P", t("scorecard.choose", lang), id=ids.SCORECARD_EMPTY)]
    return scorecard_body(data, lang)


def waiting_note(code: str | None, year: int, lang: str, *, engine: Engine) -> Any:
    """Say so when the agency's report for the year waits for review (or was returned): the scores
    count approved data only, so a fresh upload does not show here until the governor's office approves it."""
    if code is None or not _may_wait(code, year, engine=engine):
        return None
    queue = api.review_queue(engine=engine)
    mine = queue[(queue["agency_code"] == code) & (queue["period_code"] == str(year))]
    if mine.empty or mine["review_status"].iloc[0] == "approved":  # pending first, then the newest decision
        return None
    status = str(mine["review_status"].iloc[0])
    comment = plain_text(mine["review_comment"].iloc[0])
    return dmc.Alert(
        t(f"scorecard.review_{status}", lang, year=format_year(year, lang), comment=comment),
        id=ids.SCORECARD_REVIEW_NOTE,
        color="blue" if status == "pending" else "orange",
        mb="md",
        className="egov-no-print",
    )


def _may_wait(code: str, year: int, *, engine: Engine) -> bool:
    """Whether any of the agency's reports for the year is not approved, from its kept submissions: the
    whole review queue (every agency's submissions, read per call) is read only then."""
    period = str(year)
    return any(
        row["period_code"] == period and row["review_status"] != "approved"
        for row in submission_records(code, engine=engine)
    )


@one_data_version
def download(search: str | None) -> Any:
    """The Excel file of the URL's agency and year (``dcc.Download`` data), or ``no_update``."""
    params = query_params(search)
    engine = current_engine()
    year = parse_year(params.get("year"), engine)
    data = fetch_scorecard_page(params.get("agency", ""), year, engine=engine)
    if data is None:
        return no_update
    lang = normalise_lang(params.get("lang"))
    return dcc.send_bytes(scorecard_workbook(data, lang), f"scorecard_{data.agency_code}_{data.year}.xlsx")


_PRINT = """
function(clicks) {
    if (clicks) { window.print(); }
    return "";
}
"""


def register_callbacks(app: Dash) -> None:
    """Agency and year go to the URL; the page's body follows its layout in a second answer; typing in
    the agency picker asks the server for matches; the download builds the workbook; print opens the
    print dialog."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.SCORECARD_AGENCY, "value"),
        Input(ids.SCORECARD_YEAR, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def scope_to_url(agency: str | None, year: str | None, search: str | None) -> Any:
        return search_with(search, agency=agency, year=year)

    @app.callback(
        Output(ids.SCORECARD_AGENCY, "data"),
        Input(ids.SCORECARD_AGENCY, "searchValue"),
        State(ids.SCORECARD_AGENCY, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def search_agencies(typed: str | None, picked: str | None, search: str | None) -> Any:
        # An empty search is the picker clearing itself after a pick: the options it has hold the pick,
        # while ``picked`` may predate it (and options without the pick would unpick it).
        principal = current_principal()
        if principal is not None and principal.role == "it_director":
            return no_update  # their picker holds their own agency only
        return picker_options(typed, picked, lang_of(search)) if typed else no_update

    @app.callback(
        Output(ids.SCORECARD_BODY, "children"),
        Input(ids.SCORECARD_LOAD, "data"),
        State(ids.URL, "search"),
    )
    def show_body(_opened: object, search: str | None) -> Any:
        return body(search)

    @app.callback(
        Output(ids.SCORECARD_DOWNLOAD, "data"),
        Input(ids.SCORECARD_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def download_excel(clicks: int | None, search: str | None) -> Any:
        return download(search) if clicks else no_update

    app.clientside_callback(
        _PRINT,
        Output(ids.SCORECARD_PRINT_SINK, "children"),
        Input(ids.SCORECARD_PRINT_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
