"""Compare: two to four agencies side by side for one plan year.

State is in the URL (``/compare?agencies=QM-GOV,QM-EDU&year=1394``); the pickers only write the URL and
the page re-renders from it. Numbers come from ``metrics.api``; shapes from ``dashboard.figures_compare``.
With two agencies or more the body follows the layout in its own answer, built as plain data
(``figures.Element``) so orjson encodes it in C; it reads the agencies from the URL, which the request
guard checks.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, dcc, html, no_update
from sqlalchemy import Engine

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures import DCC, DMC, Element, element, tag
from dashboard.figures_compare import (
    MAX_AGENCIES,
    agency_name,
    indicator_rows,
    pillar_figure,
    pillars_of,
    summary_rows,
)
from dashboard.formatting import format_number, format_year
from dashboard.i18n import normalise_lang, t
from dashboard.urls import lang_of, query_params, with_params
from dashboard.views.choices import (
    agency_picker_options,
    default_year,
    grouped_agency_options,
    parse_year,
    plan_year_range,
    year_options,
)
from dashboard.views.scope import one_data_version
from dashboard.views.scorecard_data import indicator_records, known_agencies, picker_rows, score_records
from metrics import api

MIN_AGENCIES = 2


def parse_agencies(value: object, known: Container[Any]) -> list[str]:
    """The agency codes in the URL, known ones only, each once, at most four, in the given order.

    >>> parse_agencies("B, A,X,B", {"A", "B", "C"})
    ['B', 'A']
    >>> parse_agencies(None, {"A"})
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


def opening_options(codes: list[str], lang: str, *, engine: Engine) -> list[dict[str, Any]]:
    """The agency picker's options as the page opens: the picked agencies and the first others, grouped
    by province as ``choices.agency_options`` groups them, from kept rows (``picker_rows``)."""
    columns = ("agency_code", "name_fa", "name_en", "province_fa", "province_en")
    return grouped_agency_options((tuple(row[c] for c in columns) for row in picker_rows(codes, engine=engine)), lang)


def _summary_table(table: list[dict[str, Any]], names: list[str], lang: str) -> Element:
    heads = [tag("Th", t("compare.col.measure", lang), scope="col")] + [tag("Th", name, scope="col") for name in names]
    body = [
        tag(
            "Tr",
            [
                tag(
                    "Th",
                    row["label"],
                    scope="row",
                    className=f"egov-status-{row['status']}" if "status" in row else None,
                )
            ]
            + [tag("Td", cell, className="egov-num") for cell in row["cells"]],
            **{"data-row": row["key"]},
        )
        for row in summary_rows(table, lang)
    ]
    return element(
        DMC,
        "Table",
        [tag("Thead", tag("Tr", heads)), tag("Tbody", body)],
        id=ids.COMPARE_SUMMARY,
        striped=True,
        withTableBorder=True,
        className="egov-table",
    )


def _indicator_table(rows: list[dict[str, Any]], names: list[str], lang: str) -> Element:
    heads = [
        tag("Th", t("compare.col.indicator", lang), scope="col"),
        tag("Th", t("compare.col.pillar", lang), scope="col"),
    ] + [tag("Th", name, scope="col") for name in names]
    body = [
        tag(
            "Tr",
            [tag("Th", row["name"], scope="row"), tag("Td", row["pillar"], className="egov-muted")]
            + [
                tag(
                    "Td",
                    [
                        tag("Span", cell["value"], className="egov-num"),
                        tag("Span", cell["status_text"], className=f"egov-status egov-status-{cell['status']}"),
                    ],
                )
                for cell in row["cells"]
            ],
            **{"data-indicator": row["code"]},
        )
        for row in rows
    ]
    table = element(
        DMC,
        "Table",
        [tag("Thead", tag("Tr", heads)), tag("Tbody", body)],
        id=ids.COMPARE_INDICATORS,
        striped=True,
        withTableBorder=True,
        className="egov-table egov-compare-indicators",
    )
    return element(
        DMC,
        "TableScrollContainer",
        table,
        minWidth=640,
        scrollAreaProps={"viewportProps": {"tabIndex": 0}},  # axe: a scrollable region must be keyboard-reachable
    )


def _prompt(lang: str) -> dmc.Alert:
    return dmc.Alert(t("compare.pick", lang), id=ids.COMPARE_PROMPT, color="indigo", className="egov-alert")


def compare_body(codes: list[str], year: int, lang: str) -> list[Element]:
    """What the page shows under its pickers for two to four picked agencies, as plain data (see
    ``figures.Element``): the summary, the pillar bars and the indicator table."""
    engine = current_engine()
    catalogue = api.catalogue()
    table = score_records(year, codes, engine=engine)
    indicators = indicator_records(year, codes, engine=engine)
    names = [agency_name(row, lang) for row in table]
    return [
        tag("H2", t("compare.summary", lang, year=format_year(year, lang))),
        _summary_table(table, names, lang),
        tag("H2", t("compare.pillars", lang)),
        element(
            DCC,
            "Graph",
            id=ids.COMPARE_PILLARS,
            figure=pillar_figure(table, pillars_of(catalogue), lang),
            config={"displayModeBar": False, "responsive": True},
        ),
        tag("H2", t("compare.indicators", lang, count=format_number(len(catalogue.indicators), lang))),
        _indicator_table(indicator_rows(indicators, codes, catalogue, lang), names, lang),
    ]


@one_data_version
def layout(lang: str = "fa", agencies: str | None = None, year: str | None = None, **_state: Any) -> html.Div:
    """The compare page for the agencies and year in the URL: pickers and, for two agencies or more, an
    empty body that :func:`body` fills in a second answer made only of plain data (orjson encodes it in
    C; in the layout every node of it would be walked in Python)."""
    lang = normalise_lang(lang)
    engine = current_engine()
    codes = parse_agencies(agencies, known_agencies(engine=engine))
    years = plan_year_range()
    chosen_year = parse_year(year, years, default_year(engine))
    shown: list[Any] = (
        [
            dcc.Store(id=ids.COMPARE_LOAD, data=True),
            dcc.Loading(html.Div(id=ids.COMPARE_BODY), type="dot", delay_show=300),
        ]
        if len(codes) >= MIN_AGENCIES
        else [html.Div(_prompt(lang), id=ids.COMPARE_BODY)]
    )
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
                        data=opening_options(codes, lang, engine=engine),
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
            *shown,
        ],
        className="egov-page",
    )


@one_data_version
def body(search: str | None) -> Any:
    """The body for the agencies and year of the URL (plain data), or the prompt when it names fewer than two."""
    params = query_params(search)
    lang = normalise_lang(params.get("lang"))
    engine = current_engine()
    codes = parse_agencies(params.get("agencies"), known_agencies(engine=engine))
    if len(codes) < MIN_AGENCIES:
        return _prompt(lang)
    return compare_body(codes, parse_year(params.get("year"), plan_year_range(), default_year(engine)), lang)


def register_callbacks(app: Dash) -> None:
    """Picking agencies or a year writes the URL; the page re-renders from the URL, its body in a second
    answer. Typing in the agency picker asks the server for matching agencies (a country has too many to
    ship them all)."""

    @app.callback(
        Output(ids.COMPARE_BODY, "children"),
        Input(ids.COMPARE_LOAD, "data"),
        State(ids.URL, "search"),
    )
    def show_body(_opened: object, search: str | None) -> Any:
        return body(search)

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
