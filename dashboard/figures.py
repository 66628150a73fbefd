"""Pure figure and component builders: a DataFrame in, a plotly figure (as plain data) or a Dash component out.

Callbacks and page layouts fetch frames from ``metrics.api`` and hand them here; the unit tests call
these functions directly with small frames. Nothing in this module reads the store.

Right to left: plotly draws its plot area left to right even in an RTL page, so in Persian every
figure is mirrored here (x axis reversed, y axis on the right). Numbers on screen use the language's
digits: ticks carry explicit ``ticktext`` and hovers and bar labels carry text formatted by
``dashboard.formatting``. Status colours are the Okabe-Ito palette (safe for colour-blind readers)
and every status also shows its symbol and word, never colour alone.

Figures are plain dicts (``Figure``), laid out as ``go.Figure`` and ``make_subplots`` would lay them
out, template included: ``go.Figure`` validates every property on every call, which made building
a scorecard's figures cost more than reading its data many times over.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, TypeAlias, cast

import dash_mantine_components as dmc
import numpy as np
import orjson
import pandas as pd
import plotly.io as pio
from dash import dcc, html
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly
from plotly.subplots import make_subplots

from dashboard.fonts import FONT_STACK
from dashboard.formatting import MISSING, format_number, format_percent, format_year
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import href

STATUSES: tuple[str, ...] = ("ahead", "on_track", "behind", "off_track")
STATUS_COLOURS: dict[str, str] = {
    "ahead": "#0072B2",
    "on_track": "#009E73",
    "behind": "#E69F00",
    "off_track": "#D55E00",
    "not_scored": "#8C8C8C",
}
STATUS_ICONS: dict[str, str] = {"ahead": "★", "on_track": "✓", "behind": "⚠", "off_track": "✗", "not_scored": "–"}
AGENCY_COLOUR = "#0072B2"
PEER_COLOUR = "#8C8C8C"
PATH_COLOUR = "#009E73"
PROJECTION_COLOUR = "#D55E00"
FA_SEPARATORS = chr(0x066B) + chr(0x066C)
"""Plotly's decimal and thousands signs in Persian (Arabic decimal and thousands separators)."""
COMPLETENESS_STATES: tuple[str, ...] = ("reported", "late", "missing")
_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True, "displayModeBar": False}
"""No mode bar: it would sit on the right-aligned Persian titles, and a wall display needs no zoom tools."""
Figure = dict[str, Any]
"""A Plotly figure as plain data, ``{"data": [...], "layout": {...}}``: what ``dcc.Graph`` ships. Built without
``go.Figure``, whose validation of every property cost 5–80 ms a figure on the server."""


# --- small shared pieces -------------------------------------------------------------------------------------
def status_label(status: str, lang: str) -> str:
    """A status as its symbol and word: ``✓ on track``.

    >>> status_label("off_track", "en")
    '✗ off track'
    """
    key = status if status in STATUS_ICONS else "not_scored"
    return f"{STATUS_ICONS[key]} {t(f'status.{key}', lang)}"


def rank_change_text(change: object, lang: str) -> str:
    """A rank change as an arrow and the number of places (``▲ 2`` up, ``▼ 1`` down, ``= 0`` none).

    >>> rank_change_text(2, "en"), rank_change_text(-1, "fa"), rank_change_text(0, "en"), rank_change_text(None, "en")
    ('▲ 2', '▼ ۱', '= 0', '–')
    """
    if change is None or pd.isna(change):
        return MISSING
    places = int(change)  # type: ignore[call-overload]  # a number or a pandas scalar
    arrow = "▲" if places > 0 else "▼" if places < 0 else "="
    return f"{arrow} {format_number(abs(places), lang)}"


def graph(figure: Figure, *, graph_id: str | None = None, height: str | None = None) -> dcc.Graph:
    """A ``dcc.Graph`` for a figure: no plotly logo, responsive, the figure's own height."""
    extra: dict[str, Any] = {"id": graph_id} if graph_id else {}
    style = {"height": height} if height else {}
    return dcc.Graph(figure=figure, config=cast("Any", _CONFIG), style=style, className="egov-figure", **extra)


# --- components as plain data --------------------------------------------------------------------------------
Element = dict[str, Any]
"""A Dash component as plain data, ``{"props": {...}, "type": "Td", "namespace": "dash_html_components"}``:
exactly what ``Component.to_plotly_json()`` gives and what the browser receives for it.

A callback answer made only of plain data (dicts, lists, strings, numbers) is encoded by orjson in C; a
single ``Component`` in it makes ``to_json_plotly`` walk the whole answer in Python instead (≈ 1 µs a
node: 5 ms for a scorecard). The pages that show many cells (scorecard, compare) build their bodies
this way; ``tests/dashboard/test_figures.py`` rebuilds every element as the real component (which
checks each property name) and compares the two."""
HTML = "dash_html_components"
DCC = "dash_core_components"
DMC = "dash_mantine_components"


def element(namespace: str, kind: str, children: Any = None, /, **props: Any) -> Element:
    """The component ``kind`` of ``namespace`` as plain data; props left ``None`` are left out."""
    for value in props.values():  # a plain loop, not any(): a scorecard body builds ≈ 250 of these
        if value is None:
            props = {key: value for key, value in props.items() if value is not None}
            break
    if children is not None:
        props["children"] = children
    return {"props": props, "type": kind, "namespace": namespace}


def tag(kind: str, children: Any = None, /, **props: Any) -> Element:
    """An ``html.<kind>`` as plain data: ``tag("Td", "12", className="egov-num")``."""
    return element(HTML, kind, children, **props)


_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY  # as plotly's encoder calls it
_WILDCARDS = ("data-", "aria-")
_PROP_NAMES: dict[type, frozenset[str]] = {}


