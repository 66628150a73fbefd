"""Rankings: every agency's provincial rank, its change, its index and status counts, in a grid that
never ships the whole country at once.

The grid uses AG Grid's infinite row model: it asks for a block of rows (``getRowsRequest``: start,
end, sort model, filter model) and the callback answers with that slice and the total count
(``getRowsResponse``). Sorting and filtering happen here, on the server. The page's filters (year,
province, county, sector, pillar, status) are URL state; the grid's own column sort and filters are
its request. A click on a row opens the agency's scorecard.

The rank interval (p5–p95 over the robustness analysis' draws) comes from ``api.rank_intervals``
when the API has it; it is drawn as a small whisker inside the cell, behind its text.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_mantine_components as dmc
import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, html, no_update
from sqlalchemy import Engine

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures import AGENCY_COLOUR, STATUS_ICONS, STATUSES, rank_change_text, records, status_label
from dashboard.formatting import MISSING, format_number
from dashboard.grid import grid_options
from dashboard.i18n import normalise_lang, pick, t
from dashboard.urls import href, query_params
from dashboard.views.scope import (
    ALL,
    codes_in,
    county_options,
    one_data_version,
    parse_year,
    per_version,
    pick_code,
    pillars,
    province_options,
    search_with,
    sector_options,
    year_options,
)
from metrics import api
from store.engine import store_key

BLOCK_SIZE = 50
_T = TypeVar("_T")
STATUS_FILTERS: tuple[str, ...] = (*STATUSES, "not_scored")
INTERVAL_DRAWS = 300
"""Draws for the rank interval on this page: enough for a stable p5–p95, quick enough for a page."""

_INTERVALS: OrderedDict[tuple[str, int, int, str | None, bool], pd.DataFrame] = OrderedDict()
_FRAMES: OrderedDict[tuple[object, ...], pd.DataFrame] = OrderedDict()
# Arabic yeh, kaf and alef maksura as Persian yeh and kaf; ZWNJ as a space (code points: letters, not text).
_LETTERS = str.maketrans({chr(0x064A): chr(0x06CC), chr(0x0643): chr(0x06A9), chr(0x0649): chr(0x06CC), "\u200c": " "})


def _fold(text: object) -> str:
    """Text for matching: Arabic letter variants as Persian, ZWNJ as space, lower case."""
    return " ".join(str(text or "").translate(_LETTERS).lower().split())


def rank_intervals(
    year: int, province: str | None, *, engine: Engine, include_pending: bool = False
) -> pd.DataFrame | None:
    """``api.rank_intervals`` for the year and province, cached per data version; ``None`` without it."""
    if not hasattr(api, "rank_intervals"):
        return None
    key = (store_key(engine), api.data_version(engine), year, province, include_pending)
    if key not in _INTERVALS:
        spec = api.default_spec().replace(include_pending=include_pending)
        _INTERVALS[key] = api.rank_intervals(year, draws=INTERVAL_DRAWS, province=province, spec=spec, engine=engine)
        while len(_INTERVALS) > 16:
            _INTERVALS.popitem(last=False)
    return _INTERVALS[key]


def ranking_frame(
    scores: pd.DataFrame,
    intervals: pd.DataFrame | None,
    *,
    lang: str,
    county: str | None = None,
    sector: str | None = None,
    status: str | None = None,
    pending: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The agencies that pass the page's filters, with their names in the language for sorting and
    matching, and the rank interval when there is one. Agencies in ``pending`` (scored with a submission
    still waiting for review) are marked ``PENDING_MARK`` after their name."""
    frame = scores
    if county:
        frame = frame[frame["county_code"] == county]
    if sector:
        frame = frame[frame["sector_code"] == sector]
    if status == "not_scored":
        frame = frame[~frame["scored"].astype(bool)]
    elif status in STATUSES:
        frame = frame[frame[f"{status}_count"] > 0]
    frame = frame.assign(
        agency=[
            pick(lang, fa, en) + (f" {PENDING_MARK}" if code in pending else "")
            for code, fa, en in zip(frame.index, frame["name_fa"], frame["name_en"], strict=True)
        ],
        county=[
            pick(lang, fa, en) if isinstance(fa, str) else "" for fa, en in frame[["county_fa", "county_en"]].to_numpy()
        ],
        sector=[pick(lang, fa, en) for fa, en in frame[["sector_fa", "sector_en"]].to_numpy()],
        province=[pick(lang, fa, en) for fa, en in frame[["province_fa", "province_en"]].to_numpy()],
    )
    if intervals is not None:
        frame = frame.join(intervals[["median_rank", "p5_rank", "p95_rank", "robust"]], how="left")
    return frame.assign(**{f"{FOLDED}{column}": [_fold(v) for v in frame[column].tolist()] for column in TEXT_COLUMNS})


