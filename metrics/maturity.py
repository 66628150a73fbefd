"""Maturity stages (web presence → interactive → transactional → integrated) from services' levels.

The level fields and their order come from the catalogue's ``level_score`` formula, so a catalogue
that scores levels differently also stages them differently, without code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.catalogue import Catalogue, LevelScoreFormula

STAGE_NAMES: dict[str, tuple[str, str]] = {
    "not_started": ("آغاز نشده", "not started"),
    "services_informational": ("حضور وب (اطلاع‌رسانی)", "web presence"),
    "services_interactive": ("تعاملی", "interactive"),
    "services_transactional": ("تراکنشی", "transactional"),
    "services_integrated": ("یکپارچه", "integrated"),
}


def level_formula(catalogue: Catalogue) -> LevelScoreFormula:
    """The catalogue's service-level formula (the first ``level_score`` indicator)."""
    for indicator in catalogue.indicators:
        if isinstance(indicator.formula, LevelScoreFormula):
            return indicator.formula
    raise LookupError(f"catalogue {catalogue.version} declares no level_score indicator")


def maturity_stages(counts: pd.DataFrame, *, levels: list[str], total: str, threshold: float) -> pd.Series:
    """The highest level at or above which at least ``threshold`` of the services are.

    >>> frame = pd.DataFrame({"a": [2, 1], "b": [5, 1], "c": [1, 0], "n": [10, 10]})
    >>> maturity_stages(frame, levels=["a", "b", "c"], total="n", threshold=0.5).tolist()
    ['b', 'not_started']
    """
    stage = pd.Series("not_started", index=counts.index, dtype=object)
    services = counts[total].to_numpy(dtype=np.float64)
    at_or_above = np.zeros(len(counts))
    for level in reversed(levels):  # from the most mature down
        at_or_above = at_or_above + counts[level].fillna(0).to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            reached = (services > 0) & (at_or_above / services >= threshold)
        stage = stage.where(~(reached & (stage == "not_started")), level)
    return stage.where(counts[total].notna(), None)


def agency_maturity(catalogue: Catalogue, reported_year: pd.DataFrame) -> pd.DataFrame:
    """Stage of each agency from one year's reported service counts (rows agencies)."""
    formula = level_formula(catalogue)
    levels = sorted(formula.counts, key=lambda name: formula.counts[name])
    columns = [*levels, formula.total]
    counts = reported_year.reindex(columns=columns)
    stage = maturity_stages(counts, levels=levels, total=formula.total, threshold=catalogue.scoring.maturity_threshold)
    return counts.assign(
        stage=stage, stage_order=stage.map({name: n for n, name in enumerate(["not_started", *levels])})
    )


def group_maturity(catalogue: Catalogue, agency_stages: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Stage of each group (a province, a county) from the summed service counts of its agencies."""
    formula = level_formula(catalogue)
    levels = sorted(formula.counts, key=lambda name: formula.counts[name])
    summed = agency_stages[[*levels, formula.total]].groupby(groups.reindex(agency_stages.index)).sum(min_count=1)
    stage = maturity_stages(summed, levels=levels, total=formula.total, threshold=catalogue.scoring.maturity_threshold)
    return summed.assign(stage=stage)