def plain_tree(tree: Any) -> Any:
    """A tree of Dash components as the plain data Dash sends for it (see :data:`Element`), made by
    orjson in C: a page layout leaves the server as such, where Dash would walk each of its nodes in
    Python (the reporting page's grids: ≈ 1,800 nodes, 1.5–3 ms). A value orjson cannot write (one
    only plotly's encoder knows) leaves the tree as it was, for Dash to encode as before; a test holds
    every page's layout to the same JSON either way."""
    try:
        return orjson.loads(orjson.dumps(tree, default=_component_data, option=_ORJSON_OPTIONS))
    except TypeError:
        return tree


def _component_data(value: Any) -> Element:
    """``Component.to_plotly_json()`` without its test of every wildcard against every attribute."""
    if not isinstance(value, Component):
        raise TypeError(type(value).__name__)
    kind = type(value)
    names = _PROP_NAMES.get(kind)
    if names is None:
        names = _PROP_NAMES[kind] = frozenset(value._prop_names)
    props = {key: item for key, item in vars(value).items() if key in names or key.startswith(_WILDCARDS)}
    return {"props": props, "type": value._type, "namespace": value._namespace}


def graph_element(figure: Figure, *, graph_id: str) -> Element:
    """:func:`graph` as plain data."""
    return element(DCC, "Graph", figure=figure, config=_CONFIG, style={}, className="egov-figure", id=graph_id)


@cache
def _template_json() -> str:
    template = json.loads(to_json_plotly(pio.templates[pio.templates.default]))
    template["data"] = {kind: template["data"][kind] for kind in TRACE_TYPES if kind in template["data"]}
    for subplot in UNUSED_SUBPLOTS:
        template["layout"].pop(subplot, None)
    return json.dumps(template, ensure_ascii=False)


TRACE_TYPES = ("bar", "box", "scatter", "treemap")
"""The trace types the dashboard draws: the template's defaults for any other type change nothing."""
UNUSED_SUBPLOTS = ("geo", "map", "mapbox", "polar", "scene", "smith", "ternary")
"""Kinds of subplot no dashboard figure has: the template's defaults for them change nothing either."""


def plotly_template() -> dict[str, Any]:
    """Plotly's default template as plain data: what ``go.Figure`` attaches to every layout, so a figure
    built as a dict looks the same, less its defaults for trace types and subplots the dashboard never
    draws (two thirds of it, encoded into every answer for nothing). A fresh copy each call."""
    return cast("dict[str, Any]", orjson.loads(_template_json()))


def figure_dict(data: Iterable[dict[str, Any]], layout: dict[str, Any] | None = None) -> Figure:
    """A figure as plain data with the default template, the way ``dcc.Graph`` ships it."""
    return {"data": list(data), "layout": {"template": plotly_template(), **(layout or {})}}


def merge(target: dict[str, Any], updates: dict[str, Any]) -> dict[str, Any]:
    """``updates`` written into ``target``, nested dicts merged key by key (as ``go.Figure.update_layout``)."""
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value
    return target


_AXIS_NAME = re.compile(r"[xy]axis\d*")


def axes(layout: dict[str, Any], letter: str) -> list[dict[str, Any]]:
    """Every ``x`` (or ``y``) axis of a layout; a layout without one gets ``xaxis`` (as ``update_xaxes`` does)."""
    names = [key for key in layout if key[0] == letter and _AXIS_NAME.fullmatch(key)]
    if not names:
        layout[f"{letter}axis"] = {}
        names = [f"{letter}axis"]
    return [layout[name] for name in names]


def _axis_name(letter: str, number: int) -> str:
    return f"{letter}axis" if number == 1 else f"{letter}axis{number}"


def _axis_ref(letter: str, number: int) -> str:
    return letter if number == 1 else f"{letter}{number}"


@cache
def _subplot_layout_json(
    rows: int, cols: int, vertical_spacing: float, row_heights: tuple[float, ...] | None, shared_xaxes: bool
) -> str:
    """The axes (domains, anchors) ``make_subplots`` lays out for a grid, once per grid shape."""
    grid = make_subplots(
        rows=rows,
        cols=cols,
        vertical_spacing=vertical_spacing,
        row_heights=list(row_heights) if row_heights else None,
        shared_xaxes=shared_xaxes,
    )
    layout = json.loads(to_json_plotly(grid.to_plotly_json()["layout"]))
    layout.pop("template", None)
    return json.dumps(layout)


def subplots(
    rows: int,
    cols: int,
    *,
    vertical_spacing: float,
    row_heights: Sequence[float] | None = None,
    shared_xaxes: bool = False,
    titles: Sequence[str] = (),
) -> Figure:
    """An empty grid of panels as plain data, as ``plotly.subplots.make_subplots`` builds it (titles above
    their panels, row by row; an empty title leaves its panel without one)."""
    layout = orjson.loads(
        _subplot_layout_json(rows, cols, vertical_spacing, tuple(row_heights) if row_heights else None, shared_xaxes)
    )
    annotations = []
    for index, text in enumerate(titles):
        if not text or index >= rows * cols:
            continue
        x_domain, y_domain = layout[_axis_name("x", index + 1)]["domain"], layout[_axis_name("y", index + 1)]["domain"]
        annotations.append(
            {
                "y": y_domain[1],
                "xref": "paper",
                "x": sum(x_domain) / 2.0,
                "yref": "paper",
                "text": text,
                "showarrow": False,
                "font": {"size": 16},
                "xanchor": "center",
                "yanchor": "bottom",
            }
        )
    if annotations:
        layout["annotations"] = annotations
    return figure_dict([], layout)


