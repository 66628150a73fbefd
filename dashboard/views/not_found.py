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