TEXT_COLUMNS = ("agency", "county", "sector", "province")
PENDING_MARK = "◔"
"""After the name of an agency scored with data waiting for review (only when the page includes it)."""
FOLDED = "folded_"
"""Prefix of a text column folded for matching (``_fold``), computed with the frame, not per request."""


SORT_KEYS: dict[str, str] = {
    "rank": "rank_province",
    "rank_change": "rank_change",
    "agency": "agency",
    "county": "county",
    "sector": "sector",
    "province": "province",
    "index_score": "index_score",
    "interval": "median_rank",
    **{status: f"{status}_count" for status in STATUSES},
}


def sort_rows(frame: pd.DataFrame, sort_model: list[dict[str, Any]] | None, *, pillar: str | None) -> pd.DataFrame:
    """Rows in the grid's sort order (missing values last); by default best rank first, or best on the
    chosen pillar first when a pillar is chosen."""
    return frame.take(sort_order(frame, sort_model, pillar=pillar))


def sort_order(
    frame: pd.DataFrame,
    sort_model: list[dict[str, Any]] | None,
    *,
    pillar: str | None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """The positions of the rows (of those at ``rows``, when given) in :func:`sort_rows`' order, sorting
    only the key columns: a block then picks its slice, the other columns of the country are not moved."""
    if rows is not None and len(rows) < 2:  # nothing to sort (a filter matching nothing is common)
        return rows
    keys, ascending = _sort_keys(frame, sort_model, pillar=pillar)
    keyed = (frame[keys] if rows is None else frame[keys].take(rows)).reset_index(drop=True)
    order = keyed.sort_values(keys, ascending=ascending, na_position="last", kind="stable").index.to_numpy()
    return order if rows is None else rows[order]


def _sort_keys(
    frame: pd.DataFrame, sort_model: list[dict[str, Any]] | None, *, pillar: str | None
) -> tuple[list[str], list[bool]]:
    keys: list[str] = []
    ascending: list[bool] = []
    for item in sort_model or []:
        column = (
            f"pillar_{pillar}" if item.get("colId") == "pillar" and pillar else SORT_KEYS.get(str(item.get("colId")))
        )
        if column and column in frame.columns:
            keys.append(column)
            ascending.append(item.get("sort") != "desc")
    if not keys:
        keys, ascending = (
            ([f"pillar_{pillar}", "index_score"], [False, False])
            if pillar
            else (["rank_province", "province"], [True, True])
        )
    return keys, ascending


def filter_rows(frame: pd.DataFrame, filter_model: dict[str, Any] | None, *, pillar: str | None) -> pd.DataFrame:
    """The grid's column filters applied on the server: text (agency, county, sector) and number (scores)."""
    kept = filter_mask(frame, filter_model, pillar=pillar)
    return frame if kept is None else frame[kept]


def filter_mask(frame: pd.DataFrame, filter_model: dict[str, Any] | None, *, pillar: str | None) -> np.ndarray | None:
    """Which rows pass the grid's column filters (``None`` when no filter applies)."""
    kept: np.ndarray | None = None
    for col_id, model in (filter_model or {}).items():
        column = f"pillar_{pillar}" if col_id == "pillar" and pillar else SORT_KEYS.get(col_id)
        if not column or column not in frame.columns or not isinstance(model, dict):
            continue
        conditions = model.get("conditions") or [model]
        folded = frame[FOLDED + column] if FOLDED + column in frame.columns else None
        masks = [_condition_mask(frame[column], condition, folded=folded) for condition in conditions]
        combined = masks[0]
        for mask in masks[1:]:
            combined = combined | mask if model.get("operator") == "OR" else combined & mask
        passed = combined.to_numpy(dtype=bool)
        kept = passed if kept is None else kept & passed
    return kept


def _condition_mask(values: pd.Series, condition: dict[str, Any], *, folded: pd.Series | None = None) -> pd.Series:
    kind, wanted = condition.get("type"), condition.get("filter")
    if kind == "blank":
        return values.isna() | (values.astype(str) == "")
    if kind == "notBlank":
        return values.notna() & (values.astype(str) != "")
    if condition.get("filterType") == "number":
        numbers = pd.to_numeric(values, errors="coerce")
        if wanted is None:
            return pd.Series(True, index=values.index)
        number_tests: dict[str, Callable[[], pd.Series]] = {  # only the asked one is computed
            "equals": lambda: numbers == wanted,
            "notEqual": lambda: numbers != wanted,
            "greaterThan": lambda: numbers > wanted,
            "greaterThanOrEqual": lambda: numbers >= wanted,
            "lessThan": lambda: numbers < wanted,
            "lessThanOrEqual": lambda: numbers <= wanted,
            "inRange": lambda: (numbers >= wanted) & (numbers <= (condition.get("filterTo") or wanted)),
        }
        test = number_tests.get(str(kind))
        return (test() if test else pd.Series(True, index=values.index)).fillna(False).astype(bool)
    text, needle = (values.map(_fold) if folded is None else folded), _fold(wanted)
    text_tests: dict[str, Callable[[], pd.Series]] = {
        "contains": lambda: text.str.contains(needle, regex=False),
        "notContains": lambda: ~text.str.contains(needle, regex=False),
        "equals": lambda: text == needle,
        "notEqual": lambda: text != needle,
        "startsWith": lambda: text.str.startswith(needle),
        "endsWith": lambda: text.str.endswith(needle),
    }
    found = text_tests.get(str(kind))
    return found() if found else pd.Series(True, index=values.index)


def grid_rows(
    frame: pd.DataFrame, *, lang: str, year: int, pillar: str | None, sizes: pd.Series | None = None
) -> list[dict[str, Any]]:
    """The rows the grid draws: codes and numbers for sorting, the rest as display text in the language.

    ``sizes`` is the number of ranked agencies of each province (the whisker's full width); by default
    taken from ``frame`` itself.
    """
    if sizes is None:
        sizes = province_sizes(frame)
    return _grid_records(zip(frame.index, records(frame, _row_columns(pillar)), strict=True), lang, year, pillar, sizes)


def _row_columns(pillar: str | None) -> list[str]:
    return [*ROW_COLUMNS, *([f"pillar_{pillar}"] if pillar else [])]


def _grid_records(
    rows: Iterable[tuple[Any, dict[str, Any]]], lang: str, year: int, pillar: str | None, sizes: pd.Series
) -> list[dict[str, Any]]:
    rtl = normalise_lang(lang) == "fa"
    records_ = []
    for code, row in rows:
        record: dict[str, Any] = {
            "agency_code": code,
            "agency": row["agency"],
            "province": row["province"],
            "county": row["county"] or MISSING,
            "sector": row["sector"],
            "rank": format_number(row["rank_province"], lang) if pd.notna(row["rank_province"]) else MISSING,
            "rank_change": rank_change_text(row["rank_change"], lang),
            "rank_change_value": None if pd.isna(row["rank_change"]) else int(row["rank_change"]),
            "index_score": format_number(row["index_score"], lang, decimals=1),
            "pillar": format_number(row[f"pillar_{pillar}"], lang, decimals=1) if pillar else None,
            "not_scored": t("ranking.not_scored", lang) if not bool(row["scored"]) else "",
            "href": href("/scorecard", lang, agency=code, year=year),
            **{status: format_number(row[f"{status}_count"], lang) for status in STATUSES},
        }
        record.update(_interval_cell(row, sizes.get(row["province_code"]), lang=lang, rtl=rtl))
        records_.append(record)
    return records_


ROW_COLUMNS = (
    "agency",
    "province",
    "county",
    "sector",
    "province_code",
    "rank_province",
    "rank_change",
    "index_score",
    "scored",
    "p5_rank",
    "p95_rank",
    "robust",
    *(f"{status}_count" for status in STATUSES),
)


def province_sizes(frame: pd.DataFrame) -> pd.Series:
    """The worst rank in each province: how many places the whisker's full width stands for."""
    return frame.groupby("province_code")["rank_province"].max() if not frame.empty else pd.Series(dtype=float)


def _interval_cell(row: Mapping[str, Any], size: object, *, lang: str, rtl: bool) -> dict[str, Any]:
    """``p5–p95`` as text and a whisker drawn as a thin gradient bar along the cell (rank 1 at the start)."""
    if "p5_rank" not in row or pd.isna(row["p5_rank"]) or pd.isna(row["p95_rank"]):
        return {"interval": MISSING, "whisker_style": None}
    low, high = int(row["p5_rank"]), int(row["p95_rank"])
    text = format_number(low, lang) if low == high else f"{format_number(low, lang)}–{format_number(high, lang)}"
    if bool(row.get("robust")) is False:
        text = f"{text} {t('ranking.not_robust', lang)}"
    span = max(float(size) - 1, 1.0) if size is not None and not pd.isna(size) else max(high - 1, 1.0)  # type: ignore[arg-type]
    start = 100 * (low - 1) / span
    end = max(100 * (high - 1) / span, start + 3)
    start, end = min(start, 97.0), min(end, 100.0)
    gradient = (
        f"linear-gradient({'to left' if rtl else 'to right'}, transparent {start:.1f}%, {AGENCY_COLOUR} {start:.1f}%,"
        f" {AGENCY_COLOUR} {end:.1f}%, transparent {end:.1f}%)"
    )
    style = {
        "backgroundImage": gradient,
        "backgroundSize": "100% 4px",
        "backgroundRepeat": "no-repeat",
        "backgroundPosition": "0 calc(100% - 6px)",
    }
    return {"interval": text, "whisker_style": style}


def rows_response(
    frame: pd.DataFrame, request: dict[str, Any] | None, *, lang: str, year: int, pillar: str | None
) -> dict[str, Any]:
    """The grid's answer to one block request: that slice of the sorted, filtered rows and their count."""
    request = request or {}
    start = max(int(request.get("startRow") or 0), 0)
    end = max(int(request.get("endRow") or start + BLOCK_SIZE), start)
    passed = filter_mask(frame, request.get("filterModel"), pillar=pillar)
    sort_model = request.get("sortModel")
    if passed is None:  # unfiltered: the order of a kept frame for a sort is kept with it, block after block
        order = _of_frame(
            frame, ("order", pillar, repr(sort_model)), lambda: sort_order(frame, sort_model, pillar=pillar)
        )
    else:
        order = sort_order(frame, sort_model, pillar=pillar, rows=np.flatnonzero(passed))
    sizes = _of_frame(frame, ("sizes",), lambda: province_sizes(frame))
    # the frame's rows as plain records, kept with it: a block picks 50 of them, no frame is sliced
    codes, table = _of_frame(
        frame, ("records", pillar), lambda: (list(frame.index), records(frame, _row_columns(pillar)))
    )
    rows = _grid_records(((codes[i], table[i]) for i in order[start:end]), lang, year, pillar, sizes)
    return {"rowData": rows, "rowCount": len(order)}


_OF_FRAME: OrderedDict[tuple[object, ...], tuple[pd.DataFrame, Any]] = OrderedDict()


def _of_frame(frame: pd.DataFrame, name: tuple[object, ...], build: Callable[[], _T]) -> _T:
    """Something derived from a ranking frame (its sort order, its provinces' sizes), kept beside it:
    the frames are kept per page state (``frame_for``) and every block of a grid asks the same."""
    key = (id(frame), *name)
    found = _OF_FRAME.get(key)
    if found is not None and found[0] is frame:  # the entry holds the frame, so its id is not reused
        _OF_FRAME.move_to_end(key)
        return cast("_T", found[1])
    value = build()
    _OF_FRAME[key] = (frame, value)
    while len(_OF_FRAME) > 64:
        _OF_FRAME.popitem(last=False)
    return value


def page_state(search: str | None, *, engine: Engine) -> dict[str, Any]:
    """The page's state from the URL, each value checked against what exists."""
    params = query_params(search)
    places = per_version(engine, ("rankings/places",), lambda: _places(api.agencies(engine=engine)))
    province = pick_code(params.get("province"), {code for code in places if code is not None})
    counties, sectors = places[province]
    return {
        "lang": normalise_lang(params.get("lang")),
        "year": parse_year(params.get("year"), engine),
        "province": province,
        "county": pick_code(params.get("county"), counties),
        "sector": pick_code(params.get("sector"), sectors),
        "pillar": pick_code(params.get("pillar"), {g.code for g in pillars()}),
        "status": pick_code(params.get("status"), set(STATUS_FILTERS)),
        "pending": params.get("pending") == "1",
    }


def _places(agencies: pd.DataFrame) -> dict[str | None, tuple[set[str], set[str]]]:
    """Per province (``None``: the country) the county and sector codes its agencies have."""
    places: dict[str | None, tuple[set[str], set[str]]] = {
        None: (codes_in(agencies["county_code"]), codes_in(agencies["sector_code"]))
    }
    for province, local in agencies.groupby("province_code", sort=False):
        places[str(province)] = (codes_in(local["county_code"]), codes_in(local["sector_code"]))
    return places


def pending_agencies(year: int, *, engine: Engine) -> frozenset[str]:
    """Agencies whose yearly report for ``year`` counts only when pending data is included."""
    queue = api.review_queue(engine=engine)
    waiting = queue[(queue["review_status"] == "pending") & (queue["period_code"] == str(year))]
    return frozenset(waiting["agency_code"])


def frame_for(state: dict[str, Any], *, engine: Engine) -> pd.DataFrame:
    """The filtered ranking frame for a page state (from ``metrics.api``), kept per data version.

    The grid asks for its rows block by block, each a request with the same page state: the frame is
    built once per state and data version, and each block is a sort and a slice of it.
    """
    key = (
        store_key(engine),
        api.data_version(engine),
        *(state[name] for name in ("lang", "year", "province", "county", "sector", "status", "pending")),
    )
    if key not in _FRAMES:
        pending = bool(state["pending"])
        spec = api.default_spec().replace(include_pending=pending)
        scores = api.scores(state["year"], province=state["province"], spec=spec, engine=engine)
        intervals = rank_intervals(state["year"], state["province"], engine=engine, include_pending=pending)
        _FRAMES[key] = ranking_frame(
            scores,
            intervals,
            lang=state["lang"],
            county=state["county"],
            sector=state["sector"],
            status=state["status"],
            pending=pending_agencies(state["year"], engine=engine) if pending else frozenset(),
        )
        while len(_FRAMES) > 16:
            _FRAMES.popitem(last=False)
    _FRAMES.move_to_end(key)
    return _FRAMES[key]


def columns(lang: str, *, pillar_name: str | None, with_province: bool, with_intervals: bool) -> list[dict[str, Any]]:
    """The grid's columns; each sorts on the server, text columns filter on the server."""
    text_filter = {
        "filter": "agTextColumnFilter",
        "filterParams": {"filterOptions": ["contains", "notContains", "equals", "startsWith"], "maxNumConditions": 1},
    }
    number_filter = {
        "filter": "agNumberColumnFilter",
        "filterParams": {"filterOptions": ["greaterThanOrEqual", "lessThan", "inRange"], "maxNumConditions": 1},
    }
    defs: list[dict[str, Any]] = [
        {"field": "rank", "headerName": t("ranking.col.rank", lang), "minWidth": 80, "maxWidth": 100},
        {
            "field": "rank_change",
            "headerName": t("ranking.col.change", lang),
            "minWidth": 100,
            "maxWidth": 130,
            "cellClassRules": {
                "egov-rank-up": "params.data && params.data.rank_change_value > 0",
                "egov-rank-down": "params.data && params.data.rank_change_value < 0",
            },
        },
        {"field": "agency", "headerName": t("reporting.col.agency", lang), "minWidth": 240, "flex": 2, **text_filter},
    ]
    if with_province:
        defs.append({"field": "province", "headerName": t("reporting.province", lang), "minWidth": 110, **text_filter})
    defs += [
        {"field": "county", "headerName": t("reporting.col.county", lang), "minWidth": 110, **text_filter},
        {"field": "sector", "headerName": t("ranking.col.sector", lang), "minWidth": 140, **text_filter},
        {
            "field": "index_score",
            "headerName": t("ranking.col.index", lang),
            "minWidth": 100,
            "maxWidth": 140,
            **number_filter,
        },
    ]
    if pillar_name:
        defs.append(
            {
                "field": "pillar",
                "headerName": pillar_name,
                "minWidth": 120,
                "maxWidth": 180,
                "sort": "desc",
                **number_filter,
            }
        )
    defs += [
        {
            "field": status,
            "headerName": status_label(status, lang),
            "minWidth": 100,
            "maxWidth": 130,
            "headerTooltip": t(f"status.{status}", lang),
        }
        for status in STATUSES
    ]
    if with_intervals:
        defs.append(
            {
                "field": "interval",
                "headerName": t("ranking.col.interval", lang),
                "headerTooltip": t("ranking.interval_help", lang),
                "minWidth": 130,
                "cellStyle": {"function": "params.data ? params.data.whisker_style : null"},
            }
        )
    return defs


def _select(select_id: str, label: str, options: list[dict[str, str]], value: str | None, width: int) -> dmc.Select:
    return dmc.Select(
        id=select_id,
        label=label,
        data=options,
        value=value or ALL,
        allowDeselect=False,
        searchable=True,
        filter={"function": "egovFilter"},
        w=width,
    )


def _options(engine: Engine, lang: str, province: str | None) -> tuple[list[dict[str, str]], ...]:
    """The province, county and sector selects' options (counties and sectors of the province)."""
    agencies = api.agencies(engine=engine)
    local = agencies if province is None else agencies[agencies["province_code"] == province]
    return province_options(agencies, lang), county_options(local, lang), sector_options(local, lang)


@one_data_version
def layout(lang: str = "fa", **query: Any) -> html.Div:
    """The rankings page for the URL's state; the grid fetches its rows block by block."""
    lang = normalise_lang(lang)
    engine = current_engine()
    search = "?" + urlencode({"lang": lang, **{k: v for k, v in query.items() if isinstance(v, str)}})
    state = page_state(search, engine=engine)
    province_choices, county_choices, sector_choices = per_version(
        engine, ("rankings/options", lang, state["province"]), lambda: _options(engine, lang, state["province"])
    )
    groups = pillars()
    pillar_name = next((pick(lang, g.name_fa, g.name_en) for g in groups if g.code == state["pillar"]), None)
    frame = frame_for(state, engine=engine)
    with_intervals = "median_rank" in frame.columns
    status_options = [{"value": ALL, "label": t("ranking.any_status", lang)}] + [
        {"value": s, "label": t("ranking.with_status", lang, status=f"{STATUS_ICONS[s]} {t(f'status.{s}', lang)}")}
        for s in STATUS_FILTERS
    ]
    controls = dmc.Group(
        [
            _select(ids.RANKINGS_YEAR, t("scope.year", lang), year_options(lang), str(state["year"]), 120),
            _select(
                ids.RANKINGS_PROVINCE,
                t("reporting.province", lang),
                province_choices,
                state["province"],
                200,
            ),
            _select(ids.RANKINGS_COUNTY, t("reporting.col.county", lang), county_choices, state["county"], 180),
            _select(ids.RANKINGS_SECTOR, t("ranking.col.sector", lang), sector_choices, state["sector"], 220),
            _select(
                ids.RANKINGS_PILLAR,
                t("ranking.pillar", lang),
                [{"value": ALL, "label": t("ranking.no_pillar", lang)}]
                + [{"value": g.code, "label": pick(lang, g.name_fa, g.name_en)} for g in groups],
                state["pillar"],
                220,
            ),
            _select(ids.RANKINGS_STATUS, t("ranking.status", lang), status_options, state["status"], 240),
            dmc.Switch(
                id=ids.RANKINGS_PENDING,
                label=t("ranking.include_pending", lang),
                checked=bool(state["pending"]),
                mb=6,
            ),
        ],
        className="egov-no-print egov-controls",
        align="flex-end",
        mb="sm",
    )
    notes = [t("ranking.rank_help", lang)]
    if state["pending"]:
        notes.insert(0, t("ranking.pending_note", lang, mark=PENDING_MARK))
    notes.append(t("ranking.interval_help", lang) if with_intervals else t("ranking.no_intervals", lang))
    return html.Div(
        [
            html.H1(t("page.rankings", lang), id=ids.RANKINGS_TITLE),
            html.P(t("rankings.intro", lang)),
            controls,
            html.P(
                t("ranking.count", lang, count=format_number(len(frame), lang)),
                id=ids.RANKINGS_COUNT,
                className="egov-lead",
            ),
            dag.AgGrid(
                id=ids.RANKINGS_GRID,
                columnDefs=columns(
                    lang,
                    pillar_name=pillar_name,
                    with_province=state["province"] is None,
                    with_intervals=with_intervals,
                ),
                rowModelType="infinite",
                defaultColDef={
                    "sortable": True,
                    "filter": False,
                    "resizable": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions=grid_options(
                    lang,
                    cacheBlockSize=BLOCK_SIZE,
                    maxBlocksInCache=10,
                    infiniteInitialRowCount=1,
                    rowBuffer=5,
                    tooltipShowDelay=300,
                ),
                getRowId="params.data.agency_code",
                columnSize="responsiveSizeToFit",
                style={"height": "65vh", "width": "100%"},
                className="egov-grid egov-grid-clickable",
            ),
            html.Ul([html.Li(note) for note in notes], className="egov-muted"),
        ],
        className="egov-page",
    )


def scorecard_href(cell: dict[str, Any] | None, search: str | None) -> Any:
    """Where a click on a grid row leads: the agency's scorecard for the page's year and language."""
    if not cell or not cell.get("rowId"):
        return no_update
    params = query_params(search)
    year = params.get("year")
    return href("/scorecard", normalise_lang(params.get("lang")), agency=cell["rowId"], year=year)


def register_callbacks(app: Dash) -> None:
    """Filters go to the URL; the grid's block requests are answered from ``metrics.api``; a row click
    opens the scorecard."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.RANKINGS_YEAR, "value"),
        Input(ids.RANKINGS_PROVINCE, "value"),
        Input(ids.RANKINGS_COUNTY, "value"),
        Input(ids.RANKINGS_SECTOR, "value"),
        Input(ids.RANKINGS_PILLAR, "value"),
        Input(ids.RANKINGS_STATUS, "value"),
        Input(ids.RANKINGS_PENDING, "checked"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def filters_to_url(*values: Any) -> Any:
        *chosen, pending, search = values
        year, province, county, sector, pillar, status = chosen
        if province != query_params(search).get("province", ALL):  # a new province: its counties differ
            county = sector = None
        return search_with(
            search,
            year=year,
            province=province,
            county=county,
            sector=sector,
            pillar=pillar,
            status=status,
            pending="1" if pending else None,
        )

    @app.callback(
        Output(ids.RANKINGS_GRID, "getRowsResponse"),
        Input(ids.RANKINGS_GRID, "getRowsRequest"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    @one_data_version
    def answer_rows(request: dict[str, Any] | None, search: str | None) -> Any:
        if request is None:
            return no_update
        engine = current_engine()
        state = page_state(search, engine=engine)
        return rows_response(
            frame_for(state, engine=engine), request, lang=state["lang"], year=state["year"], pillar=state["pillar"]
        )

    @app.callback(
        Output(ids.URL, "href", allow_duplicate=True),
        Input(ids.RANKINGS_GRID, "cellClicked"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_scorecard(cell: dict[str, Any] | None, search: str | None) -> Any:
        return scorecard_href(cell, search)