def _panel(fig: Figure, trace: dict[str, Any], *, row: int, col: int, cols: int) -> None:
    """Add ``trace`` to the panel at ``row``, ``col`` (from 1) of a grid ``cols`` wide."""
    number = (row - 1) * cols + col
    fig["data"].append({**trace, "xaxis": _axis_ref("x", number), "yaxis": _axis_ref("y", number)})


def _panel_axis(fig: Figure, letter: str, *, row: int, col: int, cols: int) -> dict[str, Any]:
    return cast("dict[str, Any]", fig["layout"][_axis_name(letter, (row - 1) * cols + col)])


def _number_ticks(lo: float, hi: float, lang: str, *, count: int = 5, integer: bool = False) -> dict[str, Any]:
    """Evenly spaced ticks with text in the language's digits."""
    hi = max(hi, lo + 1)
    step = (hi - lo) / count
    if integer:
        step = max(1, math.ceil(step))
    values = [lo + i * step for i in range(count + 1) if lo + i * step <= hi + 1e-9]
    return {"tickvals": values, "ticktext": [format_number(v, lang, decimals=0) for v in values]}


def _layout(fig: Figure, lang: str, *, title: str, height: int, categories_on: str | None = None) -> Figure:
    """Font, margins, title and the RTL mirror: in Persian the x axis runs right to left, y stands on the right.

    ``categories_on`` names the axis holding categories (``"y"`` for horizontal bars), which in Persian
    reads from the top right.
    """
    rtl = normalise_lang(lang) == "fa"
    layout = fig["layout"]
    merge(
        layout,
        {
            "title": {"text": title, "x": 0.98 if rtl else 0.02, "xanchor": "right" if rtl else "left"},
            "font": {"family": FONT_STACK, "size": 13},
            "height": height,
            "margin": {"l": 16, "r": 16, "t": 56, "b": 40},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "hoverlabel": {"font": {"family": FONT_STACK}},
            "legend": {"orientation": "h", "y": -0.15, "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left"},
            "separators": FA_SEPARATORS if rtl else ".,",
        },
    )
    for axis in axes(layout, "x"):
        axis.update(showgrid=True, gridcolor="#e9ecef", zeroline=False, automargin=True)
        if rtl:
            axis["autorange"] = "reversed"
    for axis in axes(layout, "y"):
        axis.update(showgrid=categories_on != "y", gridcolor="#e9ecef", zeroline=False, automargin=True)
        if rtl:
            axis["side"] = "right"
        if categories_on == "y":
            axis["autorange"] = "reversed"  # first category at the top
    return fig


def _mirror_x(fig: Figure, lo: float, hi: float) -> None:
    """Every x axis drawn from ``hi`` down to ``lo`` (Persian reads right to left) instead of autoranged."""
    for axis in axes(fig["layout"], "x"):
        axis.pop("autorange", None)
        axis["range"] = [hi, lo]


def _values(values: Iterable[Any]) -> list[Any]:
    """Numbers as plain floats, missing ones (None, NaN, ``pd.NA``) as ``None``."""
    return [None if pd.isna(v) else float(v) for v in values]


def empty_figure(lang: str, *, title: str) -> Figure:
    """A figure that says there is nothing to draw (instead of an empty grid of axes)."""
    fig = figure_dict(
        [],
        {
            "annotations": [
                {"text": t("figure.no_data", lang), "showarrow": False, "font": {"size": 15, "color": "#495057"}}
            ],
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
        },
    )
    return _layout(fig, lang, title=title, height=220)


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The frame's rows as dicts of those of ``columns`` it has, values as Python scalars (missing as
    ``None``, NaN or ``pd.NA``). A zip over whole columns: ``itertuples`` and ``to_dict`` on a wide frame
    of Arrow strings cost milliseconds for a few dozen rows.

    >>> records(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), ["b", "c"])
    [{'b': 'x'}, {'b': 'y'}]
    """
    present = [c for c in columns if c in frame.columns]
    return [
        dict(zip(present, values, strict=True)) for values in zip(*(frame[c].tolist() for c in present), strict=True)
    ]


Rows: TypeAlias = pd.DataFrame | list[dict[str, Any]]
"""A table's rows: a frame, or its rows as dicts already (what ``records`` gives)."""
Row: TypeAlias = pd.Series | Mapping[str, Any]
"""One row: a frame's (a ``Series``), or as a dict."""


def rows_of(table: Rows, columns: Sequence[str]) -> list[dict[str, Any]]:
    """``records(table, columns)`` for a frame; rows given as dicts as they are."""
    return table if isinstance(table, list) else records(table, columns)


def pillar_names(pillars: Iterable[Any], lang: str) -> dict[str, str]:
    """Pillar code → name in the language, from catalogue groups (anything with code/name_fa/name_en)."""
    return {p.code: pick(lang, p.name_fa, p.name_en) for p in pillars}


