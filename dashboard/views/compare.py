"""Compare: two to four agencies side by side for one plan year.

State is in the URL (``/compare?agencies=QM-GOV,QM-EDU&year=1394``); the pickers only write the URL and
the page re-renders from it. Numbers come from ``metrics.api``; shapes from ``dashboard.figures_compare``.
"""

from __future__ import annotations

from typing import Any, cast

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures import records
from dashboard.figures_compare import (
    MAX_AGENCIES,
    agency_name,
    indicator_rows,
    picked,
    pillar_figure,
    pillars_of,
    summary_rows,
)
from dashboard.formatting import format_number, format_year
from dashboard.i18n import normalise_lang, t
from dashboard.urls import lang_of, with_params
from dashboard.views.choices import (
    agency_options,
    agency_picker_options,
    default_year,
    matching_agencies,
    parse_year,
    plan_year_range,
    year_options,
)
from dashboard.views.scope import one_data_version
from metrics import api

MIN_AGENCIES = 2


def parse_agencies(value: object, known: pd.Index) -> list[str]:
    """The agency codes in the URL, known ones only, each once, at most four, in the given order.

    >>> parse_agencies("B, A,X,B", pd.Index(["A", "B", "C"]))
    ['B', 'A']
    >>> parse_agencies(None, pd.Index(["A"]))
    []
    """
    codes: list[str] = []
    for code in str(value or "").split(","):
        code = code.strip()
        if code and code in known and code not in codes:
            codes.append(code)
    return codes[:MAX_AGENCIES]


def compare_search(agencies: list[str] | None, year: str | None, search: str | None) -> Any:
    """The URL query for the picked agencies and year, or ``no_update`` when the URL already says so."""
    codes = ",".join((agencies or [])[:MAX_AGENCIES]) or None
    wanted = with_params(search, agencies=codes, year=year or None)
    return no_update if wanted == (search or "") else wanted


def picker_options(search: object, picked: list[str] | None, lang: str) -> list[dict[str, Any]]:
    """The agency picker's options: the picked agencies and the first matches of what was typed."""
    return agency_picker_options(search, picked or [], lang, grouped=True)


def _names(table: pd.DataFrame, lang: str) -> list[str]:
    """The agencies' names in the language, in the table's order."""
    return [agency_name(row, lang) for row in records(table, ["name_fa", "name_en"])]


def _summary_table(table: pd.DataFrame, lang: str) -> dmc.Table:
    heads = [html.Th(t("compare.col.measure", lang), scope="col")] + [
        html.Th(name, scope="col") for name in _names(table, lang)
    ]
    body = [
        html.Tr(
            [html.Th(row["label"], scope="row", className=f"egov-status-{row['status']}" if "status" in row else None)]
            + [html.Td(cell, className="egov-num") for cell in row["cells"]],
            **cast("dict[str, Any]", {"data-row": row["key"]}),
        )
        for row in summary_rows(table, lang)
    ]
    return dmc.Table(
        [html.Thead(html.Tr(heads)), html.Tbody(body)],
        id=ids.COMPARE_SUMMARY,
        striped=True,
        withTableBorder=True,
        className="egov-table",
    )


def _indicator_table(rows: list[dict[str, Any]], table: pd.DataFrame, lang: str) -> dmc.TableScrollContainer:
    heads = [
        html.Th(t("compare.col.indicator", lang), scope="col"),
        html.Th(t("compare.col.pillar", lang), scope="col"),
    ] + [html.Th(name, scope="col") for name in _names(table, lang)]
    body = [
        html.Tr(
            [html.Th(row["name"], scope="row"), html.Td(row["pillar"], className="egov-muted")]
            + [
                html.Td(
                    [
                        html.Span(cell["value"], className="egov-num"),
                        html.Span(cell["status_text"], className=f"egov-status egov-status-{cell['status']}"),
                    ]
                )
                for cell in row["cells"]
            ],
            **cast("dict[str, Any]", {"data-indicator": row["code"]}),
        )
        for row in rows
    ]
    return dmc.TableScrollContainer(
        dmc.Table(
            [html.Thead(html.Tr(heads)), html.Tbody(body)],
            id=ids.COMPARE_INDICATORS,
            striped=True,
            withTableBorder=True,
            className="egov-table egov-compare-indicators",
        ),
        minWidth=640,
        scrollAreaProps={"viewportProps": {"tabIndex": 0}},  # axe: a scrollable region must be keyboard-reachable
    )


