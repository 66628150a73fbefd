"""Reporting: which agency reported for which plan year (reported / late / missing), and the upload history.

The matrix and the history are computed by pure functions over ``metrics.data`` frames. The page
never ships them whole (a country has 10,000 agencies): both grids use AG Grid's infinite row model,
asking for a block of rows (``getRowsRequest``) that a callback answers with the sorted, filtered slice
and the total count, as the Rankings grid does. The rows are built once per page state and data
version and kept. The per-year summary is counted on the server over every agency. The province
filter is page state in the URL (``?province=QM``).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any, Literal

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, html, no_update
from sqlalchemy import Engine

from dashboard import ids
from dashboard.access import current_principal
from dashboard.data import current_engine
from dashboard.formatting import format_number, format_percent, format_year, jalali_datetime
from dashboard.grid import grid_options
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import query_params, with_params
from dashboard.views.choices import fold_text
from dashboard.views.scope import one_data_version, per_version, province_codes
from metrics import api
from metrics.audit import is_late
from metrics.data import agencies_frame, periods_frame, submissions_frame
from store.engine import store_key

CellStatus = Literal["reported", "late", "pending", "returned", "missing"]
CELL_STATUSES: tuple[CellStatus, ...] = ("reported", "late", "pending", "returned", "missing")
"""Approved on time, approved but late, waiting for review, returned for correction, nothing."""
ALL = "all"
"""The province select's value for every province (a URL without ``province``)."""

BLOCK_SIZE = 100
"""Rows per block the grids ask for."""
MATRIX, HISTORY = "matrix", "history"
_ROWS: OrderedDict[tuple[object, ...], list[dict[str, Any]]] = OrderedDict()

ID_FORMATTER = {
    "function": "params.value == null ? '–' : Number(params.value).toLocaleString(params.context.locale, {useGrouping: false})"
}


def plan_years(periods: pd.DataFrame) -> list[int]:
    """The years that have a yearly reporting period, in order."""
    return sorted(int(y) for y in periods.loc[periods["kind"] == "year", "year"])


def cell_status(submitted_at: Any, deadline: dt.date | None) -> CellStatus:
    """A year's status for one agency from its current submission's time and the period's deadline.

    >>> cell_status(None, None)
    'missing'
    >>> cell_status(dt.datetime(2015, 4, 1, tzinfo=dt.UTC), dt.date(2015, 3, 31))
    'late'
    >>> cell_status(dt.datetime(2015, 3, 30, tzinfo=dt.UTC), dt.date(2015, 3, 31))
    'reported'
    """
    if submitted_at is None or pd.isna(submitted_at):
        return "missing"
    return "late" if is_late(submitted_at, deadline) else "reported"


def in_province(agencies: pd.DataFrame, province: str | None) -> pd.DataFrame:
    """The agencies of one province, or all of them when ``province`` is empty or ``all``."""
    if not province or province == ALL:
        return agencies
    return agencies[agencies["province_code"] == province]


def matrix_rows(
    agencies: pd.DataFrame, submissions: pd.DataFrame, periods: pd.DataFrame, *, lang: str, province: str | None
) -> list[dict[str, Any]]:
    """One row per agency: its name, county and, per plan year, ``y<year>`` (text) and ``s<year>`` (status)."""
    agencies = in_province(agencies, province)
    yearly = periods[periods["kind"] == "year"].set_index("year")
    years = [(year, yearly.at[year, "deadline"]) for year in plan_years(periods)]
    texts = {status: t(f"cell.{status}", lang) for status in CELL_STATUSES}
    current = submissions[submissions["period_kind"] == "year"] if not submissions.empty else submissions
    submitted = {(row.agency_code, int(row.year)): row.submitted_at for row in current.itertuples()}
    review = {(row.agency_code, int(row.year)): row.review_status for row in current.itertuples()}
    rows = []
    columns = [agencies[c] for c in ("name_fa", "name_en", "county_fa", "county_en")]
    for code, name_fa, name_en, county_fa, county_en in zip(agencies.index, *columns, strict=True):
        row: dict[str, Any] = {  # zip over columns, not iterrows: a country has 10,000 agencies
            "agency_code": code,
            "agency": pick(lang, name_fa, name_en),
            "county": pick(lang, county_fa or "", county_en or "") if county_fa else "",
        }
        for year, deadline in years:
            decision = review.get((code, year))
            status: CellStatus = (
                decision if decision in ("pending", "returned") else cell_status(submitted.get((code, year)), deadline)
            )
            row[f"s{year}"] = status
            row[f"y{year}"] = texts[status]
        rows.append(row)
    return rows


