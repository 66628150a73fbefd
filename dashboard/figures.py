"""Pure figure and component builders: a DataFrame in, a plotly figure or a Dash component out.

Callbacks and page layouts fetch frames from ``metrics.api`` and hand them here; the unit tests call
these functions directly with small frames. Nothing in this module reads the store.

Right to left: plotly draws its plot area left to right even in an RTL page, so in Persian every
figure is mirrored here (x axis reversed, y axis on the right). Numbers on screen use the language's
digits: ticks carry explicit ``ticktext`` and hovers and bar labels carry text formatted by
``dashboard.formatting``. Status colours are the Okabe-Ito palette (safe for colour-blind readers)
and every status also shows its symbol and word, never colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

import dash_mantine_components as dmc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component
from plotly.subplots import make_subplots

from dashboard.formatting import MISSING, format_number, format_percent, format_year
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import href

FONT_FAMILY = "Vazirmatn, Tahoma, sans-serif"
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


def graph(figure: go.Figure, *, graph_id: str | None = None, height: str | None = None) -> dcc.Graph:
    """A ``dcc.Graph`` for a figure: no plotly logo, responsive, the figure's own height."""
    extra: dict[str, Any] = {"id": graph_id} if graph_id else {}
    style = {"height": height} if height else {}
    return dcc.Graph(figure=figure, config=cast("Any", _CONFIG), style=style, className="egov-figure", **extra)


def _number_ticks(lo: float, hi: float, lang: str, *, count: int = 5, integer: bool = False) -> dict[str, Any]:
    """Evenly spaced ticks with text in the language's digits."""
    hi = max(hi, lo + 1)
    step = (hi - lo) / count
    if integer:
        step = max(1, math.ceil(step))
    values = [lo + i * step for i in range(count + 1) if lo + i * step <= hi + 1e-9]
    return {"tickvals": values, "ticktext": [format_number(v, lang, decimals=0) for v in values]}


