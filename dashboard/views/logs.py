"""Service logs: upload a transaction export, watch it being processed in the background, see the outcome.

The file goes to ``POST /uploads/logs`` from ``assets/log_upload.js`` (a native file input and an XHR
with upload progress), never through a callback. The route answers with a token, which the script
puts in ``ids.LOGS_TOKEN``; that starts a Dash background callback (``dashboard.log_jobs``) whose
progress drives the bar while the rest of the app keeps answering. Its summary lands in
``ids.LOGS_RESULT``, and a plain callback turns it, and the refreshed job list, into the page.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, get_relative_path, html

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures import DMC, Element, element, records, tag
from dashboard.formatting import format_number, format_percent, format_year, jalali_datetime
from dashboard.i18n import TEXT, normalise_lang, pick, t
from dashboard.log_jobs import JobPlaces, background_manager, fresh_connections, progress_reporter, run_uploaded_log
from dashboard.log_uploads import (
    ACCEPTED_SUFFIXES,
    REJECTS_ROUTE,
    UPLOAD_ROUTE,
    max_log_upload_bytes,
    rejects_dir,
    rejects_file,
    uploads_dir,
)
from dashboard.views.scope import per_version
from dashboard.views.upload import limit_mb
from ingest.service_logs import REASONS
from metrics import api

LOG = logging.getLogger(__name__)
RECENT_JOBS = 20
_STATUS_COLOURS = {"done": "green", "duplicate": "yellow", "refused": "red", "failed": "red", "missing": "red"}


def rejects_href(job_id: int) -> str:
    """The link to a job's rejects file, relative to where the app is served."""
    return str(get_relative_path(REJECTS_ROUTE.replace("<int:job_id>", str(int(job_id)))))


def month_label(year: int, month: int, lang: str) -> str:
    """A Jalali month as ``1393/05`` in the language's digits.

    >>> month_label(1393, 5, "fa"), month_label(1393, 12, "en")
    ('۱۳۹۳/۰۵', '1393/12')
    """
    return format_year(f"{int(year):04d}/{int(month):02d}", lang)


def status_text(status: str, lang: str) -> str:
    """A job status in the page's language (an unknown one as it is stored)."""
    key = f"logs.status.{status}"
    return t(key, lang) if key in TEXT else status


def trigger_text(trigger: str, lang: str) -> str:
    key = f"logs.trigger.{trigger}"
    return t(key, lang) if key in TEXT else trigger


def reason_rows(reasons: dict[str, int], lang: str) -> list[tuple[str, str]]:
    """Why rows were rejected, most frequent first, each in the page's language with its count.

    >>> reason_rows({"bad_time": 2, "unknown_agency": 5}, "en")
    [('unknown agency code', '5'), ('time cannot be read', '2')]
    """
    ordered = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    return [
        (pick(lang, *REASONS.get(reason, (reason, reason))), format_number(count, lang)) for reason, count in ordered
    ]


def _listing(items: list[str], lang: str) -> str:
    """Items joined with the language's list separator, or the word for none."""
    return t("logs.list_separator", lang).join(items) if items else t("logs.none", lang)


def _facts(summary: dict[str, Any], lang: str) -> dmc.Table:
    months = [month_label(y, m, lang) for y, m in summary.get("months", [])]
    replaced = [
        t(
            "logs.replaced_item",
            lang,
            batch=format_number(item["batch_id"], lang),
            month=month_label(item["year"], item["month"], lang),
        )
        for item in summary.get("replaced", [])
    ]
    facts = [
        ("logs.source_system", summary.get("source_system") or "–"),
        ("logs.rows_read", format_number(summary["rows_read"], lang)),
        ("logs.rows_accepted", format_number(summary["rows_accepted"], lang)),
        ("logs.rows_rejected", format_number(summary["rows_rejected"], lang)),
        ("logs.rejected_share", format_percent(100 * summary["rejected_share"], lang, decimals=1)),
        ("logs.rows_duplicate", format_number(summary["rows_duplicate"], lang)),
        ("logs.months", _listing(months, lang)),
        ("logs.replaced", _listing(replaced, lang)),
    ]
    rows = [html.Tr([html.Th(t(key, lang), scope="row"), html.Td(value)]) for key, value in facts]
    return dmc.Table(html.Tbody(rows), withTableBorder=True, className="egov-table egov-log-facts", w="auto")


