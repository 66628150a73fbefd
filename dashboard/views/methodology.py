"""Methodology: the indicator catalogue rendered from the same data file the scoring reads.

Pillars with their weights, every indicator with its formula in words, unit, direction, weight and
target — in the page's language. Nothing here is typed by hand; a new catalogue version shows itself.
"""

from __future__ import annotations

from typing import Any, cast

import dash_mantine_components as dmc
from dash import html

from dashboard import ids
from dashboard.fields import choice_labels, field_label
from dashboard.formatting import format_number, format_percent, format_year
from dashboard.i18n import normalise_lang, pick, t
from dashboard.views.whatif import whatif_placeholder  # compare/geography/what-if
from metrics.catalogue import (
    BooleanFormula,
    Catalogue,
    ChoiceScoreFormula,
    Group,
    Indicator,
    LevelScoreFormula,
    RatioFormula,
    ShareOfSumFormula,
    ValueFormula,
    default_catalogue,
    resolved_target_year,
)


def _join(names: tuple[str, ...], lang: str, catalogue: Catalogue) -> str:
    return t("formula.plus", lang).join(field_label(n, lang, catalogue) for n in names)


def _as_tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def describe_formula(indicator: Indicator, lang: str, catalogue: Catalogue) -> str:
    """An indicator's formula in words, with the template's field names."""
    formula = indicator.formula
    number = lambda value: format_number(value, lang)  # noqa: E731 - a local shorthand reads better here
    if isinstance(formula, RatioFormula):
        return t(
            "formula.ratio",
            lang,
            numerator=_join(_as_tuple(formula.numerator), lang, catalogue),
            denominator=_join(_as_tuple(formula.denominator), lang, catalogue),
            scale=number(formula.scale),
        )
    if isinstance(formula, ShareOfSumFormula):
        return t(
            "formula.share_of_sum",
            lang,
            part=_join(_as_tuple(formula.part), lang, catalogue),
            parts=t("formula.and", lang).join(field_label(n, lang, catalogue) for n in formula.parts),
            scale=number(formula.scale),
        )
    if isinstance(formula, BooleanFormula):
        return t(
            "formula.boolean", lang, field=field_label(formula.field, lang, catalogue), scale=number(formula.scale)
        )
    if isinstance(formula, LevelScoreFormula):
        pairs = t("list.sep", lang).join(
            f"{field_label(n, lang, catalogue)} {number(s)}" for n, s in formula.counts.items()
        )
        return t("formula.level_score", lang, levels=pairs, total=field_label(formula.total, lang, catalogue))
    if isinstance(formula, ChoiceScoreFormula):
        options = choice_labels(formula.field, lang) or tuple(str(i) for i in range(len(formula.scores)))
        scores = t("list.sep", lang).join(f"{o} {number(s)}" for o, s in zip(options, formula.scores, strict=False))
        return t("formula.choice_score", lang, field=field_label(formula.field, lang, catalogue), scores=scores)
    assert isinstance(formula, ValueFormula)
    return t("formula.value", lang, field=field_label(formula.field, lang, catalogue))


def _unit(unit: str, lang: str) -> str:
    known = {"%": "unit.percent", "points": "unit.points"}
    return t(known[unit], lang) if unit in known else unit


def _target(indicator: Indicator, lang: str) -> str:
    if indicator.target is None:
        return format_number(None, lang)
    if indicator.unit == "%":
        return format_percent(indicator.target, lang)
    return format_number(indicator.target, lang)


def indicator_rows(catalogue: Catalogue, pillar: Group, lang: str) -> list[dict[str, str]]:
    """One row per indicator of a pillar: what the table shows (pure; the unit tests read it)."""
    indicators = catalogue.indicators_under(pillar.code)
    total_weight = sum(i.weight for i in indicators)
    return [
        {
            "code": indicator.code,
            "name": pick(lang, indicator.name_fa, indicator.name_en),
            "description": pick(lang, indicator.description_fa, indicator.description_en),
            "formula": describe_formula(indicator, lang, catalogue),
            "unit": _unit(indicator.unit, lang),
            "direction": t("direction.up" if indicator.direction == 1 else "direction.down", lang),
            "weight": format_percent(100 * indicator.weight / total_weight, lang),
            "target": _target(indicator, lang),
            "target_year": format_year(resolved_target_year(indicator, catalogue.plan), lang),
        }
        for indicator in indicators
    ]