def _layout(fig: go.Figure, lang: str, *, title: str, height: int, categories_on: str | None = None) -> go.Figure:
    """Font, margins, title and the RTL mirror: in Persian the x axis runs right to left, y stands on the right.

    ``categories_on`` names the axis holding categories (``"y"`` for horizontal bars), which in Persian
    reads from the top right.
    """
    rtl = normalise_lang(lang) == "fa"
    fig.update_layout(
        title={"text": title, "x": 0.98 if rtl else 0.02, "xanchor": "right" if rtl else "left"},
        font={"family": FONT_FAMILY, "size": 13},
        height=height,
        margin={"l": 16, "r": 16, "t": 56, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "y": -0.15, "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left"},
        separators=FA_SEPARATORS if rtl else ".,",
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e9ecef", zeroline=False, automargin=True)
    fig.update_yaxes(showgrid=categories_on != "y", gridcolor="#e9ecef", zeroline=False, automargin=True)
    if rtl:
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
    if categories_on == "y":
        fig.update_yaxes(autorange="reversed")  # first category at the top
    return fig


def empty_figure(lang: str, *, title: str) -> go.Figure:
    """A figure that says there is nothing to draw (instead of an empty grid of axes)."""
    fig = go.Figure()
    fig.add_annotation(text=t("figure.no_data", lang), showarrow=False, font={"size": 15, "color": "#495057"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, lang, title=title, height=220)


def pillar_names(pillars: Iterable[Any], lang: str) -> dict[str, str]:
    """Pillar code → name in the language, from catalogue groups (anything with code/name_fa/name_en)."""
    return {p.code: pick(lang, p.name_fa, p.name_en) for p in pillars}


# --- overview ----------------------------------------------------------------------------------------------
def index_distribution_figure(scores: pd.DataFrame, lang: str) -> go.Figure:
    """How the scored agencies' composite index spreads over 0–100: a histogram with a box above it."""
    title = t("overview.distribution", lang)
    values = scores.loc[scores["scored"].astype(bool), "index_score"].dropna()
    if values.empty:
        return empty_figure(lang, title=title)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.2, 0.8], shared_xaxes=True, vertical_spacing=0.03)
    names = [pick(lang, fa, en) for fa, en in scores.loc[values.index, ["name_fa", "name_en"]].to_numpy()]
    fig.add_trace(
        go.Box(
            x=values,
            name="",
            boxpoints="all",
            jitter=0.4,
            marker={"color": AGENCY_COLOUR, "size": 5},
            line={"color": AGENCY_COLOUR},
            customdata=[[n, format_number(v, lang, decimals=1)] for n, v in zip(names, values, strict=True)],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    bins = pd.cut(values, bins=list(range(0, 101, 10)), include_lowest=True, right=False).value_counts(sort=False)
    counts = bins.to_numpy()
    centres = [5 + 10 * i for i in range(len(counts))]
    ranges = [f"{format_number(10 * i, lang)}–{format_number(10 * i + 10, lang)}" for i in range(len(counts))]
    fig.add_trace(
        go.Bar(
            x=centres,
            y=counts,
            width=9.4,
            marker={"color": AGENCY_COLOUR},
            text=[format_number(c, lang) if c else "" for c in counts],
            textposition="outside",
            customdata=[[r, format_number(c, lang)] for r, c in zip(ranges, counts, strict=True)],
            hovertemplate=t("overview.distribution_hover", lang, range="%{customdata[0]}", count="%{customdata[1]}")
            + "<extra></extra>",
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    _layout(fig, lang, title=title, height=360)
    fig.update_yaxes(visible=False, row=1, col=1)
    fig.update_xaxes(range=[0, 100], **_number_ticks(0, 100, lang), row=2, col=1)
    fig.update_xaxes(range=[0, 100], showticklabels=False, row=1, col=1)
    fig.update_yaxes(
        title_text=t("overview.agencies_axis", lang),
        **_number_ticks(0, float(counts.max()) * 1.2, lang, integer=True),
        row=2,
        col=1,
    )
    fig.update_xaxes(title_text=t("overview.index_axis", lang), row=2, col=1)
    if normalise_lang(lang) == "fa":
        fig.update_xaxes(autorange=None, range=[100, 0])
    return fig


def pillar_progress_frame(scores: pd.DataFrame, indicators: pd.DataFrame, pillar_codes: Sequence[str]) -> pd.DataFrame:
    """Per pillar: mean score of the scored agencies (0–100, 100 = the 1394 target) and the share of its
    indicators ahead of or on the path, over every scored agency × indicator."""
    scored = scores[scores["scored"].astype(bool)]
    rows = []
    for code in pillar_codes:
        column = f"pillar_{code}"
        mean = scored[column].mean() if column in scored and scored[column].notna().any() else None
        marks = indicators[(indicators["pillar"] == code) & (indicators["status"] != "not_scored")]["status"]
        on_path = 100 * marks.isin(["ahead", "on_track"]).mean() if len(marks) else None
        rows.append({"pillar": code, "mean_score": mean, "on_path_pct": on_path, "indicators_scored": len(marks)})
    return pd.DataFrame(rows)


def pillar_progress_figure(progress: pd.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """One horizontal bar per pillar: its mean score against the 1394 target of 100."""
    title = t("overview.pillars", lang)
    progress = progress[progress["mean_score"].notna()]
    if progress.empty:
        return empty_figure(lang, title=title)
    labels = [names.get(code, code) for code in progress["pillar"]]
    on_path = [format_percent(v, lang) for v in progress["on_path_pct"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[100] * len(labels),
            orientation="h",
            marker={"color": "#eceef0"},
            hoverinfo="skip",
            showlegend=True,
            name=t("overview.target_legend", lang),
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=progress["mean_score"],
            orientation="h",
            marker={"color": AGENCY_COLOUR},
            text=[format_number(v, lang, decimals=1) for v in progress["mean_score"]],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "white"},
            customdata=on_path,
            hovertemplate="%{y}: %{text}<br>"
            + t("overview.on_path_hover", lang, share="%{customdata}")
            + "<extra></extra>",
            name=t("overview.mean_legend", lang),
        )
    )
    fig.update_layout(barmode="overlay", bargap=0.35)
    _layout(fig, lang, title=title, height=80 + 34 * len(labels), categories_on="y")
    fig.update_xaxes(range=[0, 100], **_number_ticks(0, 100, lang))
    if normalise_lang(lang) == "fa":
        fig.update_xaxes(autorange=None, range=[100, 0])
    return fig


def status_totals(scores: pd.DataFrame) -> dict[str, int]:
    """How many indicator results (agency × indicator) are in each status, over the given agencies."""
    return {status: int(scores[f"{status}_count"].sum()) for status in STATUSES}


def status_cards(totals: dict[str, int], lang: str) -> dmc.SimpleGrid:
    """Four cards: ahead, on track, behind, off track: symbol, word, count and share, never colour alone."""
    whole = sum(totals.values())
    cards = [
        html.Div(
            [
                html.Div(status_label(status, lang), className="egov-status-word"),
                html.Div(format_number(totals.get(status, 0), lang), className="egov-kpi egov-num"),
                html.Div(
                    t("overview.of_results", lang, share=format_percent(100 * totals.get(status, 0) / whole, lang))
                    if whole
                    else MISSING,
                    className="egov-muted",
                ),
            ],
            className=f"egov-status-card egov-status-{status}",
            **cast("dict[str, Any]", {"data-status": status}),
        )
        for status in STATUSES
    ]
    return dmc.SimpleGrid(cards, cols={"base": 2, "sm": 4}, spacing="sm")


def maturity_mix_figure(stages: pd.DataFrame, lang: str) -> go.Figure:
    """How many agencies are at each maturity stage, in stage order (agencies without data left out)."""
    title = t("overview.maturity", lang)
    known = stages[stages["stage"].notna()]
    if known.empty:
        return empty_figure(lang, title=title)
    order = known.groupby("stage")["stage_order"].first().sort_values()
    counts = known["stage"].value_counts().reindex(order.index).fillna(0).astype(int)
    names = known.groupby("stage")[["stage_fa", "stage_en"]].first()
    labels = [pick(lang, names.at[s, "stage_fa"], names.at[s, "stage_en"]) for s in counts.index]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=counts.to_numpy(),
            marker={"color": ["#cfe3f1", "#8fc0e0", "#4a98c9", "#0072B2", "#004b76"][: len(labels)]},
            marker_line={"color": "#004b76", "width": 1},
            text=[format_number(c, lang) for c in counts],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    _layout(fig, lang, title=title, height=320, categories_on="x")
    fig.update_yaxes(
        title_text=t("overview.agencies_axis", lang), **_number_ticks(0, float(counts.max()) * 1.25, lang, integer=True)
    )
    return fig


def agency_list(
    frame: pd.DataFrame, lang: str, *, year: int, list_id: str, detail: str = "index", empty_key: str
) -> Component:
    """An ordered list of agencies, each a link to its scorecard with its index (and off-track count)."""
    if frame.empty:
        return html.P(t(empty_key, lang), id=list_id, className="egov-muted")
    items = []
    for code, row in frame.iterrows():
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
def pillar_comparison_figure(agency: pd.Series, peers: pd.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """The agency's score on each pillar beside the median of the scored agencies of its province."""
    title = t("scorecard.pillars", lang)
    codes = [code for code in names if f"pillar_{code}" in agency.index]
    scored_peers = peers[peers["scored"].astype(bool)]
    own = [agency[f"pillar_{code}"] for code in codes]
    median = [scored_peers[f"pillar_{code}"].median() if not scored_peers.empty else None for code in codes]
    if all(pd.isna(v) for v in own) and all(pd.isna(v) for v in median):
        return empty_figure(lang, title=title)
    labels = [names[code] for code in codes]
    fig = go.Figure()
    for values, colour, legend, pattern in (
        (own, AGENCY_COLOUR, t("scorecard.this_agency", lang), ""),
        (median, PEER_COLOUR, t("scorecard.province_median", lang), "/"),
    ):
        text = [format_number(v, lang, decimals=0) if not pd.isna(v) else MISSING for v in values]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[None if pd.isna(v) else v for v in values],
                orientation="h",
                name=legend,
                marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "white"}},
                text=text,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y} · " + legend + ": %{text}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.25)
    _layout(fig, lang, title=title, height=110 + 48 * len(labels), categories_on="y")
    fig.update_xaxes(range=[0, 110], **_number_ticks(0, 100, lang))
    if normalise_lang(lang) == "fa":
        fig.update_xaxes(autorange=None, range=[110, 0])
    return fig


def indicator_paths_figure(
    trajectory: pd.DataFrame, indicators: pd.DataFrame, lang: str, *, first_year: int, target_year: int
) -> go.Figure:
    """One small panel per indicator: reported values year by year, the straight path from the baseline
    to the target, and the projection at the current pace to the target year.

    ``trajectory`` is ``api.trajectory`` (indicator × year values); ``indicators`` is
    ``api.indicator_scores`` for the shown year (baseline, target, projection, status).
    """
    title = t("scorecard.paths", lang, year=format_year(target_year, lang))
    if indicators.empty:
        return empty_figure(lang, title=title)
    codes = list(indicators["indicator"])
    columns = 3
    rows = math.ceil(len(codes) / columns)
    by_code = indicators.set_index("indicator")
    titles = [_panel_title(by_code.loc[code], lang) for code in codes]
    if normalise_lang(lang) == "fa":  # subplot titles are given row by row, left to right
        titles = [title for start in range(0, len(titles), columns) for title in _mirror_row(titles, start, columns)]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.42 / rows + 0.02)
    years = list(range(first_year, target_year + 1))
    rtl = normalise_lang(lang) == "fa"
    for i, code in enumerate(codes):
        row, col = divmod(i, columns)
        col = columns - 1 - col if rtl else col  # Persian reads the panels from the right
        info = by_code.loc[code]
        values = trajectory[trajectory["indicator"] == code]
        for trace in _indicator_traces(values, info, lang, target_year, i == 0):
            fig.add_trace(trace, row=row + 1, col=col + 1)
        fig.update_yaxes(**_panel_ticks(values["value"], info, lang), row=row + 1, col=col + 1)
    _layout(fig, lang, title=title, height=110 + 190 * rows)
    fig.update_layout(margin={"t": 90})
    fig.update_xaxes(
        tickvals=years, ticktext=[format_year(y, lang) for y in years], range=[first_year - 0.3, target_year + 0.3]
    )
    if normalise_lang(lang) == "fa":
        fig.update_xaxes(autorange=None, range=[target_year + 0.3, first_year - 0.3])
    for annotation in fig.layout.annotations:
        annotation.font = {"size": 11}
    return fig


