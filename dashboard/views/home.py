"""Home: what the product is and where each page leads (the Overview page will take this path)."""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import normalise_lang, t
from dashboard.urls import href

CARDS = (("reporting", "/reporting"), ("upload", "/upload"), ("methodology", "/methodology"))


def layout(lang: str = "fa", **_state: Any) -> html.Div:
    lang = normalise_lang(lang)
    cards = [
        dmc.Paper(
            [html.H2(dcc.Link(t(f"page.{key}", lang), href=href(path, lang))), html.P(t(f"home.{key}", lang))],
            withBorder=True,
            p="md",
            className="egov-card",
        )
        for key, path in CARDS
    ]
    return html.Div(
        [
            html.H1(t("product.name", lang), id=ids.HOME_TITLE),
            html.P(t("product.tagline", lang), className="egov-lead"),
            html.P(t("home.intro", lang)),
            dmc.SimpleGrid(cards, cols={"base": 1, "sm": 3}, spacing="md"),
        ],
        className="egov-page",
    )
