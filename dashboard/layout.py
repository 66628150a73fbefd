"""The shell around every page: providers, header, navbar, language toggle, and their callbacks.

To add a page: write ``dashboard/views/<page>.py`` (a ``layout(lang=..., **state)`` builder and, if it
needs them, ``register_callbacks(app)``), a three-line ``dashboard/pages/<page>.py`` that registers it,
an entry in ``NAV_PAGES`` and its ``page.<key>`` text in ``dashboard/i18n.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import dash
import dash_mantine_components as dmc
from dash import Dash, Input, Output, dcc, html

from dashboard import ids
from dashboard.fonts import FONT_STACK
from dashboard.i18n import LANGS, Lang, direction, normalise_lang, t
from dashboard.urls import href, lang_of, with_lang


@dataclass(frozen=True)
class NavPage:
    """A page in the navbar: its key (``page.<key>`` is its title in ``i18n``) and its path."""

    key: str
    path: str


NAV_PAGES: tuple[NavPage, ...] = (
    NavPage("home", "/"),
    # --- overview/rankings/scorecard ---
    NavPage("overview", "/overview"),
    NavPage("rankings", "/rankings"),
    NavPage("scorecard", "/scorecard"),
    # --- end overview/rankings/scorecard ---
    NavPage("reporting", "/reporting"),
    NavPage("upload", "/upload"),
    # --- log uploads/jobs ---
    NavPage("logs", "/logs"),
    # --- end log uploads/jobs ---
    # --- compare/geography/what-if ---
    NavPage("compare", "/compare"),
    NavPage("geography", "/geography"),
    # --- end compare/geography/what-if ---
    NavPage("methodology", "/methodology"),
    # --- accounts ---
    NavPage("review", "/review"),
    NavPage("audit", "/audit"),
    NavPage("admin", "/admin"),
    # --- end accounts ---
)
"""The navbar, top to bottom. Overview, Rankings, Scorecard, Compare and Geography go here when built."""

THEME: dict[str, Any] = {
    "fontFamily": FONT_STACK,
    "headings": {"fontFamily": FONT_STACK},
    "primaryColor": "indigo",
    "primaryShade": 8,  # compare/geography/what-if: axe found indigo-6 text and white-on-indigo-6 below 4.5:1
    "defaultRadius": "sm",
}


def shell_texts(pathname: str | None, search: str | None) -> dict[str, Any]:
    """Everything in the shell that depends on the URL: texts, link targets, direction.

    Pure, so the callback below is a lookup and the unit tests call this directly.
    """
    lang = lang_of(search)
    other: Lang = "en" if lang == "fa" else "fa"
    return {
        "lang": lang,
        "direction": direction(lang),
        "product_name": t("product.name", lang),
        "product_name_other": t("product.name", other),
        "lang_hrefs": {code: f"{pathname or '/'}{with_lang(search, code)}" for code in LANGS},
        "nav": {page.key: {"label": t(f"page.{page.key}", lang), "href": href(page.path, lang)} for page in NAV_PAGES},
    }


def lang_link_class(current: bool) -> str:
    return "egov-lang-link egov-lang-current" if current else "egov-lang-link"


def _lang_link(code: Lang, texts: dict[str, Any]) -> dcc.Link:
    return dcc.Link(
        t(f"lang.{code}", code),
        id=ids.LANG_FA if code == "fa" else ids.LANG_EN,
        href=texts["lang_hrefs"][code],
        className=lang_link_class(texts["lang"] == code),
        title=t("lang.switch", code),
    )


def _header(texts: dict[str, Any]) -> dmc.AppShellHeader:
    return dmc.AppShellHeader(
        dmc.Group(
            [
                dmc.Group(
                    [
                        dmc.Burger(
                            id=ids.BURGER,
                            size="sm",
                            hiddenFrom="sm",
                            opened=False,
                            **cast("dict[str, Any]", {"aria-label": t("nav.toggle", texts["lang"])}),
                        ),
                        html.Div(
                            [
                                html.Span(texts["product_name"], id=ids.PRODUCT_NAME, className="egov-product-name"),
                                html.Span(
                                    texts["product_name_other"],
                                    id=ids.PRODUCT_NAME_OTHER,
                                    className="egov-product-name-other",
                                ),
                            ],
                            className="egov-brand",
                        ),
                    ],
                    gap="sm",
                    wrap="nowrap",
                ),
                dmc.Group(
                    [
                        _user_box(texts["lang"]),
                        html.Nav(
                            [
                                _lang_link("fa", texts),
                                html.Span("|", className="egov-lang-sep"),
                                _lang_link("en", texts),
                            ],
                            className="egov-lang",
                            **cast("dict[str, Any]", {"aria-label": t("lang.switch", texts["lang"])}),
                        ),
                    ],
                    gap="md",
                    wrap="nowrap",
                ),
            ],
            justify="space-between",
            h="100%",
            px="md",
            wrap="nowrap",
        ),
        className="egov-header",
    )


def user_text(lang: Lang) -> str:
    """ "Signed in: name (role)" in the page's language ("" outside a signed-in request)."""
    from dashboard.access import current_principal

    principal = current_principal()
    if principal is None:
        return ""
    return t("shell.signed_in_as", lang, name=principal.display_name, role=t(f"role.{principal.role}", lang))


