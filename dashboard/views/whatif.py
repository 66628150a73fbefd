"""What-if: change the pillar weights and watch a province's ranking move.

A section of the Methodology page (``whatif_section``): one slider per pillar, defaulting to the
catalogue's weights, and the top agencies of a province ranked under the new weights beside their
rank under the default ones. The scoring is ``metrics.api.scores`` with
``default_spec().replace(weights=...)`` — the same chain as every other number, one argument changed.
Sliders report on release (``updatemode="mouseup"``), so dragging does not rescore at every pixel.
"""

from __future__ import annotations

from typing import Any, cast

import dash_mantine_components as dmc
import pandas as pd
from dash import ALL as MATCH_ALL
from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy import Engine

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures import records
from dashboard.figures_compare import pillars_of
from dashboard.formatting import MISSING, format_number, format_year
from dashboard.i18n import normalise_lang, pick, t
from dashboard.views.choices import busiest_province, latest_reported_year, plan_year_range, province_options
from dashboard.views.scope import one_data_version, per_version
from metrics import api
from metrics.catalogue import Catalogue

TOP = 15
WEIGHT_MAX = 3.0
WEIGHT_STEP = 0.25


def default_weights(catalogue: Catalogue) -> dict[str, float]:
    """Each pillar's weight as the catalogue declares it."""
    root = catalogue.root.code
    return {g.code: float(g.weight) for g in catalogue.groups if g.parent == root}


def changed_weights(codes: list[str], values: list[float | None], catalogue: Catalogue) -> dict[str, float]:
    """The weights that differ from the catalogue's (an empty dict is the default spec, so its cached scores).

    >>> from metrics import api
    >>> changed_weights(["files", "services"], [1.0, 3.0], api.catalogue())
    {'services': 3.0}
    """
    defaults = default_weights(catalogue)
    chosen = {code: float(value) for code, value in zip(codes, values, strict=True) if value is not None}
    return {code: value for code, value in chosen.items() if code in defaults and value != defaults[code]}


def move_text(move: object, lang: str) -> str:
    """A rank change as arrow and number (up is better); missing reads as a dash.

    >>> move_text(2, "en"), move_text(-1, "en"), move_text(0, "en"), move_text(None, "en")
    ('▲ 2', '▼ 1', '=', '–')
    """
    if move is None or pd.isna(move):
        return MISSING
    steps = int(move)  # type: ignore[call-overload]
    if steps == 0:
        return "="
    return f"{'▲' if steps > 0 else '▼'} {format_number(abs(steps), lang)}"


def whatif_rows(default: pd.DataFrame, changed: pd.DataFrame, lang: str, *, top: int = TOP) -> list[dict[str, Any]]:
    """The best ``top`` agencies under the changed weights, with their default rank and the move.

    Both frames are shaped like ``api.scores`` for the same province and year. ``move`` is the default
    rank minus the new one: positive means the agency moved up.
    """
    ranked = changed[changed["rank_province"].notna()].sort_values(
        ["rank_province", "index_score"], ascending=[True, False]
    )
    rows = []
    shown = ranked.head(top)
    for code, row in zip(
        shown.index, records(shown, ["name_fa", "name_en", "rank_province", "index_score"]), strict=True
    ):
        before = default["rank_province"].get(code)
        new_rank = int(row["rank_province"])
        move = None if before is None or pd.isna(before) else int(before) - new_rank
        rows.append(
            {
                "agency_code": str(code),
                "agency": pick(lang, str(row["name_fa"]), str(row["name_en"])),
                "rank": new_rank,
                "score": float(row["index_score"]),
                "default_rank": None if move is None else int(before),
                "move": move,
            }
        )
    return rows