# --- overview ----------------------------------------------------------------------------------------------
def index_distribution_figure(scores: pd.DataFrame, lang: str) -> Figure:
    """How the scored agencies' composite index spreads over 0–100: a histogram with a box above it."""
    title = t("overview.distribution", lang)
    index = scores["index_score"].to_numpy(dtype="float64", na_value=np.nan)
    keep = scores["scored"].to_numpy(dtype=bool) & ~np.isnan(index)
    if not keep.any():
        return empty_figure(lang, title=title)
    fig = subplots(2, 1, row_heights=(0.2, 0.8), shared_xaxes=True, vertical_spacing=0.03)
    names_fa, names_en = scores["name_fa"].to_numpy(dtype=object)[keep], scores["name_en"].to_numpy(dtype=object)[keep]
    names = [pick(lang, fa, en) for fa, en in zip(names_fa, names_en, strict=True)]
    numbers = index[keep]
    _panel(
        fig,
        {
            "type": "box",
            "x": numbers,
            "name": "",
            "boxpoints": "all",
            "jitter": 0.4,
            "marker": {"color": AGENCY_COLOUR, "size": 5},
            "line": {"color": AGENCY_COLOUR},
            "customdata": [
                [n, format_number(v, lang, decimals=1)] for n, v in zip(names, numbers.tolist(), strict=True)
            ],
            "hovertemplate": "%{customdata[0]}: %{customdata[1]}<extra></extra>",
            "showlegend": False,
        },
        row=1,
        col=1,
        cols=1,
    )
    inside = numbers[(numbers >= 0) & (numbers < 100)]  # bins [0, 10) … [90, 100): a 100 falls in none
    counts = [int(c) for c in np.histogram(inside, bins=np.arange(0, 101, 10))[0]]
    centres = [5 + 10 * i for i in range(len(counts))]
    ranges = [f"{format_number(10 * i, lang)}–{format_number(10 * i + 10, lang)}" for i in range(len(counts))]
    _panel(
        fig,
        {
            "type": "bar",
            "x": centres,
            "y": counts,
            "width": 9.4,
            "marker": {"color": AGENCY_COLOUR},
            "text": [format_number(c, lang) if c else "" for c in counts],
            "textposition": "outside",
            "customdata": [[r, format_number(c, lang)] for r, c in zip(ranges, counts, strict=True)],
            "hovertemplate": t("overview.distribution_hover", lang, range="%{customdata[0]}", count="%{customdata[1]}")
            + "<extra></extra>",
            "showlegend": False,
        },
        row=2,
        col=1,
        cols=1,
    )
    _layout(fig, lang, title=title, height=360)
    layout = fig["layout"]
    layout["yaxis"]["visible"] = False
    merge(
        layout["xaxis2"],
        {"range": [0, 100], **_number_ticks(0, 100, lang), "title": {"text": t("overview.index_axis", lang)}},
    )
    layout["xaxis"].update(range=[0, 100], showticklabels=False)
    merge(
        layout["yaxis2"],
        {
            "title": {"text": t("overview.agencies_axis", lang)},
            **_number_ticks(0, float(max(counts)) * 1.2, lang, integer=True),
        },
    )
    if normalise_lang(lang) == "fa":
        _mirror_x(fig, 0, 100)
    return fig


def pillar_progress_frame(scores: pd.DataFrame, indicators: pd.DataFrame, pillar_codes: Sequence[str]) -> pd.DataFrame:
    """Per pillar: mean score of the scored agencies (0–100, 100 = the 1394 target) and the share of its
    indicators ahead of or on the path, over every scored agency × indicator."""
    scored = scores[scores["scored"].astype(bool)]
    marked = indicators[indicators["status"] != "not_scored"]
    on_path_by_pillar = marked["status"].isin(["ahead", "on_track"]).groupby(marked["pillar"]).agg(["mean", "size"])
    rows = []
    for code in pillar_codes:
        column = f"pillar_{code}"
        mean = scored[column].mean() if column in scored and scored[column].notna().any() else None
        size = int(on_path_by_pillar.at[code, "size"]) if code in on_path_by_pillar.index else 0
        on_path = 100 * on_path_by_pillar.at[code, "mean"] if size else None
        rows.append({"pillar": code, "mean_score": mean, "on_path_pct": on_path, "indicators_scored": size})
    return pd.DataFrame(rows)


def pillar_progress_figure(progress: pd.DataFrame, names: dict[str, str], lang: str) -> Figure:
    """One horizontal bar per pillar: its mean score against the 1394 target of 100."""
    title = t("overview.pillars", lang)
    progress = progress[progress["mean_score"].notna()]
    if progress.empty:
        return empty_figure(lang, title=title)
    labels = [names.get(code, code) for code in progress["pillar"]]
    on_path = [format_percent(v, lang) for v in progress["on_path_pct"]]
    means = [float(v) for v in progress["mean_score"]]
    fig = figure_dict(
        [
            {
                "type": "bar",
                "y": labels,
                "x": [100] * len(labels),
                "orientation": "h",
                "marker": {"color": "#eceef0"},
                "hoverinfo": "skip",
                "showlegend": True,
                "name": t("overview.target_legend", lang),
            },
            {
                "type": "bar",
                "y": labels,
                "x": means,
                "orientation": "h",
                "marker": {"color": AGENCY_COLOUR},
                "text": [format_number(v, lang, decimals=1) for v in means],
                "textposition": "inside",
                "insidetextanchor": "end",
                "textfont": {"color": "white"},
                "customdata": on_path,
                "hovertemplate": "%{y}: %{text}<br>"
                + t("overview.on_path_hover", lang, share="%{customdata}")
                + "<extra></extra>",
                "name": t("overview.mean_legend", lang),
            },
        ],
        {"barmode": "overlay", "bargap": 0.35},
    )
    _layout(fig, lang, title=title, height=80 + 34 * len(labels), categories_on="y")
    fig["layout"]["xaxis"].update(range=[0, 100], **_number_ticks(0, 100, lang))
    if normalise_lang(lang) == "fa":
        _mirror_x(fig, 0, 100)
    return fig


def status_totals(scores: pd.DataFrame) -> dict[str, int]:
    """How many indicator results (agency × indicator) are in each status, over the given agencies."""
    return {status: int(scores[f"{status}_count"].sum()) for status in STATUSES}


def status_cards(totals: dict[str, int], lang: str) -> dmc.SimpleGrid:
    """Four cards: ahead, on track, behind, off track: symbol, word, count and share, never colour alone."""
    cards = [
        html.Div(
            [
                html.Div(word, className="egov-status-word"),
                html.Div(count, className="egov-kpi egov-num"),
                html.Div(share, className="egov-muted"),
            ],
            className=f"egov-status-card egov-status-{status}",
            **cast("dict[str, Any]", {"data-status": status}),
        )
        for status, word, count, share in _status_card_texts(totals, lang)
    ]
    return dmc.SimpleGrid(cards, cols={"base": 2, "sm": 4}, spacing="sm")


