"""The Dash app: the shell, the pages in ``dashboard/pages/``, their callbacks, and the store they read.

``create_app()`` with no arguments serves the configured store (``egov serve``); tests pass their own
engine and upload limit. Every asset is served by the app itself (``serve_locally``, fonts in
``assets/fonts``): it runs on an office intranet with no internet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import Dash
from flask import has_request_context, request
from sqlalchemy import Engine

from dashboard import layout as shell
from dashboard.data import ENGINE_CONFIG_KEY
from dashboard.i18n import direction, normalise_lang, t
from dashboard.views import reporting, upload

HERE = Path(__file__).resolve().parent
HTML_OPEN_FA = '<html lang="fa" dir="rtl">'

INDEX_STRING = f"""<!DOCTYPE html>
{HTML_OPEN_FA}
    <head>
        {{%metas%}}
        <title>{{%title%}}</title>
        {{%favicon%}}
        {{%css%}}
    </head>
    <body>
        {{%app_entry%}}
        <footer>
            {{%config%}}
            {{%scripts%}}
            {{%renderer%}}
        </footer>
    </body>
</html>"""


class ScorecardDash(Dash):
    """Dash whose first HTML already carries the URL's language and direction (before any script runs)."""

    def interpolate_index(self, **kwargs: Any) -> Any:  # type: ignore[override]  # same keywords, passed on
        page = super().interpolate_index(**kwargs)
        lang = normalise_lang(request.args.get("lang")) if has_request_context() else "fa"
        if lang == "fa":
            return page
        return page.replace(HTML_OPEN_FA, f'<html lang="{lang}" dir="{direction(lang)}">', 1)


def create_app(*, engine: Engine | None = None, max_upload_bytes: int | None = None) -> Dash:
    """The dashboard; ``engine`` replaces the configured store, ``max_upload_bytes`` the settings' limit."""
    app = ScorecardDash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        serve_locally=True,
        title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
        update_title="",
        # No validation layout: Dash would build it from every page's layout and send it to every
        # browser in the page's config, which would carry one role's data to all (see dashboard.access).
        suppress_callback_exceptions=True,
    )
    app.index_string = INDEX_STRING
    if engine is not None:
        app.server.config[ENGINE_CONFIG_KEY] = engine
    if max_upload_bytes is not None:
        app.server.config[upload.MAX_BYTES_CONFIG_KEY] = max_upload_bytes
    app.layout = shell.shell_layout
    shell.register_shell_callbacks(app)
    reporting.register_callbacks(app)
    upload.register_callbacks(app)
    # --- overview/rankings/scorecard ---
    from dashboard.views import overview, rankings, scorecard  # here, so this block leaves the shared imports alone

    for page_view in (overview, rankings, scorecard):
        page_view.register_callbacks(app)
    # --- end overview/rankings/scorecard ---
    # --- compare/geography/what-if ---
    from dashboard.views import compare, geography, whatif  # here, so this block leaves the shared imports alone

    for view in (compare, geography, whatif):
        view.register_callbacks(app)
    # --- end compare/geography/what-if ---
    # --- log uploads/jobs ---
    from dashboard import log_uploads  # here, so this block leaves the shared imports alone
    from dashboard.views import logs

    log_uploads.register_routes(app)
    logs.register_callbacks(app)
    # --- end log uploads/jobs ---
    # --- accounts ---
    import dash

    from dashboard import access, auth  # here, so this block leaves the shared imports alone
    from dashboard.views import admin, audit, not_found, review

    for account_view in (review, audit, admin):
        account_view.register_callbacks(app)
    auth.install(app)
    access.guard_page_layouts(dash.page_registry, not_found.forbidden)
    # --- end accounts ---
    return app