def _rows_table(rows: list[dict[str, Any]], lang: str) -> dmc.Table:
    heads = [t(f"whatif.col.{key}", lang) for key in ("rank", "agency", "score", "default_rank", "move")]
    body = [
        html.Tr(
            [
                html.Td(format_number(row["rank"], lang), className="egov-num"),
                html.Th(row["agency"], scope="row"),
                html.Td(format_number(row["score"], lang, decimals=1), className="egov-num"),
                html.Td(format_number(row["default_rank"], lang), className="egov-num"),
                html.Td(
                    move_text(row["move"], lang),
                    className="egov-num egov-move-up"
                    if (row["move"] or 0) > 0
                    else "egov-num egov-move-down"
                    if (row["move"] or 0) < 0
                    else "egov-num",
                ),
            ],
            **cast("dict[str, Any]", {"data-agency": row["agency_code"]}),
        )
        for row in rows
    ]
    return dmc.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in heads])), html.Tbody(body)],
        striped=True,
        withTableBorder=True,
        className="egov-table",
    )


def whatif_result(province: str | None, year: object, codes: list[str], values: list[float | None], lang: str) -> Any:
    """What the panel shows for the chosen province, year and slider values (thin over ``metrics.api``)."""
    lang = normalise_lang(lang)
    catalogue = api.catalogue()
    if not province or year in (None, ""):
        return dmc.Alert(t("whatif.choose", lang), color="indigo")
    if not any(value for value in values):
        return dmc.Alert(t("whatif.all_zero", lang), color="orange")
    engine = current_engine()
    year_number = int(str(year))
    weights = changed_weights(codes, values, catalogue)
    default = api.scores(year_number, province=province, engine=engine)
    changed = (
        default
        if not weights
        else api.scores(year_number, province=province, spec=api.default_spec().replace(weights=weights), engine=engine)
    )
    rows = whatif_rows(default, changed, lang)
    if not rows:
        return dmc.Alert(t("whatif.empty", lang, year=format_year(year_number, lang)), color="gray")
    return _rows_table(rows, lang)


def _slider(code: str, name: str, weight: float, lang: str) -> html.Div:
    label_id = f"{ids.WHATIF_WEIGHT_LABEL_PREFIX}{code}"
    return html.Div(
        [
            html.Div(name, id=label_id, className="egov-whatif-label"),
            dmc.Slider(
                id=ids.whatif_weight(code),
                min=0,
                max=WEIGHT_MAX,
                step=WEIGHT_STEP,
                value=weight,
                updatemode="mouseup",
                thumbLabel=name,
                marks=[{"value": v, "label": format_number(v, lang)} for v in range(int(WEIGHT_MAX) + 1)],
                mb="lg",
            ),
        ],
        className="egov-whatif-weight",
    )


def whatif_section(lang: str = "fa") -> dmc.Paper:
    """The what-if panel as the Methodology page lays it out: from the catalogue only (no store read).

    One slider per pillar at the catalogue's weight, the year select with the plan's years, an empty
    province select. ``panel_choices`` (a callback once the page is shown) fills the provinces and
    picks the province and year the panel opens on: plain values, so Dash's encoder answers them on
    its fast path (the whole panel built and encoded per request was 41 components, ≈ 2 ms).
    """
    lang = normalise_lang(lang)
    catalogue = api.catalogue()
    weights = default_weights(catalogue)
    return dmc.Paper(
        [
            html.H2(t("whatif.title", lang)),
            html.P(t("whatif.intro", lang, top=format_number(TOP, lang))),
            dcc.Store(id=ids.WHATIF_LANG, data=lang),
            dmc.Group(
                [
                    dmc.Select(
                        id=ids.WHATIF_PROVINCE,
                        label=t("whatif.province", lang),
                        data=[],
                        value=None,
                        allowDeselect=False,
                        w=220,
                    ),
                    dmc.Select(
                        id=ids.WHATIF_YEAR,
                        label=t("whatif.year", lang),
                        data=[{"value": str(y), "label": format_year(y, lang)} for y in plan_year_range()],
                        value=None,
                        allowDeselect=False,
                        w=140,
                    ),
                    dmc.Button(t("whatif.reset", lang), id=ids.WHATIF_RESET, variant="outline"),
                ],
                align="flex-end",
                mb="md",
            ),
            dmc.SimpleGrid(
                [_slider(code, pick(lang, fa, en), weights[code], lang) for code, fa, en in pillars_of(catalogue)],
                cols={"base": 1, "sm": 2, "lg": 3},
                spacing="lg",
                verticalSpacing="xs",
                mb="md",
            ),
            dcc.Loading(
                html.Div(html.P(t("whatif.loading", lang), className="egov-muted"), id=ids.WHATIF_TABLE),
                type="dot",
                delay_show=300,
            ),
        ],
        id=ids.WHATIF_SECTION,
        withBorder=True,
        p="md",
        mb="md",
        className="egov-card egov-no-print",
    )