def status_cards_element(totals: dict[str, int], lang: str) -> Element:
    """:func:`status_cards` as plain data."""
    cards = [
        tag(
            "Div",
            [
                tag("Div", word, className="egov-status-word"),
                tag("Div", count, className="egov-kpi egov-num"),
                tag("Div", share, className="egov-muted"),
            ],
            className=f"egov-status-card egov-status-{status}",
            **{"data-status": status},
        )
        for status, word, count, share in _status_card_texts(totals, lang)
    ]
    return element(DMC, "SimpleGrid", cards, cols={"base": 2, "sm": 4}, spacing="sm")


def _status_card_texts(totals: dict[str, int], lang: str) -> list[tuple[str, str, str, str]]:
    """Each status card's status, symbol and word, count and share of all results."""
    whole = sum(totals.values())
    return [
        (
            status,
            status_label(status, lang),
            format_number(totals.get(status, 0), lang),
            t("overview.of_results", lang, share=format_percent(100 * totals.get(status, 0) / whole, lang))
            if whole
            else MISSING,
        )
        for status in STATUSES
    ]


def maturity_mix_figure(stages: pd.DataFrame, lang: str) -> Figure:
    """How many agencies are at each maturity stage, in stage order (agencies without data left out)."""
    title = t("overview.maturity", lang)
    found: dict[str, dict[str, Any]] = {}  # stage → its order, first names and count, in one pass
    for row in records(stages, ["stage", "stage_order", "stage_fa", "stage_en"]):
        stage = row["stage"]
        if stage is None or pd.isna(stage):
            continue
        seen = found.setdefault(stage, {"order": None, "fa": None, "en": None, "count": 0})
        seen["count"] += 1
        for key, column in (("order", "stage_order"), ("fa", "stage_fa"), ("en", "stage_en")):
            if seen[key] is None and not pd.isna(row[column]):
                seen[key] = row[column]
    if not found:
        return empty_figure(lang, title=title)
    ordered = sorted(found, key=lambda stage: (found[stage]["order"] is None, found[stage]["order"] or 0))
    counts = pd.Series([found[stage]["count"] for stage in ordered], index=ordered, dtype=int)
    labels = [pick(lang, found[stage]["fa"], found[stage]["en"]) for stage in ordered]
    fig = figure_dict(
        [
            {
                "type": "bar",
                "x": labels,
                "y": [int(c) for c in counts],
                "marker": {
                    "color": ["#cfe3f1", "#8fc0e0", "#4a98c9", "#0072B2", "#004b76"][: len(labels)],
                    "line": {"color": "#004b76", "width": 1},
                },
                "text": [format_number(c, lang) for c in counts],
                "textposition": "outside",
                "hovertemplate": "%{x}: %{text}<extra></extra>",
            }
        ]
    )
    _layout(fig, lang, title=title, height=320, categories_on="x")
    merge(
        fig["layout"]["yaxis"],
        {
            "title": {"text": t("overview.agencies_axis", lang)},
            **_number_ticks(0, float(counts.max()) * 1.25, lang, integer=True),
        },
    )
    return fig


def agency_list(
    frame: pd.DataFrame, lang: str, *, year: int, list_id: str, detail: str = "index", empty_key: str
) -> Component:
    """An ordered list of agencies, each a link to its scorecard with its index (and off-track count)."""
    if frame.empty:
        return html.P(t(empty_key, lang), id=list_id, className="egov-muted")
    items = []
    rows = records(frame, ["name_fa", "name_en", "index_score", "off_track_count"])
    for code, row in zip(frame.index, rows, strict=True):
        note = t("overview.index_short", lang, score=format_number(row["index_score"], lang, decimals=1))
        if detail == "off_track":
            note = t("overview.off_track_short", lang, count=format_number(row["off_track_count"], lang)) + " · " + note
        items.append(
            html.Li(
                [
                    dcc.Link(
                        pick(lang, row["name_fa"], row["name_en"]),
                        href=href("/scorecard", lang, agency=code, year=year),
                    ),
                    html.Span(f" ({note})", className="egov-muted"),
                ],
                **cast("dict[str, Any]", {"data-agency": str(code)}),
            )
        )
    return html.Ol(items, id=list_id, className="egov-agency-list")


def completeness_counts(completeness: pd.DataFrame, year: int, agencies: Iterable[str]) -> dict[str, int]:
    """How many of the given agencies reported on time, late, or not at all for ``year``."""
    if year not in completeness.columns:
        return dict.fromkeys(COMPLETENESS_STATES, 0)
    column = completeness[year].reindex(list(agencies)).fillna("missing")
    return {state: int((column == state).sum()) for state in COMPLETENESS_STATES}


def completeness_summary(counts: dict[str, int], year: int, lang: str, *, summary_id: str) -> html.Div:
    """``1394: 24 of 29 agencies reported (83%)`` and the split reported / late / missing, in words."""
    total = sum(counts.values())
    reported = counts.get("reported", 0) + counts.get("late", 0)
    share = format_percent(100 * reported / total, lang) if total else MISSING
    return html.Div(
        [
            html.P(
                t(
                    "reporting.summary",
                    lang,
                    year=format_year(year, lang),
                    reported=format_number(reported, lang),
                    total=format_number(total, lang),
                    share=share,
                ),
                className="egov-lead",
            ),
            html.Ul(
                [
                    html.Li(
                        f"{t(f'cell.{state}', lang)}: {format_number(counts.get(state, 0), lang)}",
                        className=f"egov-cell-{state} egov-pill",
                    )
                    for state in COMPLETENESS_STATES
                ],
                className="egov-pills",
            ),
        ],
        id=summary_id,
    )


