"""Reporting: which agency reported for which plan year (reported / late / missing), and the upload history.

The matrix and the history are computed by pure functions over ``metrics.data`` frames; the page
layout only hands them to grids. The province filter is page state in the URL (``?province=QM``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, html, no_update

from dashboard import ids
from dashboard.data import current_engine
from dashboard.formatting import DISPLAY_ZONE, format_number, format_percent, format_year, jalali_datetime
from dashboard.grid import make_grid
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import with_params
from metrics.data import agencies_frame, periods_frame, submissions_frame

CellStatus = Literal["reported", "late", "missing"]
ALL = "all"
"""The province select's value for every province (a URL without ``province``)."""

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
    if deadline is None or pd.isna(deadline):
        return "reported"
    stamp = pd.Timestamp(submitted_at)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return "late" if stamp.tz_convert(DISPLAY_ZONE).date() > pd.Timestamp(deadline).date() else "reported"


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
    current = submissions[submissions["period_kind"] == "year"] if not submissions.empty else submissions
    submitted = {(row.agency_code, int(row.year)): row.submitted_at for row in current.itertuples()}
    rows = []
    for code, agency in agencies.iterrows():
        row: dict[str, Any] = {
            "agency_code": code,
            "agency": pick(lang, agency["name_fa"], agency["name_en"]),
            "county": pick(lang, agency["county_fa"] or "", agency["county_en"] or "") if agency["county_fa"] else "",
        }
        for year in plan_years(periods):
            status = cell_status(submitted.get((code, year)), yearly.at[year, "deadline"])
            row[f"s{year}"] = status
            row[f"y{year}"] = t(f"cell.{status}", lang)
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


def _matrix_columns(years: list[int], lang: str) -> list[dict[str, Any]]:
    status_classes = {
        f"egov-cell-{status}": f"params.data.s{{year}} === '{status}'" for status in ("reported", "late", "missing")
    }
    return [
        {"field": "agency", "headerName": t("reporting.col.agency", lang), "minWidth": 260, "flex": 2},
        {"field": "agency_code", "headerName": t("reporting.col.code", lang), "minWidth": 140},
        {"field": "county", "headerName": t("reporting.col.county", lang), "minWidth": 120},
        *[
            {
                "field": f"y{year}",
                "headerName": format_year(year, lang),
                "minWidth": 120,
                "cellClassRules": {cls: rule.format(year=year) for cls, rule in status_classes.items()},
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
        },
        {"field": "agency", "headerName": t("reporting.col.agency", lang), "minWidth": 220, "flex": 2},
        {"field": "period", "headerName": t("reporting.col.period", lang), "maxWidth": 110},
        {"field": "file_name", "headerName": t("reporting.col.file", lang), "minWidth": 180},
        {"field": "submitted_by", "headerName": t("reporting.col.by", lang)},
        {"field": "submitted_at", "headerName": t("reporting.col.at", lang), "minWidth": 150},
        {"field": "status", "headerName": t("reporting.col.status", lang)},
        {"field": "supersedes_id", "headerName": t("reporting.col.supersedes", lang), "valueFormatter": ID_FORMATTER},
    ]


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


def layout(lang: str = "fa", province: str | None = None, **_state: Any) -> html.Div:
    """The reporting page for one province (or all), read from the app's store."""
    lang = normalise_lang(lang)
    engine = current_engine()
    agencies, periods = agencies_frame(engine), periods_frame(engine)
    if province not in set(agencies["province_code"]):
        province = None
    years = plan_years(periods)
    rows = matrix_rows(agencies, submissions_frame(engine), periods, lang=lang, province=province)
    history = history_rows(submissions_frame(engine, current_only=False), agencies, lang=lang, province=province)
    context = {"locale": "en-US" if lang == "en" else "fa-IR"}
    return html.Div(
        [
            html.H1(t("page.reporting", lang), id=ids.REPORTING_TITLE),
            html.P(t("reporting.intro", lang)),
            dmc.Select(
                id=ids.REPORTING_PROVINCE,
                label=t("reporting.province", lang),
                data=province_options(agencies, lang),
                value=province or ALL,
                allowDeselect=False,
                w=260,
                mb="sm",
                className="egov-no-print",
            ),
            _summary(rows, years, lang),
            html.H2(t("reporting.matrix", lang)),
            make_grid(
                ids.REPORTING_MATRIX,
                lang=lang,
                columns=_matrix_columns(years, lang),
                rows=rows,
                row_id="agency_code",
                context=context,
            ),
            html.H2(t("reporting.history", lang)),
            make_grid(
                ids.REPORTING_HISTORY,
                lang=lang,
                columns=_history_columns(lang),
                rows=history,
                height="40vh",
                row_id="submission_id",
                context=context,
            ),
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """Choosing a province puts it in the URL; the page re-renders from the URL."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.REPORTING_PROVINCE, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def province_to_url(province: str | None, search: str | None) -> Any:
        return province_search(province, search)


def province_search(province: str | None, search: str | None) -> Any:
    """The URL query for a chosen province, or ``no_update`` when the URL already says so."""
    wanted = with_params(search, province=None if province in (None, ALL) else province)
    return no_update if wanted == (search or "") else wanted
