"""Pure builders for the Geography page: province → county → district → agency as a treemap.

Agencies with no county (the provincial directorates) hang under their province in a node of their
own; an agency with a county but no district (a county governorate) hangs under its county. Every
box is coloured by the mean index score of the scored agencies in it, on a sequential scale that
colour-blind readers can follow (Cividis), and states the score in its label, so colour is never the
only carrier. Unscored boxes are grey and say so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard.formatting import format_number
from dashboard.i18n import direction, pick, t

FONT_STACK = "Vazirmatn, Tahoma, sans-serif"
COLOUR_SCALE = "Cividis"
UNSCORED_COLOUR = "#ced4da"
ROOT_ID = "all"
NODE_COLUMNS = ["id", "parent", "label", "kind", "score", "agencies", "scored"]


def _name(row: pd.Series, level: str, lang: str) -> str:
    return pick(lang, str(row[f"{level}_fa"]), str(row[f"{level}_en"]))


def _has(value: object) -> bool:
    return value is not None and not pd.isna(value) and str(value) != ""


def _agency_parent(row: pd.Series) -> str:
    if _has(row["district_code"]):
        return f"district:{row['district_code']}"
    if _has(row["county_code"]):
        return f"county:{row['county_code']}"
    return f"directorates:{row['province_code']}"


def geography_nodes(table: pd.DataFrame, lang: str, *, with_root: bool = False) -> pd.DataFrame:
    """The tree's nodes, parents before children: ``id``, ``parent``, ``label``, ``kind``, ``score``
    (mean index of the scored agencies beneath, NaN when none), ``agencies`` and ``scored`` counts.

    ``table`` is shaped like ``api.scores``; ``with_root`` adds one node above every province.
    """
    nodes: dict[str, dict[str, Any]] = {}

    def add(node_id: str, parent: str, label: str, kind: str) -> None:
        nodes.setdefault(node_id, {"id": node_id, "parent": parent, "label": label, "kind": kind})

    if with_root:
        add(ROOT_ID, "", t("geo.all_provinces", lang), "root")
    members: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for code, row in table.iterrows():
        province = f"province:{row['province_code']}"
        add(province, ROOT_ID if with_root else "", _name(row, "province", lang), "province")
        if _has(row["county_code"]):
            add(f"county:{row['county_code']}", province, _name(row, "county", lang), "county")
            if _has(row["district_code"]):
                add(
                    f"district:{row['district_code']}",
                    f"county:{row['county_code']}",
                    _name(row, "district", lang),
                    "district",
                )
        else:
            add(f"directorates:{row['province_code']}", province, t("geo.directorates", lang), "directorates")
        leaf = f"agency:{code}"
        add(leaf, _agency_parent(row), pick(lang, str(row["name_fa"]), str(row["name_en"])), "agency")
        for node_id in _lineage(leaf, nodes):
            counts[node_id] = counts.get(node_id, 0) + 1
            if row["scored"] and _has(row["index_score"]):
                members.setdefault(node_id, []).append(float(row["index_score"]))
    frame = pd.DataFrame(list(nodes.values()), columns=["id", "parent", "label", "kind"])
    frame["agencies"] = frame["id"].map(counts).fillna(0).astype(int)
    frame["scored"] = frame["id"].map(lambda i: len(members.get(i, []))).astype(int)
    frame["score"] = frame["id"].map(lambda i: sum(members[i]) / len(members[i]) if members.get(i) else float("nan"))
    return frame[NODE_COLUMNS]


def _lineage(node_id: str, nodes: dict[str, dict[str, Any]]) -> list[str]:
    chain = []
    while node_id:
        chain.append(node_id)
        node_id = nodes[node_id]["parent"]
    return chain


def score_colour(score: float) -> str:
    """The colour of a 0–100 score on the sequential scale; grey when there is none.

    >>> score_colour(float("nan")) == UNSCORED_COLOUR, score_colour(0) != score_colour(100)
    (True, True)
    """
    if pd.isna(score):
        return UNSCORED_COLOUR
    return str(sample_colorscale(COLOUR_SCALE, [min(max(score, 0.0), 100.0) / 100.0])[0])


def node_texts(nodes: pd.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    """Each node's score line (shown in its box) and its agency-count line (shown on hover)."""
    scores = [
        t("geo.not_scored", lang) if pd.isna(s) else t("geo.score", lang, score=format_number(s, lang, decimals=1))
        for s in nodes["score"]
    ]
    counts = [
        t("geo.agencies", lang, scored=format_number(s, lang), total=format_number(n, lang))
        for s, n in zip(nodes["scored"], nodes["agencies"], strict=True)
    ]
    return scores, counts


def geography_figure(nodes: pd.DataFrame, lang: str) -> go.Figure:
    """The treemap: box size is the number of agencies, colour and label the mean index score.

    Clicking a box zooms into it (the treemap's own drill-down); the path bar leads back out. With
    every province under one root, three levels show at a time so the boxes stay big enough to read.
    """
    scores, counts = node_texts(nodes, lang)
    figure = go.Figure(
        go.Treemap(
            ids=nodes["id"],
            parents=nodes["parent"],
            labels=nodes["label"],
            values=nodes["agencies"],
            branchvalues="total",
            marker={"colors": [score_colour(s) for s in nodes["score"]], "line": {"color": "#ffffff", "width": 1}},
            customdata=list(zip(scores, counts, strict=True)),
            texttemplate="<b>%{label}</b><br>%{customdata[0]}",
            hovertemplate="<b>%{label}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            pathbar={"visible": True, "textfont": {"family": FONT_STACK}},
            maxdepth=-1 if (nodes["kind"] != "root").all() else 3,
            sort=False,
            textposition="top right" if direction(lang) == "rtl" else "top left",
        )
    )
    figure.update_layout(
        height=640,
        margin={"l": 8, "r": 8, "t": 30, "b": 8},
        font={"family": FONT_STACK, "size": 14},
        paper_bgcolor="#ffffff",
    )
    return figure


def legend_stops(lang: str, steps: int = 5) -> list[dict[str, str]]:
    """The colour legend beside the treemap: score and colour at evenly spaced stops."""
    values = [100 * i / (steps - 1) for i in range(steps)]
    return [{"label": format_number(v, lang), "colour": score_colour(v)} for v in values]