# --- scorecard ---------------------------------------------------------------------------------------------
def pillar_comparison_figure(
    agency: Row, peers: pd.DataFrame | Mapping[str, float], names: dict[str, str], lang: str
) -> Figure:
    """The agency's score on each pillar beside the median of the scored agencies of its province
    (``peers``: their rows, or each ``pillar_*`` column's median already)."""
    title = t("scorecard.pillars", lang)
    codes = [code for code in names if f"pillar_{code}" in agency]
    columns = [f"pillar_{code}" for code in codes]
    own = [agency[column] for column in columns]
    if isinstance(peers, pd.DataFrame):
        scored = peers["scored"].to_numpy(dtype=bool)
        median = [_median(peers[column], scored) if scored.any() else None for column in columns]
    else:
        median = [peers.get(column) for column in columns]
    if all(pd.isna(v) for v in own) and all(pd.isna(v) for v in median):
        return empty_figure(lang, title=title)
    labels = [names[code] for code in codes]
    traces = []
    for values, colour, legend, pattern in (
        (own, AGENCY_COLOUR, t("scorecard.this_agency", lang), ""),
        (median, PEER_COLOUR, t("scorecard.province_median", lang), "/"),
    ):
        traces.append(
            {
                "type": "bar",
                "y": labels,
                "x": _values(values),
                "orientation": "h",
                "name": legend,
                "marker": {"color": colour, "pattern": {"shape": pattern, "fgcolor": "white"}},
                "text": [format_number(v, lang, decimals=0) if not pd.isna(v) else MISSING for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{y} · " + legend + ": %{text}<extra></extra>",
            }
        )
    fig = figure_dict(traces, {"barmode": "group", "bargap": 0.25})
    _layout(fig, lang, title=title, height=110 + 48 * len(labels), categories_on="y")
    fig["layout"]["xaxis"].update(range=[0, 110], **_number_ticks(0, 100, lang))
    if normalise_lang(lang) == "fa":
        _mirror_x(fig, 0, 110)
    return fig


def _median(values: pd.Series, keep: np.ndarray) -> float:
    """The median of the kept, present values (NaN when none is): ``Series.median`` without the frame."""
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)[keep]
    numbers = numbers[~np.isnan(numbers)]
    return float(np.median(numbers)) if len(numbers) else math.nan


def indicator_paths_figure(
    trajectory: Rows, indicators: Rows, lang: str, *, first_year: int, target_year: int
) -> Figure:
    """One small panel per indicator: reported values year by year, the straight path from the baseline
    to the target, and the projection at the current pace to the target year.

    ``trajectory`` is ``api.trajectory`` (indicator × year values); ``indicators`` is
    ``api.indicator_scores`` for the shown year (baseline, target, projection, status).
    """
    title = t("scorecard.paths", lang, year=format_year(target_year, lang))
    infos = rows_of(indicators, _PATH_COLUMNS)
    if not infos:
        return empty_figure(lang, title=title)
    rtl = normalise_lang(lang) == "fa"
    codes = [info["indicator"] for info in infos]
    columns = 3
    rows = math.ceil(len(codes) / columns)
    titles = [_panel_title(info, lang) for info in infos]
    if rtl:  # subplot titles are given row by row, left to right
        titles = [title for start in range(0, len(titles), columns) for title in _mirror_row(titles, start, columns)]
    fig = subplots(rows, columns, vertical_spacing=0.42 / rows + 0.02, titles=titles)
    years = list(range(first_year, target_year + 1))
    by_indicator = _trajectory_points(trajectory)
    for i, info in enumerate(infos):
        row, col = divmod(i, columns)
        col = columns - 1 - col if rtl else col  # Persian reads the panels from the right
        points = by_indicator.get(info["indicator"], [])
        for trace in _indicator_traces(points, info, lang, target_year, i == 0):
            _panel(fig, trace, row=row + 1, col=col + 1, cols=columns)
        _panel_axis(fig, "y", row=row + 1, col=col + 1, cols=columns).update(_panel_ticks(points, info, lang))
    _layout(fig, lang, title=title, height=110 + 190 * rows)
    layout = fig["layout"]
    layout["margin"]["t"] = 90
    ticks = {"tickvals": years, "ticktext": [format_year(y, lang) for y in years]}
    for axis in axes(layout, "x"):
        axis.update(ticks, range=[first_year - 0.3, target_year + 0.3])
    if rtl:
        _mirror_x(fig, first_year - 0.3, target_year + 0.3)
    for annotation in layout.get("annotations", []):
        annotation["font"] = {"size": 11}
    return fig


_PATH_COLUMNS = (
    "indicator",
    "indicator_fa",
    "indicator_en",
    "status",
    "unit",
    "baseline_year",
    "baseline_value",
    "target",
    "projected_value",
)


def _trajectory_points(trajectory: Rows) -> dict[str, list[tuple[int, float | None]]]:
    """Each indicator's (year, value) points in the trajectory's order (missing values as ``None``)."""
    points: dict[str, list[tuple[int, float | None]]] = {}
    for row in rows_of(trajectory, ["indicator", "year", "value"]):
        value = row["value"]
        points.setdefault(row["indicator"], []).append((int(row["year"]), None if _missing(value) else float(value)))
    return points


def _mirror_row(titles: list[str], start: int, columns: int) -> list[str]:
    row = titles[start : start + columns]
    return [*([""] * (columns - len(row))), *reversed(row)]


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):  # most values: a float, NaN when missing (no pandas call)
        return value != value
    return bool(pd.isna(value))


