"""One way to make an AG Grid: right-to-left in Persian, the app's fonts through the theming API, no CDN.

AG Grid 33+ themes are JavaScript objects, so no stylesheet is fetched; the font must be set with
``withParams`` (a CSS variable does not reach it). The Persian locale is AG Grid's own
``AG_GRID_LOCALE_IR`` (npm ``@ag-grid-community/locale`` 35.3.1, MIT), converted once to JSON in
``dashboard/vendor/``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import dash_ag_grid as dag

from dashboard.fonts import FONT_STACK
from dashboard.i18n import normalise_lang

LOCALE_FA_PATH = Path(__file__).resolve().parent / "vendor" / "ag_grid_locale_fa.json"
THEME = {"function": f"themeQuartz.withParams({{fontFamily: '{FONT_STACK}', headerFontWeight: 700}})"}


@cache
def locale_fa() -> dict[str, str]:
    """AG Grid's Persian interface text (menus, filters, paging)."""
    return json.loads(LOCALE_FA_PATH.read_text(encoding="utf-8"))


def grid_options(lang: str, **extra: Any) -> dict[str, Any]:
    """``dashGridOptions`` for the language: RTL, theme and locale in Persian; theme alone in English."""
    options: dict[str, Any] = {"theme": THEME, "enableRtl": normalise_lang(lang) == "fa", **extra}
    if normalise_lang(lang) == "fa":
        options["localeText"] = locale_fa()
    return options


def make_grid(
    grid_id: str,
    *,
    lang: str,
    columns: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    height: str = "60vh",
    row_id: str | None = None,
    **options: Any,
) -> dag.AgGrid:
    """A read-only grid with sortable, filterable, resizable columns; ``row_id`` names the key field."""
    extra = {"getRowId": f"params.data.{row_id}"} if row_id else {}
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=rows,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=grid_options(lang, **options),
        columnSize="responsiveSizeToFit",
        style={"height": height, "width": "100%"},
        className="egov-grid",
        **extra,
    )
