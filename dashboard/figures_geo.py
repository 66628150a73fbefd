"""Pure builders for the Geography page: province → county → district → agency as a treemap.

Agencies with no county (the provincial directorates) hang under their province in a node of their
own; an agency with a county but no district (a county governorate) hangs under its county. Every
box is coloured by the mean index score of the scored agencies in it, on a sequential scale that
colour-blind readers can follow (Cividis), and states the score in its label, so colour is never the
only carrier. Unscored boxes are grey and say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pandas as pd
from plotly.colors import get_colorscale, sample_colorscale

from dashboard.figures import Figure, figure_dict
from dashboard.fonts import FONT_STACK
from dashboard.formatting import format_number
from dashboard.i18n import direction, pick, t

COLOUR_SCALE = "Cividis"
UNSCORED_COLOUR = "#ced4da"
ROOT_ID = "all"
NODE_COLUMNS = ["id", "parent", "label", "kind", "score", "agencies", "scored"]


def _name(row: Mapping[str, Any], level: str, lang: str) -> str:
    return pick(lang, str(row[f"{level}_fa"]), str(row[f"{level}_en"]))


def _has(value: object) -> bool:
    return value is not None and not pd.isna(value) and str(value) != ""


def _agency_parent(row: Mapping[str, Any]) -> str:
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
    fields = [
        "province_code",
        "province_fa",
        "province_en",
        "county_code",
        "county_fa",
        "county_en",
        "district_code",
        "district_fa",
        "district_en",
        "name_fa",
        "name_en",
        "scored",
        "index_score",
    ]
    columns = [table[field].tolist() for field in fields]
    for code, *values in zip(table.index, *columns, strict=True):  # not iterrows: a country has 10,000 agencies
        row = dict(zip(fields, values, strict=True))
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


def score_colours(scores: Iterable[float]) -> list[str]:
    """``score_colour`` of each score, sampling the scale once for all of them.

    >>> score_colours([0.0, float("nan")]) == [score_colour(0.0), UNSCORED_COLOUR]
    True
    """
    values = list(scores)
    known = [i for i, score in enumerate(values) if not pd.isna(score)]
    colours = [UNSCORED_COLOUR] * len(values)
    if known:
        sampled = sample_colorscale(_scale(), [min(max(values[i], 0.0), 100.0) / 100.0 for i in known])
        for i, colour in zip(known, sampled, strict=True):
            colours[i] = str(colour)
    return colours


def score_colour(score: float) -> str:
    """The colour of a 0–100 score on the sequential scale; grey when there is none.

    >>> score_colour(float("nan")) == UNSCORED_COLOUR, score_colour(0) != score_colour(100)
    (True, True)
    """
    if pd.isna(score):
        return UNSCORED_COLOUR
    return str(sample_colorscale(_scale(), [min(max(score, 0.0), 100.0) / 100.0])[0])


@cache
def _scale() -> list[list[Any]]:
    """``COLOUR_SCALE`` as ``[position, colour]`` pairs, looked up once (by name it is looked up on every call)."""
    return [list(step) for step in get_colorscale(COLOUR_SCALE)]


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


def geography_figure(nodes: pd.DataFrame, lang: str) -> Figure:
    """The treemap: box size is the number of agencies, colour and label the mean index score.

    Clicking a box zooms into it (the treemap's own drill-down); the path bar leads back out. With
    every province under one root, three levels show at a time so the boxes stay big enough to read.
    """
    scores, counts = node_texts(nodes, lang)
    treemap = {
        "type": "treemap",
        "ids": nodes["id"].tolist(),
        "parents": nodes["parent"].tolist(),
        "labels": nodes["label"].tolist(),
        "values": nodes["agencies"].tolist(),
        "branchvalues": "total",
        "marker": {"colors": score_colours(nodes["score"]), "line": {"color": "#ffffff", "width": 1}},
        "customdata": [list(pair) for pair in zip(scores, counts, strict=True)],
        "texttemplate": "<b>%{label}</b><br>%{customdata[0]}",
        "hovertemplate": "<b>%{label}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        "pathbar": {"visible": True, "textfont": {"family": FONT_STACK}},
        "maxdepth": -1 if (nodes["kind"] != "root").all() else 3,
        "sort": False,
        "textposition": "top right" if direction(lang) == "rtl" else "top left",
    }
    return figure_dict(
        [treemap],
        {
            "height": 640,
            "margin": {"l": 8, "r": 8, "t": 30, "b": 8},
            "font": {"family": FONT_STACK, "size": 14},
            "paper_bgcolor": "#ffffff",
        },
    )


def legend_stops(lang: str, steps: int = 5) -> list[dict[str, str]]:
    """The colour legend beside the treemap: score and colour at evenly spaced stops."""
    values = [100 * i / (steps - 1) for i in range(steps)]
    return [{"label": format_number(v, lang), "colour": c} for v, c in zip(values, score_colours(values), strict=True)]