def _panel_ticks(points: list[tuple[int, float | None]], info: dict[str, Any], lang: str) -> dict[str, Any]:
    """A panel's y axis with ticks in the language's digits: 0–100 for percentages, else the data's span."""
    if info.get("unit") == "%":
        lo, hi = 0.0, 100.0
    else:
        candidates: list[Any] = [v for _, v in points if v is not None]
        candidates += [info.get("target"), info.get("projected_value")]
        found = [float(v) for v in candidates if not _missing(v)]
        lo, hi = min([0.0, *found]), max([1.0, *found])
    ticks = _panel_number_ticks(lo, hi, normalise_lang(lang))
    pad = (hi - lo) * 0.08
    return {**ticks, "range": [lo - pad, hi + pad]}


@lru_cache(maxsize=1024)
def _panel_number_ticks(lo: float, hi: float, lang: str) -> dict[str, Any]:
    """A panel's ticks, kept: most panels are percentages with the same five ticks (shared, never changed)."""
    return _number_ticks(lo, hi, lang, count=4)


@lru_cache(maxsize=256)
def _year_text(year: int, lang: str) -> str:
    """``format_year``, kept: the same few plan years label every panel's points."""
    return format_year(year, lang)


def _panel_title(info: dict[str, Any], lang: str) -> str:
    name = pick(lang, info.get("indicator_fa", ""), info.get("indicator_en", ""))
    name = name if len(name) <= 34 else name[:33] + "…"
    status = status_label(str(info.get("status", "not_scored")), lang)
    return f"{name}<br><span style='font-size:11px;color:#495057'>{status}</span>"


def _indicator_traces(
    points: list[tuple[int, float | None]], info: dict[str, Any], lang: str, target_year: int, legend: bool
) -> list[dict[str, Any]]:
    reported = sorted(((year, value) for year, value in points if value is not None), key=lambda p: p[0])
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": [year for year, _ in reported],
            "y": [value for _, value in reported],
            "mode": "lines+markers",
            "line": {"color": AGENCY_COLOUR, "width": 2},
            "marker": {"size": 7, "symbol": "circle"},
            "name": t("scorecard.reported", lang),
            "legendgroup": "reported",
            "showlegend": legend,
            "text": [_number_text(value, lang, 1) for _, value in reported],
            "customdata": [_year_text(year, lang) for year, _ in reported],
            "hovertemplate": "%{customdata}: %{text}<extra></extra>",
        }
    ]
    baseline_year, baseline_value, target = info.get("baseline_year"), info.get("baseline_value"), info.get("target")
    if not (_missing(baseline_year) or _missing(baseline_value) or _missing(target)):
        traces.append(
            {
                "type": "scatter",
                "x": [int(baseline_year), target_year],  # type: ignore[arg-type]  # checked above
                "y": [float(baseline_value), float(target)],  # type: ignore[arg-type]
                "mode": "lines",
                "line": {"color": PATH_COLOUR, "dash": "dash", "width": 2},
                "name": t("scorecard.path", lang),
                "legendgroup": "path",
                "showlegend": legend,
                "hoverinfo": "skip",
            }
        )
    projected: Any = info.get("projected_value")
    if reported and not _missing(projected):
        last_year, last_value = reported[-1]
        traces.append(
            {
                "type": "scatter",
                "x": [last_year, target_year],
                "y": [last_value, float(projected)],
                "mode": "lines+markers",
                "line": {"color": PROJECTION_COLOUR, "dash": "dot", "width": 2},
                "marker": {"symbol": ["circle-open", "diamond"], "size": [1, 9]},
                "name": t("scorecard.projection", lang),
                "legendgroup": "projection",
                "showlegend": legend,
                "text": ["", format_number(projected, lang, decimals=1)],
                "hovertemplate": t("scorecard.projection", lang) + ": %{text}<extra></extra>",
            }
        )
    elif legend:  # keep the legend entry even when the first panel has no projection
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "line": {"color": PROJECTION_COLOUR, "dash": "dot"},
                "name": t("scorecard.projection", lang),
                "legendgroup": "projection",
            }
        )
    return traces


INDICATOR_FIELDS = (
    "indicator",
    "indicator_fa",
    "indicator_en",
    "unit",
    "value",
    "period_target",
    "target",
    "score",
    "status",
    "projected_value",
    "year_reached",
    "imputed",
    "baseline_moved",
    "baseline_year",
)
"""What the scorecard reads of each ``api.indicator_scores`` row (the page's table and the Excel sheet)."""


def indicator_rows(indicators: Rows, lang: str) -> list[dict[str, Any]]:
    """The indicator table of the scorecard: value, this year's target on the path, status, projection,
    the year the target is reached at this pace and the data-quality flags, all as display text."""
    rows = []
    for row in rows_of(indicators, INDICATOR_FIELDS):
        unit = "%" if row["unit"] == "%" else ""
        flags = [t("flag.imputed", lang)] if bool(row["imputed"]) else []
        if bool(row["baseline_moved"]):
            flags.append(t("flag.baseline_moved", lang, year=format_year(row["baseline_year"], lang)))
        reached = row["year_reached"]
        rows.append(
            {
                "indicator": row["indicator"],
                "name": pick(lang, row["indicator_fa"], row["indicator_en"]),
                "value": _with_unit(row["value"], unit, lang),
                "period_target": _with_unit(row["period_target"], unit, lang),
                "target": _with_unit(row["target"], unit, lang),
                "score": _number_text(row["score"], lang, 0),
                "status": status_label(row["status"], lang),
                "status_code": row["status"],
                "projected_value": _with_unit(row["projected_value"], unit, lang),
                "year_reached": format_year(None if pd.isna(reached) else int(reached), lang),
                "flags": t("list.sep", lang).join(flags),
            }
        )
    return rows


