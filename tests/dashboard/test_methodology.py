"""The methodology page is the catalogue, in either language."""

from __future__ import annotations

import re

import pytest

from dashboard.views.methodology import describe_formula, indicator_rows, layout
from metrics.catalogue import default_catalogue

CATALOGUE = default_catalogue()
PILLARS = [g for g in CATALOGUE.groups if g.parent == CATALOGUE.root.code]
FIELD_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _text(component: object) -> str:
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)  # a slider or a store has none
    if isinstance(children, list | tuple):
        return " ".join(_text(c) for c in children)
    return "" if children is None else _text(children)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_every_indicator_is_described_in_words(lang: str) -> None:
    for indicator in CATALOGUE.indicators:
        words = describe_formula(indicator, lang, CATALOGUE)
        assert words and not FIELD_CODE.search(words), (indicator.code, words)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_rows_follow_the_catalogue_order(lang: str) -> None:
    for pillar in PILLARS:
        rows = indicator_rows(CATALOGUE, pillar, lang)
        assert [r["code"] for r in rows] == [i.code for i in CATALOGUE.indicators_under(pillar.code)]


def test_page_shows_every_pillar_and_indicator_with_targets_in_the_language() -> None:
    persian, english = _text(layout("fa")), _text(layout("en"))
    for node in (*PILLARS, *CATALOGUE.indicators):
        assert node.name_fa in persian and node.name_en in english
    assert "۱۳۹۴" in persian and "1394" in english
    electronic_files = indicator_rows(CATALOGUE, PILLARS[0], "fa")[0]
    assert electronic_files["target"] == "۱۰۰٪" and electronic_files["target_year"] == "۱۳۹۴"
    assert "Case files, total" in describe_formula(CATALOGUE.indicator("electronic_files_pct"), "en", CATALOGUE)