def _user_box(lang: Lang) -> html.Div:
    """Who is signed in, and the sign-out button (a plain form POST with the CSRF token)."""
    from flask import has_request_context
    from flask_wtf.csrf import generate_csrf

    return html.Div(
        [
            html.Span(user_text(lang), id=ids.USER_NAME),
            html.Form(
                id=ids.SIGN_OUT_FORM,
                children=[
                    dcc.Input(type="hidden", name="csrf_token", value=generate_csrf() if has_request_context() else ""),
                    html.Button(t("shell.sign_out", lang), id=ids.SIGN_OUT, type="submit", className="egov-sign-out"),
                ],
                action=f"/logout?lang={lang}",
                method="post",
            ),
        ],
        className="egov-user",
    )


def _navbar(texts: dict[str, Any]) -> dmc.AppShellNavbar:
    from dashboard.access import PAGE_ROLES, current_principal

    principal = current_principal()
    links = [
        dmc.NavLink(
            id=ids.nav_link(page.key),
            label=texts["nav"][page.key]["label"],
            href=texts["nav"][page.key]["href"],
            active="exact",
            # Only a convenience: the server checks every page and callback (dashboard.access).
            style=None if principal is None or principal.role in PAGE_ROLES[page.key] else {"display": "none"},
        )
        for page in NAV_PAGES
    ]
    return dmc.AppShellNavbar(links, id=ids.NAVBAR, p="sm", className="egov-navbar")


def shell_layout() -> dmc.MantineProvider:
    """The whole page: providers, header, navbar and Dash's page container.

    Rendered in Persian; the shell callback turns it to the URL's language on load (Dash fetches the
    layout by XHR, so the layout cannot see the page's query string).
    """
    texts = shell_texts("/", "")
    shell = dmc.AppShell(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            html.Div(id=ids.HTML_ATTRS_SINK, hidden=True),
            _header(texts),
            _navbar(texts),
            dmc.AppShellMain(dash.page_container, className="egov-main"),
        ],
        id=ids.APPSHELL,
        header={"height": 60},
        navbar={"width": 230, "breakpoint": "sm", "collapsed": {"mobile": True}},
        padding="md",
    )
    return dmc.MantineProvider(
        dmc.DirectionProvider(shell, id=ids.DIRECTION, direction=texts["direction"]),
        theme=THEME,
    )


# Sets <html lang dir> as soon as the URL changes; the server sets them on a full load (see app.py).
_SET_HTML_ATTRS = """
function(search) {
    const lang = (new URLSearchParams(search || "").get("lang") || "").trim().toLowerCase() === "en" ? "en" : "fa";
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "en" ? "ltr" : "rtl";
    return lang;
}
"""

_TOGGLE_NAVBAR = """
function(opened) {
    return {width: 230, breakpoint: "sm", collapsed: {mobile: !opened}};
}
"""


def register_shell_callbacks(app: Dash) -> None:
    """The shell follows the URL: texts, link targets, direction; the burger opens the navbar on phones."""
    app.clientside_callback(_SET_HTML_ATTRS, Output(ids.HTML_ATTRS_SINK, "children"), Input(ids.URL, "search"))
    app.clientside_callback(_TOGGLE_NAVBAR, Output(ids.APPSHELL, "navbar"), Input(ids.BURGER, "opened"))
    nav_outputs = [Output(ids.nav_link(page.key), prop) for page in NAV_PAGES for prop in ("label", "href")]

    @app.callback(
        Output(ids.PRODUCT_NAME, "children"),
        Output(ids.PRODUCT_NAME_OTHER, "children"),
        Output(ids.LANG_FA, "href"),
        Output(ids.LANG_EN, "href"),
        Output(ids.DIRECTION, "direction"),
        *nav_outputs,
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
    )
    def follow_url(pathname: str | None, search: str | None) -> tuple[Any, ...]:
        texts = shell_texts(pathname, search)
        nav = [texts["nav"][page.key][prop] for page in NAV_PAGES for prop in ("label", "href")]
        return (
            texts["product_name"],
            texts["product_name_other"],
            texts["lang_hrefs"]["fa"],
            texts["lang_hrefs"]["en"],
            texts["direction"],
            *nav,
        )

    @app.callback(
        Output(ids.USER_NAME, "children"),
        Output(ids.SIGN_OUT, "children"),
        Output(ids.SIGN_OUT_FORM, "action"),
        Output(ids.LANG_FA, "className"),
        Output(ids.LANG_EN, "className"),
        Input(ids.URL, "search"),
    )
    def follow_lang(search: str | None) -> tuple[str, ...]:
        lang = lang_of(search)
        return (
            user_text(lang),
            t("shell.sign_out", lang),
            f"/logout?lang={lang}",
            *(lang_link_class(code == lang) for code in LANGS),
        )


def page_lang(value: object) -> Lang:
    """The language a page layout was asked for (its ``lang`` query parameter)."""
    return normalise_lang(value)
