"""The Dash app. For now a placeholder that shows what the store holds (the dashboard issue follows)."""

from __future__ import annotations

from dash import Dash, html


def create_app() -> Dash:
    app = Dash(__name__, title="کارنامه دولت الکترونیک - E-government scorecard", serve_locally=True)
    app.index_string = app.index_string.replace("<html>", '<html lang="fa" dir="rtl">')
    app.layout = html.Main(
        [
            html.H1("کارنامه دولت الکترونیک"),
            html.P("E-government scorecard"),
        ]
    )
    return app