def _reasons_table(reasons: dict[str, int], lang: str) -> html.Div:
    head = html.Tr([html.Th(t("logs.col.reason", lang), scope="col"), html.Th(t("logs.col.count", lang), scope="col")])
    body = [html.Tr([html.Td(reason), html.Td(count)]) for reason, count in reason_rows(reasons, lang)]
    table = dmc.Table([html.Thead(head), html.Tbody(body)], withTableBorder=True, className="egov-table", w="auto")
    return html.Div([html.H3(t("logs.reasons", lang)), table], className="egov-log-reasons")


def outcome_view(summary: dict[str, Any] | None, lang: str) -> Any:
    """What the page shows when a job has finished: a status line, the counts, the reasons, the rejects link."""
    lang = normalise_lang(lang)
    if not summary:
        return None
    status = str(summary.get("status", "missing"))
    if status in ("missing", "error") or "rows_read" not in summary:
        key = "logs.result.error" if status == "error" else "logs.result.missing"
        return dmc.Alert(t(key, lang), color="red", className=f"egov-outcome egov-outcome-{status}")
    file_name = summary.get("file_name") or ""
    if status == "done":
        headline = t("logs.result.done", lang, file=file_name, job=format_year(summary.get("job_id"), lang))
    elif f"logs.result.{status}" in TEXT:
        headline = t(f"logs.result.{status}", lang, file=file_name)
    else:
        headline = status_text(status, lang)
    message = pick(lang, summary.get("message_fa") or "", summary.get("message_en") or "")
    children: list[Any] = [
        dmc.Alert(
            [html.Strong(headline), html.P(message) if message else None],
            color=_STATUS_COLOURS.get(status, "blue"),
            className=f"egov-outcome egov-outcome-{status}",
        )
    ]
    if summary.get("rows_read"):
        children.append(_facts(summary, lang))
    if summary.get("reasons"):
        children.append(_reasons_table(summary["reasons"], lang))
    if summary.get("has_rejects") and summary.get("job_id") is not None:
        children.append(
            html.A(
                t("logs.download_rejects", lang), href=rejects_href(summary["job_id"]), className="egov-rejects-link"
            )
        )
    return html.Div(children, **cast("dict[str, Any]", {"data-status": status}))


_JOB_FIELDS = (
    "job_id",
    "file_name",
    "source_system",
    "started_by",
    "trigger",
    "started_at",
    "status",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "rejects_path",
)
_started_at = lru_cache(maxsize=1024)(jalali_datetime)
"""``jalali_datetime`` (≈ 20 µs a call through jdatetime), kept: the same jobs are listed again and again."""


def job_rows(jobs: pd.DataFrame, lang: str, *, rejects_folder: Path | None) -> list[dict[str, Any]]:
    """The job list as display rows; a rejects link only where the file is in the served rejects folder
    (with no folder, none: :func:`recent_jobs_view` asks per visit)."""
    lang = normalise_lang(lang)
    rows = []
    for job in records(jobs, _JOB_FIELDS):
        source = job["source_system"]
        rows.append(
            {
                "job_id": int(job["job_id"]),
                "job": format_year(int(job["job_id"]), lang),
                "file": str(job["file_name"]),
                "source": source if isinstance(source, str) and source else "–",
                "who": f"{job['started_by']} ({trigger_text(str(job['trigger']), lang)})",
                "when": _started_at(job["started_at"], lang),
                "status": status_text(str(job["status"]), lang),
                "status_code": str(job["status"]),
                "read": format_number(job["rows_read"], lang),
                "accepted": format_number(job["rows_accepted"], lang),
                "rejected": format_number(job["rows_rejected"], lang),
                "rejects_href": _servable_href(int(job["job_id"]), job["rejects_path"], rejects_folder),
                "rejects_path": job["rejects_path"],
            }
        )
    return rows


_JOB_COLUMNS = ("job", "file", "source", "who", "when", "status", "read", "accepted", "rejected", "rejects")
_COLUMN_KEYS = {"source": "logs.source_system"}


