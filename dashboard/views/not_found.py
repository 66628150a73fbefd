"""The page for an address that matches no page."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import normalise_lang, t
from dashboard.urls import href


def layout(lang: str = "fa", **_state: Any) -> html.Div:
    lang = normalise_lang(lang)
    return html.Div(
        [
            html.H1(t("page.not_found", lang), id=ids.NOT_FOUND_TITLE),
            html.P(t("not_found.body", lang)),
            dcc.Link(t("page.home", lang), href=href("/", lang)),
        ],
        className="egov-page",
    )


def forbidden(lang: str = "fa", *, signed_in: bool = True, **_state: Any) -> html.Div:
    """What a page shows instead of itself to an account it is not open to (the server decided)."""
    lang = normalise_lang(lang)
    return html.Div(
        [
            html.H1(t("forbidden.title", lang), id=ids.FORBIDDEN_TITLE),
            html.P(t("forbidden.body" if signed_in else "forbidden.sign_in", lang)),
            dcc.Link(t("page.home", lang), href=href("/", lang)),
        ],
        className="egov-page",
        role="alert",
    )