def year_summary(rows: list[dict[str, Any]], years: list[int]) -> list[dict[str, int]]:
    """Per year: how many agencies reported (on time or late) out of how many."""
    return [
        {"year": year, "reported": sum(r[f"s{year}"] != "missing" for r in rows), "total": len(rows)} for year in years
    ]


def history_rows(
    submissions: pd.DataFrame, agencies: pd.DataFrame, *, lang: str, province: str | None
) -> list[dict[str, Any]]:
    """Every stored submission (current and superseded) of the province's agencies, newest first."""
    if submissions.empty:
        return []
    names = in_province(agencies, province)
    kept = submissions[submissions["agency_code"].isin(names.index)].sort_values("submission_id", ascending=False)
    return [
        {
            "submission_id": int(row.submission_id),
            "agency": pick(lang, names.at[row.agency_code, "name_fa"], names.at[row.agency_code, "name_en"]),
            "period": format_year(row.period_code, lang),
            "file_name": row.file_name,
            "submitted_by": row.submitted_by,
            "submitted_at": jalali_datetime(row.submitted_at, lang),
            "status": t(f"submission.{row.status}", lang),
            "supersedes_id": None if pd.isna(row.supersedes_id) else int(row.supersedes_id),
        }
        for row in kept.itertuples()
    ]