def jobs_table(rows: list[dict[str, Any]], lang: str) -> Element:
    """The recent ingest jobs as a table (or a line saying there are none), as plain data (see
    ``figures.Element``: 20 jobs are ≈ 450 nodes, which Dash would walk in Python as components)."""
    if not rows:
        return tag("P", t("logs.no_jobs", lang), className="egov-muted")
    head = tag(
        "Tr", [tag("Th", t(_COLUMN_KEYS.get(key, f"logs.col.{key}"), lang), scope="col") for key in _JOB_COLUMNS]
    )
    body = [
        tag(
            "Tr",
            [
                tag("Td", row["job"]),
                tag("Td", tag("Span", row["file"], dir="auto")),
                tag("Td", tag("Span", row["source"], dir="auto")),
                tag("Td", row["who"]),
                tag("Td", row["when"]),
                tag("Td", row["status"], className=f"egov-job-status egov-job-{row['status_code']}"),
                tag("Td", row["read"]),
                tag("Td", row["accepted"]),
                tag("Td", row["rejected"]),
                tag(
                    "Td",
                    tag("A", t("logs.rejects_link", lang), href=row["rejects_href"]) if row["rejects_href"] else "–",
                ),
            ],
            **{"data-job-id": str(row["job_id"])},
        )
        for row in rows
    ]
    table = element(
        DMC,
        "Table",
        [tag("Thead", head), tag("Tbody", body)],
        striped=True,
        withTableBorder=True,
        className="egov-table egov-jobs",
    )
    return element(DMC, "TableScrollContainer", table, minWidth=760, scrollAreaProps={"viewportProps": {"tabIndex": 0}})


def recent_jobs_view(lang: str) -> Element:
    """The latest log ingest jobs of the app's store, as the page shows them (plain data).

    The rows are kept until a new job is recorded (``api.ingest_jobs_version``: one small query per
    visit instead of the jobs framed and formatted again); whether each rejects file can be served is
    still asked on every visit."""
    engine, folder = current_engine(), rejects_dir()
    rows = per_version(
        engine,
        ("logs/jobs", normalise_lang(lang)),
        lambda: job_rows(api.ingest_jobs(kind="logs", limit=RECENT_JOBS, engine=engine), lang, rejects_folder=None),
        version=api.ingest_jobs_version(engine=engine),
    )
    shown = [{**row, "rejects_href": _servable_href(row["job_id"], row["rejects_path"], folder)} for row in rows]
    return jobs_table(shown, lang)


def _servable_href(job_id: int, rejects_path: object, folder: Path | None) -> str | None:
    """The link to a job's rejects file, only if it is a file inside the served ``folder``."""
    if folder is None or rejects_file(rejects_path, folder) is None:
        return None
    return rejects_href(job_id)


def _form_attributes(lang: str, max_bytes: int) -> dict[str, str]:
    """What ``assets/log_upload.js`` needs: the route, the limit, the ids it drives and the texts in both languages."""
    limit = {code: limit_mb(max_bytes, code) for code in ("fa", "en")}
    texts = {
        "too-large": {code: t("logs.too_large", code, limit=limit[code]) for code in ("fa", "en")},
        "no-file": {code: t("logs.no_file", code) for code in ("fa", "en")},
        "failed": {code: t("logs.upload_failed", code) for code in ("fa", "en")},
    }
    attributes = {
        "data-egov-log-upload": "1",
        "data-upload-url": str(get_relative_path(UPLOAD_ROUTE)),
        "data-log-max-bytes": str(max_bytes),  # not data-max-bytes: upload_size.js watches that one
        "data-accept": ",".join(ACCEPTED_SUFFIXES),
        "data-picker-id": ids.LOGS_PICKER,
        "data-file-input-id": ids.LOGS_FILE_INPUT,
        "data-source-id": ids.LOGS_SOURCE,
        "data-button-id": ids.LOGS_UPLOAD_BUTTON,
        "data-progress-id": ids.LOGS_UPLOAD_PROGRESS,
        "data-message-id": ids.LOGS_UPLOAD_MESSAGE,
        "data-token-id": ids.LOGS_TOKEN,
    }
    attributes.update(
        {f"data-text-{key}-{code}": text for key, by_lang in texts.items() for code, text in by_lang.items()}
    )
    return attributes


