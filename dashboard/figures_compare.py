"""Pure builders for the Compare page: frames from ``metrics.api`` in, figures and table rows out.

Nothing here reads the store or knows about Dash callbacks, so the unit tests call each builder with
a small frame. Agencies are always shown in the order the user picked them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.figures import Figure, Rows, figure_dict, records, rows_of
from dashboard.fonts import FONT_STACK
from dashboard.formatting import MISSING, format_number, format_percent
from dashboard.i18n import direction, pick, t
from metrics.catalogue import Catalogue

AGENCY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
"""Okabe–Ito colours: told apart by colour-blind readers; every bar also carries its value as text."""
STATUS_ORDER = ("ahead", "on_track", "behind", "off_track")
MAX_AGENCIES = 4


def pillars_of(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    """The index's pillars in catalogue order as ``(code, name_fa, name_en)``."""
    root = catalogue.root.code
    return [(g.code, g.name_fa, g.name_en) for g in catalogue.groups if g.parent == root]


def picked(scores: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The rows of the picked agencies, in the order picked (unknown codes are skipped)."""
    return scores.loc[[code for code in codes if code in scores.index]]


def agency_rows(table: Rows) -> list[dict[str, Any]]:
    """The picked agencies' rows as dicts with their ``agency_code`` (a frame's index, or rows as they are)."""
    if isinstance(table, list):
        return table
    return records(table.rename_axis("agency_code").reset_index(), ["agency_code", *map(str, table.columns)])


def agency_name(row: Mapping[str, Any], lang: str) -> str:
    return pick(lang, str(row["name_fa"]), str(row["name_en"]))


def _score_text(value: object, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else format_number(float(value), lang, decimals=1)  # type: ignore[arg-type]


def pillar_figure(table: Rows, pillars: list[tuple[str, str, str]], lang: str) -> Figure:
    """Grouped horizontal bars: one bar per agency for each pillar's 0–100 score, value written on it.

    Plotly draws left to right even in a right-to-left page, so in Persian the score axis is mirrored
    (bars grow leftwards) and the pillar names stand on the right.
    """
    rtl = direction(lang) == "rtl"
    names = [pick(lang, fa, en) for _, fa, en in pillars]
    traces = []
    for position, row in enumerate(agency_rows(table)):
        code = row["agency_code"]
        values = [row.get(f"pillar_{pillar}") for pillar, _, _ in pillars]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": agency_name(row, lang),
                "y": names,
                "x": [None if v is None or pd.isna(v) else float(v) for v in values],
                "text": [_score_text(v, lang) for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": AGENCY_COLOURS[position % len(AGENCY_COLOURS)]},
                "customdata": [str(code)] * len(values),
                "hovertemplate": "%{y}: %{text}<extra>%{fullData.name}</extra>",
            }
        )
    bars = max(len(table), 1)
    return figure_dict(
        traces,
        {
            "barmode": "group",
            "height": 140 + len(pillars) * (16 * bars + 18),
            "margin": {"l": 20, "r": 20, "t": 40, "b": 40},
            "font": {"family": FONT_STACK, "size": 13},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.0,
                "xanchor": "right" if rtl else "left",
                "x": 1 if rtl else 0,
            },
            "xaxis": {
                "range": [110, 0] if rtl else [0, 110],
                "title": {"text": t("compare.axis.score", lang)},
                "tickvals": [0, 25, 50, 75, 100],
                "ticktext": [format_number(v, lang) for v in (0, 25, 50, 75, 100)],
                "gridcolor": "#dee2e6",
            },
            "yaxis": {"autorange": "reversed", "side": "right" if rtl else "left", "automargin": True},
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
        },
    )


def summary_rows(table: Rows, lang: str) -> list[dict[str, Any]]:
    """The side-by-side headline: index, ranks and indicator status counts, one list of cells per row."""
    agencies = agency_rows(table)
    rows: list[dict[str, Any]] = [
        {
            "key": "index",
            "label": t("compare.row.index", lang),
            "cells": [_score_text(a["index_score"], lang) for a in agencies],
        }
    ]
    for scope in ("province", "county", "sector"):
        rows.append(
            {
                "key": f"rank_{scope}",
                "label": t(f"compare.row.rank_{scope}", lang),
                "cells": [_rank_text(a[f"rank_{scope}"], lang) for a in agencies],
            }
        )
    for status in STATUS_ORDER:
        rows.append(
            {
                "key": status,
                "label": t(f"compare.status.{status}", lang),
                "status": status,
                "cells": [format_number(int(a[f"{status}_count"]), lang) for a in agencies],
            }
        )
    return rows


def _rank_text(value: object, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else format_number(int(value), lang)  # type: ignore[call-overload]


def value_text(value: object, unit: str, lang: str) -> str:
    """An indicator value with its unit as a reader expects it.

    >>> value_text(45.0, "%", "fa"), value_text(3.0, "points", "en"), value_text(float("nan"), "%", "en")
    ('۴۵٫۰٪', '3.0', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return MISSING
    if unit == "%":
        return format_percent(float(value), lang, decimals=1)  # type: ignore[arg-type]
    return format_number(float(value), lang, decimals=1)  # type: ignore[arg-type]


def indicator_rows(indicators: Rows, codes: list[str], catalogue: Catalogue, lang: str) -> list[dict[str, Any]]:
    """One row per catalogue indicator: its name and pillar, and per agency ``(value text, status)``.

    ``indicators`` is shaped like ``api.indicator_scores``; an agency with no row for an indicator
    shows it as missing and not scored.
    """
    by_key = {
        (r["agency_code"], r["indicator"]): r
        for r in rows_of(indicators, ["agency_code", "indicator", "status", "value"])
    }
    pillars = {code: pick(lang, fa, en) for code, fa, en in pillars_of(catalogue)}
    rows = []
    for indicator in catalogue.indicators:
        cells = []
        for code in codes:
            found = by_key.get((code, indicator.code))
            status = str(found["status"]) if found is not None else "not_scored"
            value = found["value"] if found is not None else None
            cells.append(
                {
                    "value": value_text(value, indicator.unit, lang),
                    "status": status,
                    "status_text": status_text(status, lang),
                }
            )
        rows.append(
            {
                "code": indicator.code,
                "name": pick(lang, indicator.name_fa, indicator.name_en),
                "pillar": pillars.get(indicator.parent, indicator.parent),
                "cells": cells,
            }
        )
    return rows


def status_text(status: str, lang: str) -> str:
    """A status as symbol and word (never colour alone); unknown statuses read as not scored.

    >>> status_text("ahead", "en"), status_text("whatever", "en")
    ('▲ ahead of the path', '○ not scored')
    """
    known = (*STATUS_ORDER, "not_scored")
    return t(f"compare.status.{status if status in known else 'not_scored'}", lang)