@lru_cache(maxsize=8192)
def _number_text(value: float | None, lang: str, decimals: int) -> str:
    """``format_number``, kept: targets, path targets and scores repeat from agency to agency."""
    return format_number(value, lang, decimals=decimals)


@lru_cache(maxsize=8192)
def _with_unit(value: object, unit: str, lang: str) -> str:
    if value is None or pd.isna(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]  # a number or a pandas scalar
    return format_percent(number, lang, decimals=1) if unit == "%" else format_number(number, lang, decimals=1)


def quality_flags(agency: Row, indicators: Rows, lang: str, *, flags_id: str) -> Element:
    """What to keep in mind before trusting the numbers: not scored and why, coverage, imputed values,
    baselines taken from a later year. Says so plainly when there is nothing to flag. Plain data."""
    items: list[str] = []
    if not bool(agency.get("scored", False)):
        reason = agency.get("not_scored_reason") or ""
        items.append(t("flag.not_scored", lang, reason=_reason_text(str(reason), lang)))
    coverage = agency.get("coverage")
    if coverage is not None and not pd.isna(coverage) and coverage < 1:
        items.append(t("flag.coverage", lang, share=format_percent(100 * float(coverage), lang)))
    rows = rows_of(indicators, ["indicator_fa", "indicator_en", "imputed", "baseline_moved"])
    for flag, key in (("imputed", "flag.imputed_list"), ("baseline_moved", "flag.baseline_moved_list")):
        names = [pick(lang, r["indicator_fa"], r["indicator_en"]) for r in rows if bool(r[flag])]
        if names:
            items.append(t(key, lang, names=t("list.sep", lang).join(names)))
    if not items:
        return tag("Div", tag("P", t("flag.none", lang)), id=flags_id)
    return tag("Div", tag("Ul", [tag("Li", item) for item in items]), id=flags_id, className="egov-flags")


def _reason_text(reason: str, lang: str) -> str:
    """The scorer's reason in the page's language when it is one we know; else as given."""
    known = {"no report for this period": "reason.no_report"}
    for prefix, key in known.items():
        if reason.startswith(prefix):
            return t(key, lang)
    return reason or MISSING


def claimed_vs_observed_panel(claims: Row | None, lang: str, *, panel_id: str) -> Element:
    """Claimed (report) against observed (service logs), with a plain notice when no logs are loaded.
    Plain data."""
    if claims is None:
        return tag("Div", tag("P", t("claims.none", lang)), id=panel_id)
    has_logs = claims.get("observed_source") == "service logs"
    rows = [
        ("claims.transactional", claims.get("claimed_transactional_pct")),
        ("claims.processes", claims.get("claimed_processes_pct")),
        ("claims.takeup", claims.get("observed_digital_takeup_pct")),
        ("claims.completion", claims.get("observed_completion_rate_pct")),
        ("claims.gap", claims.get("gap_pct")),
    ]
    table = tag(
        "Table",
        tag(
            "Tbody",
            [
                tag("Tr", [tag("Th", t(key, lang)), tag("Td", _with_unit(value, "%", lang), className="egov-num")])
                for key, value in rows
            ],
        ),
        className="egov-table",
    )
    notice: list[Element] = []
    if not has_logs:
        notice.append(_notice(t("claims.no_logs", lang), "gray"))
    elif bool(claims.get("only_on_paper")):
        notice.append(_notice(t("claims.on_paper", lang), "orange"))
    return tag("Div", [*notice, table], id=panel_id, **{"data-has-logs": "yes" if has_logs else "no"})


def _notice(text: str, color: str) -> Element:
    return element(DMC, "Alert", text, color=color, variant="light", className="egov-notice")


def submission_rows(submissions: Rows, lang: str, *, format_time: Any) -> list[dict[str, Any]]:
    """The agency's submissions, current and superseded, newest first, as display text."""
    if len(submissions) == 0:
        return []
    rows = []
    columns = ["submission_id", "period_code", "file_name", "submitted_by", "submitted_at", "status", "supersedes_id"]
    found = rows_of(submissions, [*columns, "review_status"])
    has_review = "review_status" in found[0]
    for row in sorted(found, key=lambda r: -int(r["submission_id"])):
        rows.append(
            {
                "submission_id": int(row["submission_id"]),
                "id_text": format_year(int(row["submission_id"]), lang),
                "period": format_year(row["period_code"], lang),
                "file_name": row["file_name"],
                "submitted_by": row["submitted_by"],
                "submitted_at": format_time(row["submitted_at"], lang),
                "status": t(f"submission.{row['status']}", lang),
                "supersedes": MISSING
                if pd.isna(row["supersedes_id"])
                else format_year(int(row["supersedes_id"]), lang),
                # Only approved submissions count in the scores (store.workflow): say which this one is.
                "review": t(f"review.status.{row['review_status']}", lang) if has_review else MISSING,
            }
        )
    return rows


def simple_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]], *, table_id: str, lang: str) -> Element:
    """A plain, printable HTML table (plain data): ``columns`` are (field, header text)."""
    if not rows:
        return tag(
            "Table", tag("Tbody", tag("Tr", tag("Td", t("figure.no_data", lang)))), id=table_id, className="egov-table"
        )
    classes = [(field, f"egov-col-{field}") for field, _ in columns]
    head = tag("Thead", tag("Tr", [tag("Th", label, scope="col") for _, label in columns]))
    body = tag(
        "Tbody",
        [tag("Tr", [tag("Td", row.get(field, ""), className=name) for field, name in classes]) for row in rows],
    )
    return tag("Table", [head, body], id=table_id, className="egov-table egov-table-full")