def _indicator_table(rows: list[dict[str, str]], lang: str, target_year: str) -> dmc.Table:
    heads = [
        t("methodology.col.indicator", lang),
        t("methodology.col.formula", lang),
        t("methodology.col.unit", lang),
        t("methodology.col.direction", lang),
        t("methodology.col.weight", lang),
        t("methodology.col.target", lang, year=target_year),
    ]
    body = [
        html.Tr(
            [
                html.Td([html.Strong(row["name"]), html.Div(row["description"], className="egov-muted")]),
                html.Td(row["formula"]),
                html.Td(row["unit"]),
                html.Td(row["direction"]),
                html.Td(row["weight"], className="egov-num"),
                html.Td(row["target"], className="egov-num"),
            ],
            **cast("dict[str, Any]", {"data-indicator": row["code"]}),
        )
        for row in rows
    ]
    return dmc.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in heads])), html.Tbody(body)],
        striped=True,
        withTableBorder=True,
        verticalSpacing="xs",
        className="egov-table",
    )


def _pillar_card(catalogue: Catalogue, pillar: Group, lang: str, weight_total: float) -> dmc.Paper:
    rows = indicator_rows(catalogue, pillar, lang)
    target_year = format_year(catalogue.plan.target_year, lang)
    return dmc.Paper(
        [
            html.H2(pick(lang, pillar.name_fa, pillar.name_en)),
            html.P(pick(lang, pillar.description_fa, pillar.description_en)),
            html.P(
                t(
                    "methodology.pillar_weight",
                    lang,
                    weight=format_number(pillar.weight, lang, decimals=1),
                    share=format_percent(100 * pillar.weight / weight_total, lang),
                ),
                className="egov-muted",
            ),
            dmc.TableScrollContainer(
                _indicator_table(rows, lang, target_year),
                minWidth=700,
                scrollAreaProps={"viewportProps": {"tabIndex": 0}},  # compare/geography/what-if: axe, keyboard scroll
            ),
        ],
        withBorder=True,
        p="md",
        mb="md",
        className="egov-card",
        **cast("dict[str, Any]", {"data-pillar": pillar.code}),
    )


def layout(lang: str = "fa", *, catalogue: Catalogue | None = None, **_state: Any) -> html.Div:
    """The methodology page in ``lang``, from ``catalogue`` (default: the shipped Fifth Plan catalogue)."""
    lang = normalise_lang(lang)
    catalogue = catalogue or default_catalogue()
    plan = catalogue.plan
    pillars = [g for g in catalogue.groups if g.parent == catalogue.root.code]
    weight_total = sum(p.weight for p in pillars)
    return html.Div(
        [
            html.H1(t("page.methodology", lang), id=ids.METHODOLOGY_TITLE),
            html.P(
                t(
                    "methodology.plan",
                    lang,
                    plan=pick(lang, plan.name_fa, plan.name_en),
                    first=format_year(plan.first_year, lang),
                    target=format_year(plan.target_year, lang),
                    version=catalogue.version,
                )
            ),
            html.P(pick(lang, catalogue.root.description_fa, catalogue.root.description_en)),
            html.P(
                t(
                    "methodology.how",
                    lang,
                    target=format_year(plan.target_year, lang),
                    coverage=format_percent(100 * catalogue.scoring.min_coverage, lang),
                )
            ),
            whatif_placeholder(lang),  # compare/geography/what-if
            html.Div(
                [_pillar_card(catalogue, pillar, lang, weight_total) for pillar in pillars],
                id=ids.METHODOLOGY_PILLARS,
            ),
        ],
        className="egov-page",
    )