def layout(lang: str = "fa", **_state: Any) -> html.Div:
    """The Service logs page: the upload form, the job's progress and outcome, the recent jobs."""
    lang = normalise_lang(lang)
    max_bytes = max_log_upload_bytes()
    form = html.Div(
        [
            html.Label(t("logs.file", lang), htmlFor=ids.LOGS_FILE_INPUT, className="egov-field-label"),
            html.Div(id=ids.LOGS_PICKER, className="egov-file-picker"),
            html.Label(t("logs.source", lang), htmlFor=ids.LOGS_SOURCE, className="egov-field-label"),
            dcc.Input(id=ids.LOGS_SOURCE, type="text", maxLength=100, className="egov-text-input", debounce=True),
            html.P(t("logs.source_hint", lang), className="egov-muted"),
            dmc.Button(t("logs.upload", lang), id=ids.LOGS_UPLOAD_BUTTON, mt="xs"),
        ],
        id=ids.LOGS_FORM,
        className="egov-log-form egov-no-print",
        **cast("dict[str, Any]", _form_attributes(lang, max_bytes)),
    )
    return html.Div(
        [
            html.H1(t("page.logs", lang), id=ids.LOGS_TITLE),
            html.P(t("logs.intro", lang, limit=limit_mb(max_bytes, lang))),
            dcc.Store(id=ids.LOGS_LANG, data=lang),
            dcc.Store(id=ids.LOGS_TOKEN),
            dcc.Store(id=ids.LOGS_RESULT),
            form,
            html.Div(
                [
                    html.Label(t("logs.upload_progress", lang), htmlFor=ids.LOGS_UPLOAD_PROGRESS),
                    html.Progress(id=ids.LOGS_UPLOAD_PROGRESS, max="100", value="0", className="egov-progress"),
                ],
                className="egov-progress-row",
            ),
            html.Div(id=ids.LOGS_UPLOAD_MESSAGE, hidden=True, role="alert", className="egov-too-large"),
            html.Div(
                [
                    html.Label(t("logs.job_progress", lang), htmlFor=ids.LOGS_JOB_PROGRESS),
                    html.Progress(id=ids.LOGS_JOB_PROGRESS, max="100", value="0", className="egov-progress"),
                    html.Span(id=ids.LOGS_JOB_PROGRESS_TEXT, role="status"),
                ],
                id=ids.LOGS_JOB_PANEL,
                hidden=True,
                className="egov-progress-row",
            ),
            html.Div(id=ids.LOGS_OUTCOME, role="status"),
            html.H2(t("logs.recent", lang)),
            dcc.Store(id=ids.LOGS_LOAD, data=True),
            html.Div(id=ids.LOGS_JOBS),  # the list follows in its own answer, as plain data
        ],
        className="egov-page",
    )


def register_callbacks(app: Dash) -> None:
    """The background job (in another process, see ``dashboard.log_jobs``) and the view of its outcome."""
    manager = background_manager()

    @app.callback(
        Output(ids.LOGS_RESULT, "data"),
        Input(ids.LOGS_TOKEN, "data"),
        State(ids.LOGS_LANG, "data"),
        background=True,
        manager=manager,
        progress=[Output(ids.LOGS_JOB_PROGRESS, "value"), Output(ids.LOGS_JOB_PROGRESS_TEXT, "children")],
        running=[
            (Output(ids.LOGS_UPLOAD_BUTTON, "disabled"), True, False),
            (Output(ids.LOGS_JOB_PANEL, "hidden"), False, True),
        ],
        prevent_initial_call=True,
    )
    def process_upload(set_progress: Any, upload: dict[str, Any] | None, lang: str | None) -> dict[str, Any]:
        return process_in_background(app, upload, lang or "fa", set_progress)

    @app.callback(
        Output(ids.LOGS_OUTCOME, "children"),
        Input(ids.LOGS_RESULT, "data"),
        State(ids.LOGS_LANG, "data"),
        prevent_initial_call=True,
    )
    def show_outcome(summary: dict[str, Any] | None, lang: str | None) -> Any:
        return outcome_view(summary, lang or "fa")

    @app.callback(
        Output(ids.LOGS_JOBS, "children"),
        Input(ids.LOGS_LOAD, "data"),
        Input(ids.LOGS_RESULT, "data"),
        State(ids.LOGS_LANG, "data"),
    )
    def show_jobs(_load: Any, _summary: Any, lang: str | None) -> Element:
        """The job list when the page opens, and again when a job has finished."""
        return recent_jobs_view(lang or "fa")


def process_in_background(app: Dash, upload: dict[str, Any] | None, lang: str, set_progress: Any) -> dict[str, Any]:
    """The body of the background callback: runs in the job's process, with the app's store and folders."""
    token = str((upload or {}).get("token") or "")
    with app.server.app_context():
        engine = fresh_connections(current_engine())
        places = JobPlaces(uploads=uploads_dir(), rejects=rejects_dir())
        report = progress_reporter(
            set_progress, lambda percent: t("logs.processing", lang, percent=format_number(percent, lang))
        )
        report(0.0)
        try:
            return run_uploaded_log(engine, token, places=places, on_progress=report)
        except Exception:  # the page must hear of it; ingest rolled back, the upload stays for a look
            LOG.exception("log upload %s: the job failed", token)
            return {"status": "error"}
