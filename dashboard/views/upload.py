"""Upload: an IT director downloads the template, uploads the filled workbook, reads the check, confirms.

Self-reports are small (tens of kB), so they travel through ``dcc.Upload`` as base64; the size limit
is ``EGOV_MAX_UPLOAD_MB``. ``dcc.Upload`` drops an oversize file silently, so ``assets/upload_size.js``
shows the (pre-rendered, translated) message when the browser sees a file over the limit; the server
checks the size again. Every check and every write is ``ingest.submissions.ingest_report_bytes``:
first a dry run, then, on confirmation, the same bytes for real (and so checked again).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, cast

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update
from flask import current_app, has_app_context
from sqlalchemy import Engine

from dashboard import ids
from dashboard.access import current_principal, require_principal
from dashboard.auth import remote_addr
from dashboard.data import current_engine
from dashboard.formatting import format_number, format_year
from dashboard.i18n import normalise_lang, pick, t
from dashboard.views.choices import agency_picker_options, flat_agency_options, matching_agencies
from dashboard.views.scope import one_data_version, per_version
from ingest.problems import Problem
from ingest.submissions import IngestOutcome, ingest_report_bytes
from ingest.template import template_bytes
from metrics import api
from metrics.data import periods_frame
from store.accounts import Principal
from store.settings import get_settings

MAX_BYTES_CONFIG_KEY = "EGOV_MAX_UPLOAD_BYTES"


def max_upload_bytes() -> int:
    """The upload limit: the app's own (tests set a small one), else the settings'."""
    if has_app_context() and current_app.config.get(MAX_BYTES_CONFIG_KEY):
        return int(current_app.config[MAX_BYTES_CONFIG_KEY])
    return get_settings().max_upload_bytes


def limit_mb(max_bytes: int, lang: str) -> str:
    """The limit in megabytes as the page states it.

    >>> limit_mb(10 * 1024 * 1024, "fa"), limit_mb(512 * 1024, "en")
    ('۱۰', '0.5')
    """
    megabytes = max_bytes / (1024 * 1024)
    return format_number(megabytes, lang, decimals=0 if megabytes >= 1 else 1)


def decode_upload(contents: str | None) -> bytes | None:
    """The file bytes of a ``dcc.Upload`` data URL, or ``None`` when it is not one.

    >>> decode_upload("data:application/octet-stream;base64,aGk=")
    b'hi'
    >>> decode_upload("garbage") is None
    True
    """
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def template_file_name(agency_code: str, period: str) -> str:
    """``egov-report-QM-GOV-1393.xlsx``: what the IT director saves and later uploads."""
    return f"egov-report-{agency_code}-{period}.xlsx"


def problem_rows(problems: list[Problem], lang: str) -> list[dict[str, str]]:
    """The validation report as table rows: cell, field, value seen, problem, expected."""
    lang = normalise_lang(lang)
    rows = []
    for problem in problems:
        cell = f"{problem.sheet}!{problem.cell}" if problem.sheet and problem.cell else (problem.sheet or "")
        field = pick(lang, problem.field_fa or "", problem.field_en or "") or (problem.field or "")
        rows.append(
            {
                "cell": cell,
                "field": field,
                "seen": problem.seen if problem.seen not in (None, "") else t("upload.empty", lang),
                "problem": pick(lang, problem.message_fa, problem.message_en),
                "expected": pick(lang, problem.expected_fa or "", problem.expected_en or ""),
            }
        )
    return rows


def _problem_table(problems: list[Problem], lang: str) -> dmc.TableScrollContainer:
    keys = ("cell", "field", "seen", "problem", "expected")
    head = html.Tr([html.Th(t(f"upload.col.{key}", lang), scope="col") for key in keys])
    body = [
        html.Tr(
            [
                html.Td(html.Span(row["cell"], dir="ltr"), className="egov-cell-address"),
                html.Td(row["field"]),
                html.Td(row["seen"]),
                html.Td(row["problem"]),
                html.Td(row["expected"]),
            ]
        )
        for row in problem_rows(problems, lang)
    ]
    table = dmc.Table(
        [html.Thead(head), html.Tbody(body)], striped=True, withTableBorder=True, className="egov-table egov-problems"
    )
    return dmc.TableScrollContainer(table, minWidth=640, scrollAreaProps={"viewportProps": {"tabIndex": 0}})


def _file_line(outcome: IngestOutcome, lang: str) -> str:
    text = t("upload.file", lang, file=outcome.file_name)
    if outcome.agency_code and outcome.period:
        text += " — " + t("upload.file_of", lang, agency=outcome.agency_code, period=format_year(outcome.period, lang))
    return text


def report_view(outcome: IngestOutcome, lang: str) -> html.Div:
    """What the page shows after a dry run (or a store): a status line, then the problems if any."""
    lang = normalise_lang(lang)
    id_text = format_year(outcome.submission_id, lang)
    if outcome.status == "rejected":
        message = t("upload.rejected", lang, count=format_number(len(outcome.problems), lang))
        color = "red"
    elif outcome.status == "duplicate":
        message, color = t("upload.duplicate", lang, id=id_text), "yellow"
    elif outcome.status == "stored":
        message, color = t("upload.stored", lang, id=id_text), "green"
    else:
        message, color = t("upload.checked", lang), "blue"
    details = [html.P(_file_line(outcome, lang))]
    if outcome.status == "checked" and outcome.supersedes_id is not None:
        details.append(html.P(t("upload.checked_supersedes", lang, id=format_year(outcome.supersedes_id, lang))))
    children: list[Any] = [
        dmc.Alert(
            [html.Strong(message), *details], color=color, className=f"egov-outcome egov-outcome-{outcome.status}"
        )
    ]
    if outcome.problems:
        children.append(_problem_table(outcome.problems, lang))
    return html.Div(children, **cast("dict[str, Any]", {"data-status": outcome.status}))


def _unreadable(lang: str) -> dmc.Alert:
    return dmc.Alert(t("upload.unreadable", lang), color="red", className="egov-outcome egov-outcome-unreadable")


def check_upload(
    contents: str | None, file_name: str | None, lang: str, *, dry_run: bool, uploader: Principal
) -> tuple[Any, bool]:
    """Run one upload through ingest as ``uploader``; the view of its outcome and whether it may be
    confirmed next. The agency the workbook names must be one the uploader reports for: the file's
    own content decides, whatever the page's picker says."""
    data = decode_upload(contents)
    if data is None:
        return _unreadable(lang), False
    outcome = ingest_report_bytes(
        current_engine(),
        data,
        file_name=file_name or "upload.xlsx",
        actor=uploader.name,
        max_bytes=max_upload_bytes(),
        dry_run=dry_run,
        reportable={uploader.agency_code} if uploader.agency_code else set(),
        remote_addr=remote_addr(),
    )
    return report_view(outcome, lang), outcome.status == "checked"