def _mirror_row(titles: list[str], start: int, columns: int) -> list[str]:
    row = titles[start : start + columns]
    return [*([""] * (columns - len(row))), *reversed(row)]


def _panel_ticks(values: pd.Series, info: pd.Series, lang: str) -> dict[str, Any]:
    """A panel's y axis with ticks in the language's digits: 0–100 for percentages, else the data's span."""
    if info.get("unit") == "%":
        lo, hi = 0.0, 100.0
    else:
        points = [v for v in [*values.dropna(), info.get("target"), info.get("projected_value")] if not pd.isna(v)]
        lo, hi = min([0.0, *points]), max([1.0, *points])
    ticks = _number_ticks(lo, hi, lang, count=4)
    pad = (hi - lo) * 0.08
    return {**ticks, "range": [lo - pad, hi + pad]}


def _panel_title(info: pd.Series, lang: str) -> str:
    name = pick(lang, info.get("indicator_fa", ""), info.get("indicator_en", ""))
    name = name if len(name) <= 34 else name[:33] + "…"
    status = status_label(str(info.get("status", "not_scored")), lang)
    return f"{name}<br><span style='font-size:11px;color:#495057'>{status}</span>"


def _indicator_traces(
    values: pd.DataFrame, info: pd.Series, lang: str, target_year: int, legend: bool
) -> list[go.Scatter]:
    reported = values[values["value"].notna()].sort_values("year")
    traces = [
        go.Scatter(
            x=reported["year"],
            y=reported["value"],
            mode="lines+markers",
            line={"color": AGENCY_COLOUR, "width": 2},
            marker={"size": 7, "symbol": "circle"},
            name=t("scorecard.reported", lang),
            legendgroup="reported",
            showlegend=legend,
            text=[format_number(v, lang, decimals=1) for v in reported["value"]],
            customdata=[format_year(y, lang) for y in reported["year"]],
            hovertemplate="%{customdata}: %{text}<extra></extra>",
        )
    ]
    baseline_year, baseline_value, target = info.get("baseline_year"), info.get("baseline_value"), info.get("target")
    if not (pd.isna(baseline_year) or pd.isna(baseline_value) or pd.isna(target)):
        traces.append(
            go.Scatter(
                x=[int(baseline_year), target_year],
                y=[baseline_value, target],
                mode="lines",
                line={"color": PATH_COLOUR, "dash": "dash", "width": 2},
                name=t("scorecard.path", lang),
                legendgroup="path",
                showlegend=legend,
                hoverinfo="skip",
            )
        )
    projected = info.get("projected_value")
    if not reported.empty and not pd.isna(projected):
        last = reported.iloc[-1]
        traces.append(
            go.Scatter(
                x=[int(last["year"]), target_year],
                y=[last["value"], projected],
                mode="lines+markers",
                line={"color": PROJECTION_COLOUR, "dash": "dot", "width": 2},
                marker={"symbol": ["circle-open", "diamond"], "size": [1, 9]},
                name=t("scorecard.projection", lang),
                legendgroup="projection",
                showlegend=legend,
                text=["", format_number(projected, lang, decimals=1)],
                hovertemplate=t("scorecard.projection", lang) + ": %{text}<extra></extra>",
            )
        )
    elif legend:  # keep the legend entry even when the first panel has no projection
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": PROJECTION_COLOUR, "dash": "dot"},
                name=t("scorecard.projection", lang),
                legendgroup="projection",
            )
        )
    return traces


