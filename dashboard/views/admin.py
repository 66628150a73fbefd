"""Administration: users and reporting deadlines, for an administrator who is not at the server's terminal.

A new user, or a reset, gets a random password shown once on this page for the administrator to hand
over; none is chosen by hand, written down by the product, or the same twice. Every change goes through
``store.accounts`` / ``store.workflow`` and so into the audit log, under the administrator's name.
"""

from __future__ import annotations

import secrets
from typing import Any

import dash_mantine_components as dmc
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.access import require_principal
from dashboard.auth import remote_addr
from dashboard.data import current_engine
from dashboard.formatting import format_year, jalali_date, plain_text
from dashboard.i18n import normalise_lang, t
from ingest.text import ParseError, normalize_text, parse_jalali_date
from metrics.data import periods_frame
from store.accounts import ROLES, AccountError, Principal, add_user, disable_user, reset_password, users_frame
from store.workflow import set_deadline

KEYBOARD_SCROLL = {"viewportProps": {"tabIndex": 0}}  # axe: a scrollable region must be keyboard-reachable


def new_password() -> str:
    """A random password for the administrator to hand over (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def users_table(frame: pd.DataFrame, lang: str) -> dmc.TableScrollContainer:
    keys = ("name", "display", "role", "place", "active")
    head = html.Tr([html.Th(t(f"admin.col.{key}", lang), scope="col") for key in keys])
    body = [
        html.Tr(
            [
                html.Td(html.Span(row.name, dir="ltr")),
                html.Td(row.display_name),
                html.Td(t(f"role.{row.role}", lang)),
                html.Td(plain_text(row.agency_code) or plain_text(row.province_code)),
                html.Td(t("admin.yes" if row.active else "admin.no", lang)),
            ]
        )
        for row in frame.itertuples()
    ]
    table = dmc.Table([html.Thead(head), html.Tbody(body)], striped=True, withTableBorder=True, className="egov-table")
    return dmc.TableScrollContainer(table, minWidth=640, scrollAreaProps=KEYBOARD_SCROLL)


def deadlines_table(periods: pd.DataFrame, lang: str) -> dmc.TableScrollContainer:
    yearly = periods[periods["kind"] == "year"]
    head = html.Tr([html.Th(t(f"admin.col.{key}", lang), scope="col") for key in ("period", "deadline")])
    body = [
        html.Tr([html.Td(format_year(row.year, lang)), html.Td(jalali_date(row.deadline, lang) or "–")])
        for row in yearly.itertuples()
    ]
    table = dmc.Table([html.Thead(head), html.Tbody(body)], striped=True, withTableBorder=True, className="egov-table")
    return dmc.TableScrollContainer(table, minWidth=320, scrollAreaProps=KEYBOARD_SCROLL)


def layout(lang: str = "fa", **_state: Any) -> html.Div:
    lang = normalise_lang(lang)
    engine = current_engine()
    users, periods = users_frame(engine), periods_frame(engine)
    roles = [{"value": role, "label": t(f"role.{role}", lang)} for role in ROLES]
    years = [{"value": str(y), "label": format_year(y, lang)} for y in periods.loc[periods["kind"] == "year", "year"]]
    return html.Div(
        [
            html.H1(t("page.admin", lang), id=ids.ADMIN_TITLE),
            dcc.Store(id=ids.ADMIN_LANG, data=lang),
            html.H2(t("admin.users", lang)),
            dmc.Group(
                [
                    dmc.TextInput(id=ids.ADMIN_NAME, label=t("admin.name", lang), w=180),
                    dmc.TextInput(id=ids.ADMIN_DISPLAY, label=t("admin.display", lang), w=220),
                    dmc.Select(id=ids.ADMIN_ROLE, label=t("admin.role", lang), data=roles, w=220),
                    dmc.TextInput(id=ids.ADMIN_PLACE, label=t("admin.place", lang), w=200),
                ],
                align="flex-end",
            ),
            dmc.Group(
                [
                    dmc.Button(t("admin.add", lang), id=ids.ADMIN_ADD),
                    dmc.Button(t("admin.reset", lang), id=ids.ADMIN_RESET, variant="outline"),
                    dmc.Button(t("admin.disable", lang), id=ids.ADMIN_DISABLE, variant="outline", color="#9c1c1c"),
                ],
                mt="sm",
            ),
            html.P(t("admin.help", lang), className="egov-muted"),
            html.Div(id=ids.ADMIN_RESULT, role="status"),
            html.Div(users_table(users, lang), id=ids.ADMIN_USERS),
            html.H2(t("admin.deadlines", lang)),
            dmc.Group(
                [
                    dmc.Select(id=ids.ADMIN_PERIOD, label=t("admin.col.period", lang), data=years, w=140),
                    dmc.TextInput(
                        id=ids.ADMIN_DEADLINE, label=t("admin.deadline", lang), placeholder="1395-02-31", w=180
                    ),
                    dmc.Button(t("admin.set_deadline", lang), id=ids.ADMIN_SET_DEADLINE),
                ],
                align="flex-end",
            ),
            html.Div(id=ids.ADMIN_DEADLINE_RESULT, role="status"),
            html.Div(deadlines_table(periods, lang), id=ids.ADMIN_DEADLINES),
        ],
        className="egov-page",
    )


def _place(role: str | None, place: str | None) -> dict[str, str | None]:
    code = normalize_text(place or "").upper() or None
    if role == "governor":
        return {"province": code}
    if role == "it_director":
        return {"agency": code}
    return {}


def user_action(
    principal: Principal,
    action: str,
    name: str | None,
    display: str | None,
    role: str | None,
    place: str | None,
    lang: str,
) -> tuple[Any, bool]:
    """Add, reset or disable as ``principal``; the message (with a new password, shown once) and success."""
    name = (name or "").strip()
    if not name:
        return dmc.Alert(t("admin.name_first", lang), color="yellow"), False
    engine, password = current_engine(), new_password()
    try:
        if action == "add":
            add_user(
                engine,
                name,
                role=role or "",
                password=password,
                actor=principal.name,
                display_name=display,
                remote_addr=remote_addr(),
                **_place(role, place),
            )
        elif action == "reset":
            reset_password(engine, name, password, actor=principal.name, remote_addr=remote_addr())
        else:
            if name == principal.name:
                return dmc.Alert(t("admin.not_yourself", lang), color="red"), False
            disable_user(engine, name, actor=principal.name, remote_addr=remote_addr())
            return dmc.Alert(t("admin.disabled", lang, name=name), color="green"), True
    except AccountError as error:
        return dmc.Alert(t("admin.refused", lang, reason=str(error)), color="red"), False
    return (
        dmc.Alert(
            [t("admin.password_once", lang, name=name), " ", html.Code(password, dir="ltr", id=ids.ADMIN_PASSWORD)],
            color="green",
        ),
        True,
    )


def deadline_action(principal: Principal, period: str | None, text: str | None, lang: str) -> tuple[Any, bool]:
    if not period:
        return dmc.Alert(t("admin.period_first", lang), color="yellow"), False
    try:
        deadline = parse_jalali_date(text) if (text or "").strip() else None
    except ParseError:
        return dmc.Alert(t("admin.bad_date", lang), color="red"), False
    try:
        set_deadline(current_engine(), period, deadline, actor=principal.name, remote_addr=remote_addr())
    except AccountError as error:
        return dmc.Alert(t("admin.refused", lang, reason=str(error)), color="red"), False
    return dmc.Alert(t("admin.deadline_set", lang, period=format_year(period, lang)), color="green"), True


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(ids.ADMIN_RESULT, "children"),
        Output(ids.ADMIN_USERS, "children"),
        Input(ids.ADMIN_ADD, "n_clicks"),
        Input(ids.ADMIN_RESET, "n_clicks"),
        Input(ids.ADMIN_DISABLE, "n_clicks"),
        State(ids.ADMIN_NAME, "value"),
        State(ids.ADMIN_DISPLAY, "value"),
        State(ids.ADMIN_ROLE, "value"),
        State(ids.ADMIN_PLACE, "value"),
        State(ids.ADMIN_LANG, "data"),
        prevent_initial_call=True,
    )
    def on_user(*args: Any) -> tuple[Any, Any]:
        name, display, role, place, lang = args[3:]
        lang = normalise_lang(lang)
        action = {ids.ADMIN_ADD: "add", ids.ADMIN_RESET: "reset"}.get(str(ctx.triggered_id), "disable")
        message, done = user_action(require_principal(), action, name, display, role, place, lang)
        return message, users_table(users_frame(current_engine()), lang) if done else no_update

    @app.callback(
        Output(ids.ADMIN_DEADLINE_RESULT, "children"),
        Output(ids.ADMIN_DEADLINES, "children"),
        Input(ids.ADMIN_SET_DEADLINE, "n_clicks"),
        State(ids.ADMIN_PERIOD, "value"),
        State(ids.ADMIN_DEADLINE, "value"),
        State(ids.ADMIN_LANG, "data"),
        prevent_initial_call=True,
    )
    def on_deadline(_clicks: int | None, period: str | None, text: str | None, lang: str | None) -> tuple[Any, Any]:
        lang = normalise_lang(lang)
        message, done = deadline_action(require_principal(), period, text, lang)
        return message, deadlines_table(periods_frame(current_engine()), lang) if done else no_update