def panel_choices(lang: str) -> tuple[list[dict[str, str]], str | None, str]:
    """The province options, and the province and year the panel opens on (the busiest province in the
    latest reported year): plain values, kept per data version (no agency or submission read per request)."""
    lang = normalise_lang(lang)
    engine = current_engine()
    years = plan_year_range()

    def choose() -> tuple[list[dict[str, str]], str | None, str]:
        year, busiest = _opening(engine, years)
        return province_options(api.agencies(engine), lang, with_all=False), busiest, str(year)

    return per_version(engine, ("whatif/choices", lang, tuple(years)), choose)


def _opening(engine: Engine, years: list[int]) -> tuple[int, str | None]:
    """The year the panel opens on (the latest reported) and its province (the busiest that year)."""
    agencies, submissions = api.agencies(engine), api.submissions(engine=engine)
    year = latest_reported_year(submissions, years)
    return year, busiest_province(agencies, submissions, year)


def whatif_placeholder(lang: str = "fa") -> html.Div:
    """Where the panel goes in the Methodology page: the panel itself, which a callback then fills.

    The Methodology layout stays a pure rendering of the catalogue (no store read); the provinces and
    the opening choice, which read the store, arrive a moment later.
    """
    return html.Div(whatif_section(lang), id=ids.WHATIF_HOLDER)


def register_callbacks(app: Dash) -> None:
    """The panel gets its provinces and opening choice; sliders, province and year rescore the ranking;
    reset restores the catalogue's weights."""

    @app.callback(
        Output(ids.WHATIF_PROVINCE, "data"),
        Output(ids.WHATIF_PROVINCE, "value"),
        Output(ids.WHATIF_YEAR, "value"),
        Input(ids.WHATIF_HOLDER, "id"),
        State(ids.WHATIF_LANG, "data"),
    )
    @one_data_version
    def show_panel(_holder: str, lang: str | None) -> tuple[list[dict[str, str]], str | None, str]:
        return panel_choices(lang or "fa")

    @app.callback(
        Output(ids.WHATIF_TABLE, "children"),
        Input(ids.whatif_weight(MATCH_ALL), "value"),
        Input(ids.WHATIF_PROVINCE, "value"),
        Input(ids.WHATIF_YEAR, "value"),
        State(ids.whatif_weight(MATCH_ALL), "id"),
        State(ids.WHATIF_LANG, "data"),
    )
    @one_data_version
    def rescore(
        values: list[float | None],
        province: str | None,
        year: str | None,
        slider_ids: list[dict[str, str]],
        lang: str | None,
    ) -> Any:
        return whatif_result(province, year, [i["pillar"] for i in slider_ids], values, lang or "fa")

    @app.callback(
        Output(ids.whatif_weight(MATCH_ALL), "value"),
        Input(ids.WHATIF_RESET, "n_clicks"),
        State(ids.whatif_weight(MATCH_ALL), "id"),
        prevent_initial_call=True,
    )
    def reset(_clicks: int | None, slider_ids: list[dict[str, str]]) -> list[float]:
        defaults = default_weights(api.catalogue())
        return [defaults[i["pillar"]] for i in slider_ids]
