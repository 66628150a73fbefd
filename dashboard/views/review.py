"""Review: the governor's office approves a submission or returns it with a comment.

Only submissions of the office's own province are listed or accepted: ``store.workflow`` checks the
reviewer again for every decision, so a crafted request for another province's submission is refused
there too (the request guard has already refused any other role this page's callbacks).
"""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.access import current_principal, require_principal
from dashboard.auth import remote_addr
from dashboard.data import current_engine
from dashboard.formatting import format_year, jalali_datetime, plain_text
from dashboard.i18n import normalise_lang, pick, t
from metrics.audit import review_frame
from store.accounts import Principal
from store.workflow import ReviewError, review_submission


def queue(principal: Principal) -> pd.DataFrame:
    """The submissions this reviewer sees: their province's (everything for a reader of all)."""
    return review_frame(current_engine(), province=principal.province_scope)


def pending_options(frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """One option per pending submission: number, agency, year, and "late" where it is."""
    pending = frame[frame["review_status"] == "pending"]
    return [
        {
            "value": str(row.submission_id),
            "label": " — ".join(
                part
                for part in (
                    f"#{format_year(row.submission_id, lang)}",
                    pick(lang, row.name_fa, row.name_en),
                    format_year(row.period_code, lang),
                    t("review.late", lang) if row.late else "",
                )
                if part
            ),
        }
        for row in pending.itertuples()
    ]


def queue_table(frame: pd.DataFrame, lang: str) -> dmc.TableScrollContainer:
    """Every listed submission with its review state; status in words (and late marked in words)."""
    keys = ("number", "agency", "period", "submitted", "by", "status", "reviewer", "comment")
    head = html.Tr([html.Th(t(f"review.col.{key}", lang), scope="col") for key in keys])
    body = [
        html.Tr(
            [
                html.Td(format_year(row.submission_id, lang)),
                html.Td(pick(lang, row.name_fa, row.name_en)),
                html.Td(format_year(row.period_code, lang)),
                html.Td(jalali_datetime(row.submitted_at, lang) + (f" ({t('review.late', lang)})" if row.late else "")),
                html.Td(row.submitted_by),
                html.Td(t(f"review.status.{row.review_status}", lang), className=f"egov-review-{row.review_status}"),
                html.Td(plain_text(row.reviewed_by)),
                html.Td(plain_text(row.review_comment)),
            ]
        )
        for row in frame.itertuples()
    ]
    table = dmc.Table([html.Thead(head), html.Tbody(body)], striped=True, withTableBorder=True, className="egov-table")
    return dmc.TableScrollContainer(
        table, minWidth=720, id=ids.REVIEW_TABLE, scrollAreaProps={"viewportProps": {"tabIndex": 0}}
    )


def layout(lang: str = "fa", **_state: Any) -> html.Div:
    lang = normalise_lang(lang)
    principal = current_principal()
    frame = queue(principal) if principal is not None else review_frame(current_engine()).iloc[0:0]
    return html.Div(
        [
            html.H1(t("page.review", lang), id=ids.REVIEW_TITLE),
            html.P(t("review.intro", lang)),
            dcc.Store(id=ids.REVIEW_LANG, data=lang),
            dmc.Select(
                id=ids.REVIEW_PICK,
                label=t("review.pick", lang),
                data=pending_options(frame, lang),
                searchable=True,
                clearable=True,
                w=520,
            ),
            dmc.Textarea(id=ids.REVIEW_COMMENT, label=t("review.comment", lang), w=520, mt="xs"),
            dmc.Group(
                [  # dark green / red: white text on them stays above 4.5:1 (axe found Mantine's 6 and 9 shades below)
                    dmc.Button(t("review.approve", lang), id=ids.REVIEW_APPROVE, color="#1e6b2e"),
                    dmc.Button(t("review.return", lang), id=ids.REVIEW_RETURN, color="#9c1c1c"),
                ],
                mt="sm",
            ),
            html.Div(id=ids.REVIEW_RESULT, role="status"),
            html.Div(queue_table(frame, lang), id=ids.REVIEW_QUEUE, className="egov-review-queue"),
        ],
        className="egov-page",
    )


def decide(
    principal: Principal, submission: str | None, decision: str, comment: str | None, lang: str
) -> tuple[Any, bool]:
    """Take one decision as ``principal``; the message to show and whether it was taken."""
    if not submission or not submission.isdigit():
        return dmc.Alert(t("review.pick_first", lang), color="yellow"), False
    try:
        status = review_submission(
            current_engine(),
            int(submission),
            "approve" if decision == "approve" else "return",
            actor=principal.name,
            reviewer=principal,
            comment=comment,
            remote_addr=remote_addr(),
        )
    except ReviewError as error:
        return dmc.Alert(t("review.refused", lang, reason=str(error)), color="red"), False
    number = format_year(int(submission), lang)
    return dmc.Alert(t(f"review.done.{status}", lang, number=number), color="green"), True


def register_callbacks(app: Dash) -> None:
    """Approve or return, then list the queue again."""

    @app.callback(
        Output(ids.REVIEW_RESULT, "children"),
        Output(ids.REVIEW_QUEUE, "children"),
        Output(ids.REVIEW_PICK, "data"),
        Output(ids.REVIEW_PICK, "value"),
        Output(ids.REVIEW_COMMENT, "value"),
        Input(ids.REVIEW_APPROVE, "n_clicks"),
        Input(ids.REVIEW_RETURN, "n_clicks"),
        State(ids.REVIEW_PICK, "value"),
        State(ids.REVIEW_COMMENT, "value"),
        State(ids.REVIEW_LANG, "data"),
        prevent_initial_call=True,
    )
    def on_decision(
        _approve: int | None, _return: int | None, submission: str | None, comment: str | None, lang: str | None
    ) -> tuple[Any, ...]:
        principal = require_principal()
        lang = normalise_lang(lang)
        decision = "approve" if ctx.triggered_id == ids.REVIEW_APPROVE else "return"
        message, taken = decide(principal, submission, decision, comment, lang)
        if not taken:
            return message, no_update, no_update, no_update, no_update
        frame = queue(principal)
        return message, queue_table(frame, lang), pending_options(frame, lang), None, ""