def indicator_rows(indicators: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The indicator table of the scorecard: value, this year's target on the path, status, projection,
    the year the target is reached at this pace and the data-quality flags, all as display text."""
    rows = []
    for row in indicators.itertuples():
        unit = "%" if row.unit == "%" else ""
        flags = [t("flag.imputed", lang)] if bool(row.imputed) else []
        if bool(row.baseline_moved):
            flags.append(t("flag.baseline_moved", lang, year=format_year(row.baseline_year, lang)))
        rows.append(
            {
                "indicator": row.indicator,
                "name": pick(lang, row.indicator_fa, row.indicator_en),
                "value": _with_unit(row.value, unit, lang),
                "period_target": _with_unit(row.period_target, unit, lang),
                "target": _with_unit(row.target, unit, lang),
                "score": format_number(row.score, lang, decimals=0),
                "status": status_label(row.status, lang),
                "status_code": row.status,
                "projected_value": _with_unit(row.projected_value, unit, lang),
                "year_reached": format_year(None if pd.isna(row.year_reached) else int(row.year_reached), lang),
                "flags": t("list.sep", lang).join(flags),
            }
        )
    return rows


def _with_unit(value: object, unit: str, lang: str) -> str:
    if value is None or pd.isna(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]  # a number or a pandas scalar
    return format_percent(number, lang, decimals=1) if unit == "%" else format_number(number, lang, decimals=1)


def quality_flags(agency: pd.Series, indicators: pd.DataFrame, lang: str, *, flags_id: str) -> html.Div:
    """What to keep in mind before trusting the numbers: not scored and why, coverage, imputed values,
    baselines taken from a later year. Says so plainly when there is nothing to flag."""
    items: list[str] = []
    if not bool(agency.get("scored", False)):
        reason = agency.get("not_scored_reason") or ""
        items.append(t("flag.not_scored", lang, reason=_reason_text(str(reason), lang)))
    coverage = agency.get("coverage")
    if coverage is not None and not pd.isna(coverage) and coverage < 1:
        items.append(t("flag.coverage", lang, share=format_percent(100 * float(coverage), lang)))
    names = {r.indicator: pick(lang, r.indicator_fa, r.indicator_en) for r in indicators.itertuples()}
    imputed = [names[c] for c in indicators.loc[indicators["imputed"].astype(bool), "indicator"]]
    if imputed:
        items.append(t("flag.imputed_list", lang, names=t("list.sep", lang).join(imputed)))
    moved = [names[c] for c in indicators.loc[indicators["baseline_moved"].astype(bool), "indicator"]]
    if moved:
        items.append(t("flag.baseline_moved_list", lang, names=t("list.sep", lang).join(moved)))
    if not items:
        return html.Div(html.P(t("flag.none", lang)), id=flags_id)
    return html.Div(html.Ul([html.Li(item) for item in items]), id=flags_id, className="egov-flags")


def _reason_text(reason: str, lang: str) -> str:
    """The scorer's reason in the page's language when it is one we know; else as given."""
    known = {"no report for this period": "reason.no_report"}
    for prefix, key in known.items():
        if reason.startswith(prefix):
            return t(key, lang)
    return reason or MISSING


def claimed_vs_observed_panel(claims: pd.Series | None, lang: str, *, panel_id: str) -> html.Div:
    """Claimed (report) against observed (service logs), with a plain notice when no logs are loaded."""
    if claims is None:
        return html.Div(html.P(t("claims.none", lang)), id=panel_id)
    has_logs = claims.get("observed_source") == "service logs"
    rows = [
        ("claims.transactional", claims.get("claimed_transactional_pct")),
        ("claims.processes", claims.get("claimed_processes_pct")),
        ("claims.takeup", claims.get("observed_digital_takeup_pct")),
        ("claims.completion", claims.get("observed_completion_rate_pct")),
        ("claims.gap", claims.get("gap_pct")),
    ]
    table = html.Table(
        html.Tbody(
            [
                html.Tr([html.Th(t(key, lang)), html.Td(_with_unit(value, "%", lang), className="egov-num")])
                for key, value in rows
            ]
        ),
        className="egov-table",
    )
    notice: list[Any] = []
    if not has_logs:
        notice.append(dmc.Alert(t("claims.no_logs", lang), color="gray", variant="light", className="egov-notice"))
    elif bool(claims.get("only_on_paper")):
        notice.append(dmc.Alert(t("claims.on_paper", lang), color="orange", variant="light", className="egov-notice"))
    return html.Div(
        [*notice, table], id=panel_id, **cast("dict[str, Any]", {"data-has-logs": "yes" if has_logs else "no"})
    )


def submission_rows(submissions: pd.DataFrame, lang: str, *, format_time: Any) -> list[dict[str, Any]]:
    """The agency's submissions, current and superseded, newest first, as display text."""
    if submissions.empty:
        return []
    rows = []
    for row in submissions.sort_values("submission_id", ascending=False).itertuples():
        rows.append(
            {
                "submission_id": int(row.submission_id),
                "id_text": format_year(int(row.submission_id), lang),
                "period": format_year(row.period_code, lang),
                "file_name": row.file_name,
                "submitted_by": row.submitted_by,
                "submitted_at": format_time(row.submitted_at, lang),
                "status": t(f"submission.{row.status}", lang),
                "supersedes": MISSING if pd.isna(row.supersedes_id) else format_year(int(row.supersedes_id), lang),
            }
        )
    return rows


def simple_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]], *, table_id: str, lang: str) -> html.Table:
    """A plain, printable HTML table: ``columns`` are (field, header text)."""
    if not rows:
        return html.Table(html.Tbody(html.Tr(html.Td(t("figure.no_data", lang)))), id=table_id, className="egov-table")
    head = html.Thead(html.Tr([html.Th(label, scope="col") for _, label in columns]))
    body = html.Tbody(
        [html.Tr([html.Td(row.get(field, ""), className=f"egov-col-{field}") for field, _ in columns]) for row in rows]
    )
    return html.Table([head, body], id=table_id, className="egov-table egov-table-full")