def picker_options(search: object, picked: str | None, lang: str) -> list[dict[str, str]]:
    """The agency picker's options: the picked agency, then the first matches of what was typed."""
    return agency_picker_options(search, [picked] if picked else [], normalise_lang(lang))


def year_options(periods: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """The plan years that have a yearly period."""
    years = sorted(int(y) for y in periods.loc[periods["kind"] == "year", "year"])
    return [{"value": str(y), "label": format_year(y, lang)} for y in years]


def _names(engine: Engine) -> pd.DataFrame:
    """Every agency's names by code, kept per data version (shared: read, never changed)."""
    return per_version(engine, ("upload/names",), lambda: api.agencies(engine)[["name_fa", "name_en"]])


def _picker_data(engine: Engine, agencies: pd.DataFrame, *, own: str | None, picked: str | None, lang: str) -> Any:
    """The agency picker's first options: an IT director's own agency only; else the picked agency and
    the first ``PICKER_LIMIT`` others (without a pick, the same list for everyone: kept per data version)."""
    if own:
        return flat_agency_options(agencies.loc[[own]], lang)
    if picked:
        return flat_agency_options(matching_agencies(agencies, "", selected=[picked]), lang)
    return per_version(
        engine, ("upload/first", lang), lambda: flat_agency_options(matching_agencies(agencies, ""), lang)
    )


@one_data_version
def layout(lang: str = "fa", agency: str | None = None, year: str | None = None, **_state: Any) -> html.Div:
    """The upload page; ``?agency=QM-GOV&year=1393`` preselects the template's agency and year.

    The agencies' names are kept per data version (reading and framing 10,000 agencies took ≈ 110 ms a
    request), and the picker ships at most ``PICKER_LIMIT`` of them: typing asks the server.
    """
    lang = normalise_lang(lang)
    engine = current_engine()
    agencies = _names(engine)
    max_bytes = max_upload_bytes()
    limit = limit_mb(max_bytes, lang)
    years = per_version(engine, ("upload/years", lang), lambda: year_options(periods_frame(engine), lang))
    principal = current_principal()
    own = principal.agency_code if principal is not None else None  # an IT director reports for theirs only
    own = own if own in agencies.index else None
    picked = own or (agency if agency in agencies.index else None)
    return html.Div(
        [
            html.H1(t("page.upload", lang), id=ids.UPLOAD_TITLE),
            html.Ol([html.Li(t(f"upload.step{step}", lang)) for step in (1, 2, 3)]),
            dcc.Store(id=ids.UPLOAD_LANG, data=lang),
            dmc.Group(
                [
                    dmc.Select(
                        id=ids.UPLOAD_AGENCY,
                        label=t("upload.agency", lang),
                        placeholder=t("upload.agency_placeholder", lang),
                        data=_picker_data(engine, agencies, own=own, picked=picked, lang=lang),
                        value=picked,
                        searchable=True,
                        filter={"function": "egovFilter"},
                        clearable=True,
                        w=420,
                    ),
                    dmc.Select(
                        id=ids.UPLOAD_YEAR,
                        label=t("upload.year", lang),
                        data=years,
                        value=year if year in {o["value"] for o in years} else None,
                        w=140,
                    ),
                    dmc.Button(t("upload.template", lang), id=ids.UPLOAD_TEMPLATE_BUTTON, disabled=True),
                ],
                align="flex-end",
                mb="xs",
            ),
            html.P(t("upload.choose_first", lang), className="egov-muted"),
            dcc.Download(id=ids.UPLOAD_TEMPLATE_DOWNLOAD),
            html.Div(
                dcc.Upload(
                    html.Div(t("upload.drop", lang, limit=limit)),
                    id=ids.UPLOAD_DROPZONE,
                    max_size=max_bytes,
                    multiple=False,
                    accept=".xlsx",
                    className="egov-dropzone",
                    className_active="egov-dropzone-active",
                ),
                id=ids.UPLOAD_DROPZONE_WRAPPER,
                className="egov-no-print",
                **cast("dict[str, Any]", {"data-max-bytes": str(max_bytes), "data-message-id": ids.UPLOAD_TOO_LARGE}),
            ),
            html.Div(
                t("upload.too_large", lang, limit=limit),
                id=ids.UPLOAD_TOO_LARGE,
                hidden=True,
                role="alert",
                className="egov-too-large",
            ),
            dcc.Loading(html.Div(id=ids.UPLOAD_REPORT, role="status"), type="dot"),
            dmc.Button(t("upload.confirm", lang), id=ids.UPLOAD_CONFIRM, disabled=True, color="green", mt="sm"),
            dcc.Loading(html.Div(id=ids.UPLOAD_RESULT, role="status"), type="dot"),
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """Thin callbacks over the functions above; typing in the agency picker asks the server for matches."""

    @app.callback(
        Output(ids.UPLOAD_TEMPLATE_BUTTON, "disabled"),
        Input(ids.UPLOAD_AGENCY, "value"),
        Input(ids.UPLOAD_YEAR, "value"),
    )
    def template_ready(agency: str | None, year: str | None) -> bool:
        return not (agency and year)

    @app.callback(
        Output(ids.UPLOAD_AGENCY, "data"),
        Input(ids.UPLOAD_AGENCY, "searchValue"),
        State(ids.UPLOAD_AGENCY, "value"),
        State(ids.UPLOAD_LANG, "data"),
        prevent_initial_call=True,
    )
    def search_agencies(typed: str | None, picked: str | None, lang: str | None) -> Any:
        # An empty search is the picker clearing itself after a pick: the options it has hold the pick,
        # while ``picked`` may predate it (and options without the pick would unpick it).
        principal = current_principal()
        if principal is not None and principal.agency_code:
            return no_update  # an IT director's picker holds their own agency only
        return picker_options(typed, picked, lang or "fa") if typed else no_update

    @app.callback(
        Output(ids.UPLOAD_TEMPLATE_DOWNLOAD, "data"),
        Input(ids.UPLOAD_TEMPLATE_BUTTON, "n_clicks"),
        State(ids.UPLOAD_AGENCY, "value"),
        State(ids.UPLOAD_YEAR, "value"),
        prevent_initial_call=True,
    )
    def download_template(_clicks: int | None, agency: str | None, year: str | None) -> Any:
        return template_download(agency, year)

    @app.callback(
        Output(ids.UPLOAD_REPORT, "children"),
        Output(ids.UPLOAD_CONFIRM, "disabled"),
        Output(ids.UPLOAD_RESULT, "children"),
        Output(ids.UPLOAD_TOO_LARGE, "hidden"),
        Input(ids.UPLOAD_DROPZONE, "contents"),
        State(ids.UPLOAD_DROPZONE, "filename"),
        State(ids.UPLOAD_LANG, "data"),
        prevent_initial_call=True,
    )
    def dry_run(contents: str | None, file_name: str | None, lang: str | None) -> tuple[Any, bool, Any, bool]:
        view, can_confirm = check_upload(contents, file_name, lang or "fa", dry_run=True, uploader=require_principal())
        return view, not can_confirm, None, True

    @app.callback(
        Output(ids.UPLOAD_RESULT, "children", allow_duplicate=True),
        Output(ids.UPLOAD_CONFIRM, "disabled", allow_duplicate=True),
        Input(ids.UPLOAD_CONFIRM, "n_clicks"),
        State(ids.UPLOAD_DROPZONE, "contents"),
        State(ids.UPLOAD_DROPZONE, "filename"),
        State(ids.UPLOAD_LANG, "data"),
        prevent_initial_call=True,
    )
    def confirm(_clicks: int | None, contents: str | None, file_name: str | None, lang: str | None) -> tuple[Any, bool]:
        view, _ = check_upload(contents, file_name, lang or "fa", dry_run=False, uploader=require_principal())
        return view, True


def template_download(agency: str | None, year: str | None) -> Any:
    """``dcc.Download`` data for the chosen agency and year's template, or ``no_update`` if one is missing."""
    if not agency or not year:
        return no_update
    agencies = _names(current_engine())  # kept per data version, not read per click
    if agency not in agencies.index:
        return no_update
    name = str(agencies.at[agency, "name_fa"])
    content = template_bytes(agency_code=agency, agency_name=name, period=year)
    return dcc.send_bytes(content, template_file_name(agency, year))
