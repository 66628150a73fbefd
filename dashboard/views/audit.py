"""Audit: who uploaded, approved, returned, or changed a user or a deadline; when, from where, which file.

The governor's office reads its province's events, an administrator every event; both can export them
(formula-safe .xlsx, ``metrics.export.xlsx_bytes``). The page shows the newest ``SHOWN`` events; the
export holds them all.
"""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, dcc, html

from dashboard import ids
from dashboard.access import current_principal, require_principal
from dashboard.data import current_engine
from dashboard.formatting import format_year, jalali_datetime, plain_text
from dashboard.i18n import normalise_lang, t
from metrics.audit import audit_frame
from metrics.export import xlsx_bytes

SHOWN = 200


def events_table(frame: pd.DataFrame, lang: str) -> dmc.TableScrollContainer:
    keys = ("when", "what", "who", "from", "agency", "period", "submission", "file", "comment")
    head = html.Tr([html.Th(t(f"audit.col.{key}", lang), scope="col") for key in keys])
    body = [
        html.Tr(
            [
                html.Td(jalali_datetime(row.at, lang)),
                html.Td(html.Code(plain_text(row.kind))),
                html.Td(plain_text(row.actor)),
                html.Td(html.Span(plain_text(row.remote_addr), dir="ltr")),
                html.Td(plain_text(row.agency_code)),
                html.Td(format_year(plain_text(row.period_code), lang) if plain_text(row.period_code) else ""),
                html.Td(format_year(int(row.submission_id), lang) if pd.notna(row.submission_id) else ""),
                html.Td(
                    [plain_text(row.file), html.Br(), html.Small(plain_text(row.sha256)[:16], dir="ltr")]
                    if plain_text(row.file)
                    else ""
                ),
                html.Td(plain_text(row.comment) or plain_text(row.detail)),
            ]
        )
        for row in frame.itertuples()
    ]
    table = dmc.Table([html.Thead(head), html.Tbody(body)], striped=True, withTableBorder=True, className="egov-table")
    return dmc.TableScrollContainer(table, minWidth=900, scrollAreaProps={"viewportProps": {"tabIndex": 0}})


def layout(lang: str = "fa", **_state: Any) -> html.Div:
    lang = normalise_lang(lang)
    principal = current_principal()
    province = principal.province_scope if principal is not None else None
    frame = audit_frame(current_engine(), province=province, limit=SHOWN)
    return html.Div(
        [
            html.H1(t("page.audit", lang), id=ids.AUDIT_TITLE),
            html.P(t("audit.intro", lang, shown=format_year(SHOWN, lang))),
            dcc.Store(id=ids.AUDIT_LANG, data=lang),
            dmc.Button(t("audit.export", lang), id=ids.AUDIT_EXPORT_BUTTON, mb="sm"),
            dcc.Download(id=ids.AUDIT_EXPORT),
            html.Div(events_table(frame, lang), id=ids.AUDIT_TABLE),
        ],
        className="egov-page",
    )


def export(province: str | None) -> dict[str, Any]:
    """Every event the user may read, as an .xlsx download."""
    frame = audit_frame(current_engine(), province=province)
    return dcc.send_bytes(xlsx_bytes(frame, sheet="audit"), "egov-audit.xlsx")


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(ids.AUDIT_EXPORT, "data"),
        Input(ids.AUDIT_EXPORT_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
    def on_export(_clicks: int | None) -> Any:
        return export(require_principal().province_scope)