def compare_body(codes: list[str], year: int, lang: str) -> list[Any]:
    """What the page shows under its pickers for the picked agencies (a prompt when fewer than two)."""
    if len(codes) < MIN_AGENCIES:
        return [dmc.Alert(t("compare.pick", lang), id=ids.COMPARE_PROMPT, color="indigo", className="egov-alert")]
    engine = current_engine()
    catalogue = api.catalogue()
    table = picked(api.scores(year, engine=engine), codes)
    indicators = pd.concat([api.indicator_scores(year, agency=code, engine=engine) for code in codes])
    return [
        html.H2(t("compare.summary", lang, year=format_year(year, lang))),
        _summary_table(table, lang),
        html.H2(t("compare.pillars", lang)),
        dcc.Graph(
            id=ids.COMPARE_PILLARS,
            figure=pillar_figure(table, pillars_of(catalogue), lang),
            config={"displayModeBar": False, "responsive": True},
        ),
        html.H2(t("compare.indicators", lang, count=format_number(len(catalogue.indicators), lang))),
        _indicator_table(indicator_rows(indicators, codes, catalogue, lang), table, lang),
    ]


@one_data_version
def layout(lang: str = "fa", agencies: str | None = None, year: str | None = None, **_state: Any) -> html.Div:
    """The compare page for the agencies and year in the URL."""
    lang = normalise_lang(lang)
    engine = current_engine()
    known = api.agencies(engine)
    codes = parse_agencies(agencies, known.index)
    years = plan_year_range()
    chosen_year = parse_year(year, years, default_year(engine))
    return html.Div(
        [
            html.H1(t("page.compare", lang), id=ids.COMPARE_TITLE),
            html.P(t("compare.intro", lang)),
            dmc.Group(
                [
                    dmc.MultiSelect(
                        id=ids.COMPARE_AGENCIES,
                        label=t("compare.agencies", lang),
                        placeholder=t("compare.agencies_placeholder", lang),
                        data=agency_options(matching_agencies(known, "", selected=codes), lang),
                        value=codes,
                        maxValues=MAX_AGENCIES,
                        searchable=True,
                        filter={"function": "egovFilter"},
                        clearable=True,
                        hidePickedOptions=True,
                        w=560,
                    ),
                    dmc.Select(
                        id=ids.COMPARE_YEAR,
                        label=t("compare.year", lang),
                        data=year_options(years, lang),
                        value=str(chosen_year),
                        allowDeselect=False,
                        w=140,
                    ),
                ],
                align="flex-end",
                mb="md",
                className="egov-no-print",
            ),
            html.Div(compare_body(codes, chosen_year, lang), id=ids.COMPARE_BODY),
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """Picking agencies or a year writes the URL; the page re-renders from the URL. Typing in the agency
    picker asks the server for matching agencies (a country has too many to ship them all)."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.COMPARE_AGENCIES, "value"),
        Input(ids.COMPARE_YEAR, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def picks_to_url(agencies: list[str] | None, year: str | None, search: str | None) -> Any:
        return compare_search(agencies, year, search)

    @app.callback(
        Output(ids.COMPARE_AGENCIES, "data"),
        Input(ids.COMPARE_AGENCIES, "searchValue"),
        State(ids.COMPARE_AGENCIES, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def search_agencies(typed: str | None, picked: list[str] | None, search: str | None) -> Any:
        # An empty search is the picker clearing itself after a pick: the options it has hold the pick,
        # while ``picked`` may predate it (and options without the pick would unpick it).
        return picker_options(typed, picked, lang_of(search)) if typed else no_update