def province_options(agencies: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """The province select: every province by name, after "all provinces"."""
    provinces = agencies[["province_code", "province_fa", "province_en"]].drop_duplicates("province_code")
    options = [
        {"value": row.province_code, "label": pick(lang, row.province_fa, row.province_en)}
        for row in provinces.itertuples()
    ]
    return [{"value": ALL, "label": t("reporting.all_provinces", lang)}, *sorted(options, key=lambda o: o["label"])]


def _text_filter() -> dict[str, Any]:
    return {
        "filter": "agTextColumnFilter",
        "filterParams": {"filterOptions": ["contains", "notContains", "equals", "startsWith"], "maxNumConditions": 1},
    }


def _number_filter() -> dict[str, Any]:
    return {
        "filter": "agNumberColumnFilter",
        "filterParams": {"filterOptions": ["equals", "greaterThanOrEqual", "lessThan"], "maxNumConditions": 1},
    }


def _matrix_columns(years: list[int], lang: str) -> list[dict[str, Any]]:
    status_classes = {
        f"egov-cell-{status}": f"params.data && params.data.s{{year}} === '{status}'" for status in CELL_STATUSES
    }
    return [
        {
            "field": "agency",
            "headerName": t("reporting.col.agency", lang),
            "minWidth": 260,
            "flex": 2,
            **_text_filter(),
        },
        {"field": "agency_code", "headerName": t("reporting.col.code", lang), "minWidth": 140, **_text_filter()},
        {"field": "county", "headerName": t("reporting.col.county", lang), "minWidth": 120, **_text_filter()},
        *[
            {
                "field": f"y{year}",
                "headerName": format_year(year, lang),
                "minWidth": 120,
                "cellClassRules": {cls: rule.format(year=year) for cls, rule in status_classes.items()},
                **_text_filter(),
            }
            for year in years
        ],
    ]


def _history_columns(lang: str) -> list[dict[str, Any]]:
    return [
        {
            "field": "submission_id",
            "headerName": t("reporting.col.id", lang),
            "valueFormatter": ID_FORMATTER,
            "maxWidth": 110,
            **_number_filter(),
        },
        {
            "field": "agency",
            "headerName": t("reporting.col.agency", lang),
            "minWidth": 220,
            "flex": 2,
            **_text_filter(),
        },
        {"field": "period", "headerName": t("reporting.col.period", lang), "maxWidth": 110, **_text_filter()},
        {"field": "file_name", "headerName": t("reporting.col.file", lang), "minWidth": 180, **_text_filter()},
        {"field": "submitted_by", "headerName": t("reporting.col.by", lang), **_text_filter()},
        {"field": "submitted_at", "headerName": t("reporting.col.at", lang), "minWidth": 150, **_text_filter()},
        {"field": "status", "headerName": t("reporting.col.status", lang), **_text_filter()},
        {
            "field": "supersedes_id",
            "headerName": t("reporting.col.supersedes", lang),
            "valueFormatter": ID_FORMATTER,
            **_number_filter(),
        },
    ]


def _matches(value: Any, condition: dict[str, Any]) -> bool:
    """One AG Grid filter condition (text or number) against one cell's value."""
    kind, wanted = condition.get("type"), condition.get("filter")
    if kind == "blank":
        return value is None or value == ""
    if kind == "notBlank":
        return value is not None and value != ""
    if condition.get("filterType") == "number":
        if wanted is None:
            return True
        if value is None:
            return False
        tests = {
            "equals": value == wanted,
            "notEqual": value != wanted,
            "greaterThan": value > wanted,
            "greaterThanOrEqual": value >= wanted,
            "lessThan": value < wanted,
            "lessThanOrEqual": value <= wanted,
            "inRange": wanted <= value <= (condition.get("filterTo") or wanted),
        }
        return bool(tests.get(str(kind), True))
    text, needle = fold_text(value), fold_text(wanted)
    tests = {
        "contains": needle in text,
        "notContains": needle not in text,
        "equals": text == needle,
        "notEqual": text != needle,
        "startsWith": text.startswith(needle),
        "endsWith": text.endswith(needle),
    }
    return tests.get(str(kind), True)


def filter_block_rows(rows: list[dict[str, Any]], filter_model: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The grid's column filters applied on the server (a field the rows lack is ignored)."""
    for field, model in (filter_model or {}).items():
        if not isinstance(model, dict) or not rows or field not in rows[0]:
            continue
        conditions = model.get("conditions") or [model]
        combine = any if model.get("operator") == "OR" else all
        rows = [row for row in rows if combine(_matches(row.get(field), c) for c in conditions)]
    return rows


def sort_block_rows(rows: list[dict[str, Any]], sort_model: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Rows in the grid's sort order (empty values last); without one, in the order they were built."""
    for item in reversed(sort_model or []):
        field = str(item.get("colId"))
        if not rows or field not in rows[0]:
            continue
        present = [row for row in rows if row.get(field) is not None]
        missing = [row for row in rows if row.get(field) is None]
        present.sort(key=lambda row: row[field], reverse=item.get("sort") == "desc")
        rows = present + missing
    return rows


def block_response(rows: list[dict[str, Any]], request: dict[str, Any] | None) -> dict[str, Any]:
    """The answer to one block request: that slice of the filtered, sorted rows and how many there are."""
    request = request or {}
    start = max(int(request.get("startRow") or 0), 0)
    end = max(int(request.get("endRow") or start + BLOCK_SIZE), start)
    end = min(end, start + BLOCK_SIZE)
    kept = sort_block_rows(filter_block_rows(rows, request.get("filterModel")), request.get("sortModel"))
    return {"rowData": kept[start:end], "rowCount": len(kept)}


def page_rows(kind: str, *, lang: str, province: str | None, engine: Engine) -> list[dict[str, Any]]:
    """The matrix's or the history's rows for a language and province, kept per store and data version.

    The grids ask block by block with the same state: the rows are built once, and each block is a
    filter, a sort and a slice of them.
    """
    key = (store_key(engine), api.data_version(engine), kind, lang, province)
    if key not in _ROWS:
        agencies = agencies_frame(engine)
        if kind == MATRIX:
            _ROWS[key] = matrix_rows(
                agencies, submissions_frame(engine), periods_frame(engine), lang=lang, province=province
            )
        else:
            _ROWS[key] = history_rows(
                submissions_frame(engine, current_only=False), agencies, lang=lang, province=province
            )
        while len(_ROWS) > 16:
            _ROWS.popitem(last=False)
    _ROWS.move_to_end(key)
    return _ROWS[key]


def scoped_province(province: Any) -> Any:
    """A governor's office sees its own province whatever the URL says (``dashboard.access``)."""
    principal = current_principal()
    scope = principal.province_scope if principal is not None else None
    return scope or province


def page_state(search: str | None, *, engine: Engine) -> tuple[str, str | None]:
    """The language and the province (``None`` for all, or one unknown) of the page's URL."""
    params = query_params(search)
    province = scoped_province(params.get("province"))
    if province not in province_codes(engine):
        province = None
    return normalise_lang(params.get("lang")), province


def _grid(grid_id: str, columns: list[dict[str, Any]], *, lang: str, row_id: str, height: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowModelType="infinite",
        defaultColDef={"sortable": True, "filter": False, "resizable": True},
        dashGridOptions=grid_options(
            lang,
            cacheBlockSize=BLOCK_SIZE,
            maxBlocksInCache=10,
            infiniteInitialRowCount=1,
            rowBuffer=5,
            context={"locale": "en-US" if lang == "en" else "fa-IR"},
        ),
        getRowId=f"params.data.{row_id}",
        columnSize="responsiveSizeToFit",
        style={"height": height, "width": "100%"},
        className="egov-grid",
    )


def _summary(rows: list[dict[str, Any]], years: list[int], lang: str) -> html.Ul:
    return html.Ul(
        [
            html.Li(
                t(
                    "reporting.summary",
                    lang,
                    year=format_year(item["year"], lang),
                    reported=format_number(item["reported"], lang),
                    total=format_number(item["total"], lang),
                    share=format_percent(100 * item["reported"] / item["total"] if item["total"] else None, lang),
                )
            )
            for item in year_summary(rows, years)
        ],
        id=ids.REPORTING_SUMMARY,
        className="egov-summary",
    )


@one_data_version
def layout(lang: str = "fa", province: str | None = None, **_state: Any) -> html.Div:
    """The reporting page for one province (or all); the grids fetch their rows block by block."""
    lang = normalise_lang(lang)
    engine = current_engine()
    # the years and the province choices are kept per data version, not read from the store per request
    years = per_version(engine, ("reporting/years",), lambda: plan_years(periods_frame(engine)))
    scope = scoped_province(None)
    choices = per_version(
        engine,
        ("reporting/provinces", lang, scope),
        lambda: province_options(in_province(api.agencies(engine=engine), scope), lang),
    )
    province = scoped_province(province)
    if province not in province_codes(engine):
        province = None
    rows = page_rows(MATRIX, lang=lang, province=province, engine=engine)
    return html.Div(
        [
            html.H1(t("page.reporting", lang), id=ids.REPORTING_TITLE),
            html.P(t("reporting.intro", lang)),
            dmc.Select(
                id=ids.REPORTING_PROVINCE,
                label=t("reporting.province", lang),
                data=list(choices),
                value=province or ALL,
                allowDeselect=False,
                w=260,
                mb="sm",
                className="egov-no-print",
            ),
            _summary(rows, years, lang),
            html.H2(t("reporting.matrix", lang)),
            _grid(ids.REPORTING_MATRIX, _matrix_columns(years, lang), lang=lang, row_id="agency_code", height="60vh"),
            html.H2(t("reporting.history", lang)),
            _grid(ids.REPORTING_HISTORY, _history_columns(lang), lang=lang, row_id="submission_id", height="40vh"),
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """Choosing a province puts it in the URL; the page re-renders from the URL. The grids' block
    requests are answered from the rows kept for the URL's state."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.REPORTING_PROVINCE, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def province_to_url(province: str | None, search: str | None) -> Any:
        return province_search(province, search)

    @app.callback(
        Output(ids.REPORTING_MATRIX, "getRowsResponse"),
        Input(ids.REPORTING_MATRIX, "getRowsRequest"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def matrix_block(request: dict[str, Any] | None, search: str | None) -> Any:
        return answer_block(MATRIX, request, search)

    @app.callback(
        Output(ids.REPORTING_HISTORY, "getRowsResponse"),
        Input(ids.REPORTING_HISTORY, "getRowsRequest"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def history_block(request: dict[str, Any] | None, search: str | None) -> Any:
        return answer_block(HISTORY, request, search)


@one_data_version
def answer_block(kind: str, request: dict[str, Any] | None, search: str | None) -> Any:
    """One grid's answer to a block request, for the page state in the URL."""
    if request is None:
        return no_update
    engine = current_engine()
    lang, province = page_state(search, engine=engine)
    return block_response(page_rows(kind, lang=lang, province=province, engine=engine), request)


def province_search(province: str | None, search: str | None) -> Any:
    """The URL query for a chosen province, or ``no_update`` when the URL already says so."""
    wanted = with_params(search, province=None if province in (None, ALL) else province)
    return no_update if wanted == (search or "") else wanted
